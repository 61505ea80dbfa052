"""Layer stacks over ONE flat parameter vector, the layouts of src/nn/stack.ts and src/nn/layers/*.ts.

A stack's parameters are one segment, layer after layer, each layer's tensors in declared order
(no padding inside a segment): for f_h that segment is the SDE weight state w_t itself, for the
hypernetwork it is the tensor `g{g}.b{b}.nn`. Layers:
- ConcatConv2d: [Cin, H, W] -> [Cout, Ho, Wo], W [Cout, 1 + Cin, k, k] with the constant time
  channel t FIRST, b [Cout]; zero padding applies to the time channel too (the kernel's tmap).
- ConcatConvTranspose2d: W [1 + Cin, Cout, k, k] (PyTorch's layout, time channel first), b [Cout].
- ConcatSquash (SPEC section 2): y = (x W + b) * sigmoid(a t + c) + d t, W [in, out], b, a, c, d [out].
- Softplus: log(1 + e^x); Activation(name): softplus, sigmoid, tanh or relu (no parameters).
- Swish (src/nn/layers/activation.ts): y = x sigmoid(beta x), a trainable slope beta [units]
  per unit, initialised to 0.5.
Initialisers (same distributions as sdebnn; the bits differ, sdebnn draws from Philox): He
normal std sqrt(2 / fan_in) for weights (fan-in counts the time channel), N(0, 0.01^2) for the
rest; a zero-scaled ConcatSquash (the hypernetwork's last layer) starts at exactly zero.
"""
import math

import torch
import torch.nn.functional as F


class ConcatConv2d:
    kind = "concat_conv2d"

    def __init__(self, cin, cout, height, width, kernel=3, stride=1, padding=1):
        self.cin, self.cout, self.k, self.stride, self.padding = cin, cout, kernel, stride, padding
        self.in_shape = (cin, height, width)
        ho, wo = (height + 2 * padding - kernel) // stride + 1, (width + 2 * padding - kernel) // stride + 1
        self.out_shape = (cout, ho, wo)
        self.params = [("W", [cout, 1 + cin, kernel, kernel]), ("b", [cout])]
        self.inits = [("normal", math.sqrt(2 / ((1 + cin) * kernel * kernel))), ("normal", 0.01)]

    def forward(self, x, t, p):
        W, b = p
        tt = torch.full((x.shape[0], 1) + tuple(x.shape[2:]), t, dtype=x.dtype, device=x.device)
        return F.conv2d(torch.cat([tt, x], 1), W, b, stride=self.stride, padding=self.padding)


class ConcatConvTranspose2d:
    kind = "concat_conv_transpose2d"

    def __init__(self, cin, cout, height, width, kernel=3, stride=2, padding=1, output_padding=1):
        self.cin, self.cout, self.k, self.stride, self.padding, self.op = cin, cout, kernel, stride, padding, output_padding
        self.in_shape = (cin, height, width)
        size = lambda n: (n - 1) * stride - 2 * padding + kernel + output_padding
        self.out_shape = (cout, size(height), size(width))
        self.params = [("W", [1 + cin, cout, kernel, kernel]), ("b", [cout])]
        self.inits = [("normal", math.sqrt(2 / ((1 + cin) * kernel * kernel))), ("normal", 0.01)]

    def forward(self, x, t, p):
        W, b = p
        tt = torch.full((x.shape[0], 1) + tuple(x.shape[2:]), t, dtype=x.dtype, device=x.device)
        return F.conv_transpose2d(torch.cat([tt, x], 1), W, b, stride=self.stride, padding=self.padding,
                                  output_padding=self.op)


class ConcatSquash:
    kind = "concat_squash"

    def __init__(self, nin, nout, scale=1.0):
        self.in_shape, self.out_shape = (nin,), (nout,)
        self.params = [("W", [nin, nout]), ("b", [nout]), ("a", [nout]), ("c", [nout]), ("d", [nout])]
        std = [math.sqrt(2 / nin)] + [0.01] * 4
        self.inits = [("zeros", 0.0) if scale == 0 else ("normal", s * scale) for s in std]

    def forward(self, x, t, p):
        W, b, a, c, d = p
        return (x @ W + b) * torch.sigmoid(a * t + c) + d * t


class Softplus:
    kind = "softplus"
    params, inits = [], []

    def __init__(self, shape):
        self.in_shape = self.out_shape = tuple(shape)

    def forward(self, x, t, p):
        return F.softplus(x)


_ACTIVATIONS = {"softplus": F.softplus, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}


class Activation:
    params, inits = [], []

    def __init__(self, name, shape):
        self.kind, self.fn = name, _ACTIVATIONS[name]
        self.in_shape = self.out_shape = tuple(shape)

    def forward(self, x, t, p):
        return self.fn(x)


class Swish:
    kind = "swish"

    def __init__(self, units, beta_init=0.5):
        self.in_shape = self.out_shape = (units,)
        self.params = [("beta", [units])]
        self.inits = [("constant", beta_init)]

    def forward(self, x, t, p):
        (beta,) = p
        return x * torch.sigmoid(beta * x)


def init_diffusion_scales(stack):
    """s_i of every weight of a stack's segment for model.diffusionScale "init"
    (src/sde/diffusion_scale.ts initDiffusionScales), float32 [param_count]: the std of the slot's
    init (normal: std), a constant or zero slot its layer's largest std (1 if none), 1 for a zero std."""
    out = torch.zeros(stack.param_count, dtype=torch.float32)
    for l, off in zip(stack.layers, stack.offsets):
        stds = [std if how == "normal" else None for how, std in l.inits]
        layer_max = max((s for s in stds if s is not None), default=None)
        for (_, shape), std in zip(l.params, stds):
            n = math.prod(shape)
            s = std if std is not None else layer_max if layer_max is not None else 1.0
            out[off:off + n] = s if s > 0 else 1.0
            off += n
    return out


class Stack:
    """Layers whose parameters form one contiguous segment (offsets as src/nn/stack.ts)."""

    def __init__(self, layers):
        self.layers = layers
        self.offsets, off = [], 0
        for l in layers:
            self.offsets.append(off)
            off += sum(math.prod(s) for _, s in l.params)
        self.param_count = off

    def slots(self):
        """(name, shape, offset) of every tensor in the segment: names `{i}.{kind}.{param}`."""
        out = []
        for i, l in enumerate(self.layers):
            off = self.offsets[i]
            for name, shape in l.params:
                out.append((f"{i}.{l.kind}.{name}", shape, off))
                off += math.prod(shape)
        return out

    def _views(self, i, p):
        views, off = [], self.offsets[i]
        for _, shape in self.layers[i].params:
            n = math.prod(shape)
            views.append(p[off:off + n].view(shape))
            off += n
        return views

    def forward(self, x, t, p):
        """x: [rows, *in_shape]; p: the flat segment [param_count]."""
        for i, l in enumerate(self.layers):
            x = l.forward(x, t, self._views(i, p))
        return x

    def init(self, generator):
        """Initial values of the segment, slot by slot in layout order."""
        out = torch.zeros(self.param_count)
        for l, off in zip(self.layers, self.offsets):
            for (_, shape), (how, std) in zip(l.params, l.inits):
                n = math.prod(shape)
                if how == "normal":
                    out[off:off + n] = torch.randn(n, generator=generator) * std
                elif how == "constant":
                    out[off:off + n] = std
                off += n
        return out
