"""The image SDE-BNN of src/models/image.ts in PyTorch: the same parameters (names, shapes, flat
layouts, order), the same maths.

zero-padded channels -> groups of SDE-BNN blocks (space-to-depth x2 between groups) -> flatten ->
mean-field Bayesian Dense(classes) -> log-softmax. Parameters, in sdebnn's order:
  g{g}.b{b}.nn [P]           hypernetwork phi (sigma > 0 only), CSL(D->b) sp CSL(b->m) sp CSL(m->b) sp CSL(b->D, zero)
  g{g}.b{b}.w0 [D]           w_0 of f_h = CC3x3(C->h) sp CC3x3/2(h->h) sp CCT3x3/2(h->h) sp CC3x3(h->C)
  g{g}.b{b}.w0_logstd [D]    (model.w0 "meanfield")
  head.W [F, K], head.b [K], head.W_logstd [F, K], head.b_logstd [K]   (the logstds: head "meanfield")
Every Monte-Carlo sample has its own weight path per block and its own head draw, shared by the
batch. The randomness comes from a noise source (noise.py): sdebnn's own draws replayed, or torch's.
"""
import math
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

from .errors import ConfigError, CheckpointError
from .layers import ConcatConv2d, ConcatConvTranspose2d, ConcatSquash, Softplus, Stack
from .sde import BlockSde, SOLVERS, reversible_heun_adjoint

BAYES_INIT_LOGSTD = -4.0


def image_block_drift(C, H, W, hidden):
    """f_h of an image block ("block type 0", SPEC section 2): output shape = input shape."""
    if H % 2 or W % 2:
        raise ConfigError(f"model: a block needs an even spatial size for its stride-2 pair, got {H}x{W}")
    c1 = ConcatConv2d(C, hidden, H, W, 3, 1, 1)
    c2 = ConcatConv2d(hidden, hidden, H, W, 3, 2, 1)
    c3 = ConcatConvTranspose2d(hidden, hidden, c2.out_shape[1], c2.out_shape[2], 3, 2, 1, 1)
    c4 = ConcatConv2d(hidden, C, H, W, 3, 1, 1)
    return Stack([c1, Softplus(c1.out_shape), c2, Softplus(c2.out_shape), c3, Softplus(c3.out_shape), c4])


def image_hypernet(D, bottleneck, hidden):
    return Stack([ConcatSquash(D, bottleneck), Softplus((bottleneck,)), ConcatSquash(bottleneck, hidden),
                  Softplus((hidden,)), ConcatSquash(hidden, bottleneck), Softplus((bottleneck,)),
                  ConcatSquash(bottleneck, D, 0.0)])


def gaussian_kl(mu, logstd, prior_std):
    """sum_i KL(N(mu_i, exp(logstd_i)^2) || N(0, prior_std^2))."""
    return ((math.log(prior_std) - 0.5) - logstd + (torch.exp(2 * logstd) + mu * mu) * (0.5 / (prior_std * prior_std))).sum()


class ImageSdeBnn(nn.Module):
    def __init__(self, model_cfg, generator=None):
        super().__init__()
        m = self.cfg = model_cfg
        gen = generator if generator is not None else torch.Generator().manual_seed(0)
        self.names, values = [], []

        def add(name, value):
            self.names.append(name)
            values.append(value)

        C, H, W = m["channels"] + m["augment"], m["height"], m["width"]
        self.in_shape = (C, H, W)
        self.blocks = []
        for g, count in enumerate(m["groups"]):
            for b in range(count):
                f_h = image_block_drift(C, H, W, m["hidden"])
                D = f_h.param_count
                net = None
                name = f"g{g}.b{b}"
                if m["sigma"] > 0:
                    net = image_hypernet(D, m["nnBottleneck"], m["nnHidden"])
                    add(f"{name}.nn", net.init(gen))
                add(f"{name}.w0", f_h.init(gen))
                if m["w0"] == "meanfield":
                    add(f"{name}.w0_logstd", torch.full((D,), BAYES_INIT_LOGSTD))
                squeeze = b == count - 1 and g < len(m["groups"]) - 1
                self.blocks.append(dict(name=name, f_h=f_h, net=net, D=D, shape=(C, H, W), squeeze=squeeze))
            if g < len(m["groups"]) - 1:
                if H % 2 or W % 2:
                    raise ConfigError(f"model.groups: a squeeze needs an even size, got {H}x{W} after group {g}")
                C, H, W = C * 4, H // 2, W // 2
        self.features = C * H * W
        K = m["classes"]
        bound = 1 / math.sqrt(self.features)
        add("head.W", (torch.rand(self.features, K, generator=gen) * 2 - 1) * bound)
        add("head.b", (torch.rand(K, generator=gen) * 2 - 1) * bound)
        if m["head"] == "meanfield":
            add("head.W_logstd", torch.full((self.features, K), BAYES_INIT_LOGSTD))
            add("head.b_logstd", torch.full((K,), BAYES_INIT_LOGSTD))
        self.params = nn.ParameterList([nn.Parameter(v) for v in values])
        self.index = {n: i for i, n in enumerate(self.names)}

    # ---- parameters by sdebnn name ----------------------------------------------------------
    def p(self, name):
        return self.params[self.index[name]]

    def has(self, name):
        return name in self.index

    def shapes(self):
        return OrderedDict((n, list(self.params[i].shape)) for i, n in enumerate(self.names))

    def state_tensors(self, prefix="", values=None):
        """(name, float32 CPU tensor) pairs in sdebnn's parameter order."""
        vals = values if values is not None else [p.detach() for p in self.params]
        return [(prefix + n, v.detach().to("cpu", torch.float32).contiguous().clone()) for n, v in zip(self.names, vals)]

    def load_tensors(self, tensors, prefix=""):
        """Copies F32 tensors named (prefix + sdebnn name) into the parameters (shapes checked)."""
        from .checkpoint import expect_tensor
        with torch.no_grad():
            for i, n in enumerate(self.names):
                t = expect_tensor(tensors, prefix + n, "F32", list(self.params[i].shape))
                self.params[i].copy_(t.data)

    # ---- the model --------------------------------------------------------------------------
    def _w0(self, blk, i, S, noise):
        mu = self.p(blk["name"] + ".w0")
        if self.cfg["w0"] != "meanfield":
            return mu.unsqueeze(0).expand(S, -1)
        ls = self.p(blk["name"] + ".w0_logstd")
        eps = torch.stack([noise.w0(i, s, blk["D"]) for s in range(S)])
        return mu + torch.exp(ls) * eps

    def static_kl(self):
        """Closed-form KLs of q(w_0) (mean-field) and of the head."""
        m, kl = self.cfg, torch.zeros(())
        for blk in self.blocks:
            if m["w0"] == "meanfield":
                kl = kl + gaussian_kl(self.p(blk["name"] + ".w0"), self.p(blk["name"] + ".w0_logstd"), m["priorStdW0"])
        if m["head"] == "meanfield":
            kl = kl + gaussian_kl(self.p("head.W"), self.p("head.W_logstd"), m["headPriorStd"])
            kl = kl + gaussian_kl(self.p("head.b"), self.p("head.b_logstd"), m["headPriorStd"])
        return kl

    def body(self, x, S, noise):
        """x [B, channels, H, W] -> features [S, B, F] and the mean path KL of each block."""
        m = self.cfg
        B = x.shape[0]
        h = F.pad(x, (0, 0, 0, 0, 0, m["augment"])).unsqueeze(0).expand(S, *((B,) + self.in_shape))
        grid = (0.0, 1.0, m["steps"])
        dt = 1.0 / m["steps"]
        path_kls = []
        for i, blk in enumerate(self.blocks):
            D = blk["D"]
            phi = self.p(blk["name"] + ".nn") if blk["net"] is not None else None
            sde = BlockSde(blk["f_h"], blk["net"], phi, m["sigma"], m["theta"], m["kl"], recompute=m["keepActivationsMB"] == 0)
            inc = noise.brownian(i, S, m["steps"], D, dt).to(x.device)   # [S, steps, D]
            increments = [inc[:, k] for k in range(m["steps"])]
            y0 = (h, self._w0(blk, i, S, noise), torch.zeros(S, device=x.device))
            solve = reversible_heun_adjoint if m["gradient"] == "adjoint" and torch.is_grad_enabled() else SOLVERS[m["solver"]]
            h, _, kl = solve(sde, y0, increments, grid)
            path_kls.append(kl.mean())
            if blk["squeeze"]:
                C, H, W = blk["shape"]
                h = F.pixel_unshuffle(h.reshape(S * B, C, H, W), 2).reshape(S, B, 4 * C, H // 2, W // 2)
        return h.reshape(S, B, -1), path_kls

    def logits(self, feat, noise):
        """[S, B, F] -> [S, B, K]; a mean-field head draws its weights per sample."""
        m, K = self.cfg, self.cfg["classes"]
        W, b = self.p("head.W"), self.p("head.b")
        if m["head"] != "meanfield":
            return feat @ W + b
        nw, out = W.numel(), []
        for s in range(feat.shape[0]):
            eps = noise.head(s, nw + K).to(feat.device)
            Ws = W + torch.exp(self.p("head.W_logstd")) * eps[:nw].view_as(W)
            bs = b + torch.exp(self.p("head.b_logstd")) * eps[nw:]
            out.append(feat[s] @ Ws + bs)
        return torch.stack(out)

    def forward(self, x, labels, noise, samples, kl_coef, dataset_size, row_weight=1.0, kl_weight=1.0):
        """The training loss of a batch, as sdebnn's trainStep:
            loss = row_weight * mean_s NLL_s + kl_weight * (kl_coef / N) * KL,
            KL = KL_head + sum_blocks (mean_s pathKL_s + KL_w0).
        A shard of a larger batch weights its mean NLL by its share of the rows; the KL share
        (kl_weight) of the shards must add up to 1. Returns (loss, stats)."""
        S = samples
        feat, path_kls = self.body(x, S, noise)
        z = self.logits(feat, noise)
        nll = sum(F.cross_entropy(z[s], labels) for s in range(S)) / S
        kl = self.static_kl().to(x.device) + sum(path_kls)
        coef = kl_weight * kl_coef / dataset_size
        loss = row_weight * nll + coef * kl
        correct = (z.argmax(-1) == labels.unsqueeze(0)).sum().item() / S
        return loss, dict(nll=nll.item(), kl=kl.item(), correct=correct)

    @torch.no_grad()
    def predict(self, x, noise, samples):
        """Per-sample class probabilities [S, B, K]."""
        feat, _ = self.body(x, samples, noise)
        return torch.softmax(self.logits(feat, noise), -1)
