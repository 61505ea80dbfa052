"""PyTorch peer of bench/train_step.mjs: the same SDE-BNN training step (forward, backward, Adam)
as sdebnn's `mnist` and `toy1d` presets, on synthetic inputs, one thread. Prints one JSON line.

  /usr/bin/python3 bench/peers/torch_sdebnn.py --model mnist|toy1d [--steps 10] [--warmup 3] [--no-infer | --infer-only]

Shapes follow src/models/image.ts and src/models/tabular.ts (head none, the toy1d preset): the flat weight vector w (all kernels
and biases of f_h) evolves by Euler-Maruyama, dw = (-w + NN(w, t)) dt + sigma dB, dh = f_h(h, t; w) dt,
dkl = 1/2 |NN(w, t)|^2 / sigma^2 dt. Gradients are plain autograd through the solver (all in-step
activations are kept, where sdebnn keeps only the step boundaries and recomputes).
"""
import argparse, json, math, resource, statistics, sys, time
import torch
import torch.nn.functional as F

def csl(x, W, b, a, c, d, t):
    """ConcatSquashLinear: (x W + b) sigmoid(a t + c) + d t (x: [..., in], W: [..., in, out])."""
    return (torch.matmul(x, W) + b) * torch.sigmoid(a * t + c) + d * t


def csl_params(n_in, n_out, scale=1.0):
    """W, b, a, c, d as flat parameter lengths and He-normal / N(0, 0.01^2) inits (scale 0: zeros)."""
    return [(n_in * n_out, math.sqrt(2 / n_in) * scale, (n_in, n_out))] + [(n_out, 0.01 * scale, (n_out,))] * 4


def init_flat(slots):
    parts = [torch.randn(n) * std for n, std, _ in slots]
    return torch.cat(parts)


def split(flat, slots, lead=()):
    """Views of the segments of a flat vector [..., D] with their shapes."""
    parts = torch.split(flat, [n for n, _, _ in slots], -1)  # one SplitBackward, not one per slice
    return [v.reshape(*lead, *shape) for v, (_, _, shape) in zip(parts, slots)]


def gaussian_kl(mu, logstd, prior):
    """KL(N(mu, exp(logstd)^2) || N(0, prior^2)), summed."""
    var = torch.exp(2 * logstd)
    return torch.sum(math.log(prior) - logstd + (var + mu * mu) / (2 * prior * prior) - 0.5)


def euler_sde(h, w0, nn, nn_params, fh, S, D, steps, sigma, noise=None):
    """Euler-Maruyama on the augmented state: dh = f_h(h, t; w) dt, dw = (-w + NN(w, t)) dt + sigma dB,
    dkl = 1/2 |NN(w, t)|^2 / sigma^2 dt (one weight path per sample). Returns h(1) and kl [S].
    noise: standard normals [steps, S, D] of the increments (dB = sqrt(dt) noise[k]); None draws them."""
    w = w0.unsqueeze(0).expand(S, -1)
    kl = torch.zeros(S)
    dt = 1.0 / steps
    for k in range(steps):
        t = k * dt
        u = nn(w, t, nn_params)
        kl = kl + dt * 0.5 / sigma ** 2 * torch.sum(u * u, 1)
        h = h + dt * fh(h, t, w)
        z = torch.randn(S, D) if noise is None else noise[k]
        w = w + dt * (-w + u) + sigma * math.sqrt(dt) * z
    return h, kl


class ImageModel:
    """mnist preset: pad 1 -> 3 channels, 1 SDE-BNN block (width 16), NN 2-16-2, mean-field Dense(10)."""

    def __init__(self, C=3, H=28, W=28, hidden=16, bottleneck=2, nn_hidden=16, classes=10):
        self.C, self.H, self.W, self.K = C, H, W, classes
        conv = lambda ci, co: [(co * (ci + 1) * 9, math.sqrt(2 / ((ci + 1) * 9)), (co, ci + 1, 3, 3)), (co, 0.01, (co,))]
        convT = lambda ci, co: [((ci + 1) * co * 9, math.sqrt(2 / ((ci + 1) * 9)), (ci + 1, co, 3, 3)), (co, 0.01, (co,))]
        self.f_slots = conv(C, hidden) + conv(hidden, hidden) + convT(hidden, hidden) + conv(hidden, C)
        self.D = sum(n for n, _, _ in self.f_slots)
        self.nn_slots = (csl_params(self.D, bottleneck) + csl_params(bottleneck, nn_hidden)
                         + csl_params(nn_hidden, bottleneck) + csl_params(bottleneck, self.D, 0.0))
        Fdim = C * H * W
        bound = 1 / math.sqrt(Fdim)
        self.w0 = init_flat(self.f_slots).requires_grad_()
        self.phi = init_flat(self.nn_slots).requires_grad_()
        self.muW = ((torch.rand(Fdim, classes) * 2 - 1) * bound).requires_grad_()
        self.muB = ((torch.rand(classes) * 2 - 1) * bound).requires_grad_()
        self.lsW = torch.full((Fdim, classes), -4.0, requires_grad=True)
        self.lsB = torch.full((classes,), -4.0, requires_grad=True)
        self.params = [self.w0, self.phi, self.muW, self.muB, self.lsW, self.lsB]

    def f_h(self, h, t, w):
        B = h.shape[0]
        W1, b1, W2, b2, W3, b3, W4, b4 = split(w, self.f_slots)
        tc = lambda x: torch.cat([torch.full((B, 1, x.shape[2], x.shape[3]), t), x], 1)  # time channel first
        x = F.softplus(F.conv2d(tc(h), W1, b1, padding=1))
        x = F.softplus(F.conv2d(tc(x), W2, b2, stride=2, padding=1))
        x = F.softplus(F.conv_transpose2d(tc(x), W3, b3, stride=2, padding=1, output_padding=1))
        return F.conv2d(tc(x), W4, b4, padding=1)

    def nn(self, w, t, L):
        x = F.softplus(csl(w, *L[0:5], t))
        x = F.softplus(csl(x, *L[5:10], t))
        x = F.softplus(csl(x, *L[10:15], t))
        return csl(x, *L[15:20], t)

    def forward(self, x, S, steps=10, sigma=0.2, noise=None, head_noise=None):
        """x: [B, 1, H, W] -> logits [S, B, K] and the mean path KL over the S samples. noise: see
        euler_sde; head_noise: standard normals ([S, F, K], [S, K]) of the head's weights and biases."""
        B = x.shape[0]
        h = F.pad(x, (0, 0, 0, 0, 0, self.C - x.shape[1])).unsqueeze(0).expand(S, -1, -1, -1, -1)
        fh = lambda h, t, w: torch.stack([self.f_h(h[s], t, w[s]) for s in range(S)])
        h, kl = euler_sde(h, self.w0, self.nn, split(self.phi, self.nn_slots), fh, S, self.D, steps, sigma, noise)
        feat = h.reshape(S, B, -1)
        eW, eB = (torch.randn(S, *self.muW.shape), torch.randn(S, self.K)) if head_noise is None else head_noise
        Wh = self.muW + torch.exp(self.lsW) * eW
        bh = self.muB + torch.exp(self.lsB) * eB
        return torch.matmul(feat, Wh) + bh.unsqueeze(1), kl.mean()

    def loss(self, x, y, N, kl_coef=1e-3):
        logits, kl_path = self.forward(x, 1)
        nll = F.cross_entropy(logits[0], y)
        kl = kl_path + gaussian_kl(self.muW, self.lsW, 0.1) + gaussian_kl(self.muB, self.lsB, 0.1)
        return nll + kl_coef / N * kl


class Toy1dModel:
    """toy1d preset: x -> [x, 0, 0], f_h CSL(64) swish CSL(64) swish CSL(3), NN CSL(64) swish CSL(64) swish CSL(D, zero)."""

    def __init__(self, hidden=64, nn_hidden=64, dim=3):
        self.dim = dim
        sw = lambda n, v=0.5: [(n, None, (n,))]
        self.f_slots = csl_params(dim, hidden) + sw(hidden) + csl_params(hidden, hidden) + sw(hidden) + csl_params(hidden, dim)
        self.D = sum(n for n, _, _ in self.f_slots)
        self.nn_slots = (csl_params(self.D, nn_hidden, 0.1) + sw(nn_hidden) + csl_params(nn_hidden, nn_hidden, 0.1)
                         + sw(nn_hidden) + csl_params(nn_hidden, self.D, 0.0))
        fill = lambda slots: torch.cat([torch.full((n,), 0.5) if std is None else torch.randn(n) * std for n, std, _ in slots])
        self.w0 = fill(self.f_slots).requires_grad_()
        self.phi = fill(self.nn_slots).requires_grad_()
        self.params = [self.w0, self.phi]

    def f_h(self, h, t, w):
        """h: [S, B, dim], w: [S, D] (one weight vector per sample)."""
        S = w.shape[0]
        L = split(w, self.f_slots, (S,))
        g = lambda i: [L[i]] + [v.unsqueeze(1) for v in L[i + 1:i + 5]]  # broadcast b, a, c, d over rows
        swish = lambda x, beta: x * torch.sigmoid(beta.unsqueeze(1) * x)
        x = swish(csl(h, *g(0), t), L[5])
        x = swish(csl(x, *g(6), t), L[11])
        return csl(x, *g(12), t)

    def nn(self, w, t, L):
        swish = lambda x, beta: x * torch.sigmoid(beta * x)
        x = swish(csl(w, *L[0:5], t), L[5])
        x = swish(csl(x, *L[6:11], t), L[11])
        return csl(x, *L[12:17], t)

    def loss(self, x, y, S=10, steps=19, sigma=0.2, b=0.1):
        B = x.shape[0]
        h = torch.zeros(S, B, self.dim)
        h[:, :, 0] = (x - 4) / 4
        h, kl = euler_sde(h, self.w0, self.nn, split(self.phi, self.nn_slots), self.f_h, S, self.D, steps, sigma)
        nll = torch.mean(torch.abs(h[:, :, -1] - y)) / b + math.log(2 * b)
        return nll + kl.mean()


def rss_peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def timed(fn, warmup, steps):
    """Wall-clock and process CPU milliseconds of each call after the warm-up."""
    for _ in range(warmup):
        fn()
    ms, cpu = [], []
    for _ in range(steps):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        ms.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return ms, cpu


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="mnist", choices=["mnist", "toy1d"])
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--no-infer", action="store_true")
    p.add_argument("--infer-only", action="store_true", help="skip the training steps (bench/infer_peers.mjs)")
    args = p.parse_args()
    out = {"impl": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(), "model": args.model}
    if args.model == "mnist":
        m = ImageModel()
        B, N = 64, 1152  # N: the training-split size of the synthetic set in the sdebnn run (KL scaling only)
        x = torch.rand(B, 1, 28, 28)
        y = torch.randint(0, 10, (B,))
        lossfn = lambda: m.loss(x, y, N)
        examples = B
    else:
        m = Toy1dModel()
        xs = torch.cat([torch.linspace(0, 2, 20), torch.linspace(6, 8, 20)])
        x, y = xs, torch.cos(xs) + 0.1 * torch.randn(40)
        lossfn = lambda: m.loss(x, y)
        examples = 40
    opt = torch.optim.Adam(m.params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    losses = []

    def step():
        opt.zero_grad(set_to_none=False)
        loss = lossfn()
        loss.backward()
        opt.step()
        losses.append(loss.item())

    out.update(params=sum(p.numel() for p in m.params), D=m.D, examplesPerStep=examples)
    if not args.infer_only:
        ms, cpu = timed(step, args.warmup, args.steps)
        out.update(msPerStep=ms, medianMs=statistics.median(ms), medianCpuMs=statistics.median(cpu), lossFirst=losses[0], lossLast=losses[-1])
    if args.model == "mnist" and not args.no_infer:
        with torch.no_grad():
            one = torch.rand(1, 1, 28, 28)
            lat = timed(lambda: torch.softmax(m.forward(one, 16)[0], -1).mean(0), 2, 10)
            big = torch.rand(256, 1, 28, 28)
            thr = timed(lambda: torch.softmax(m.forward(big, 1)[0], -1), 1, 3)
        out["infer"] = {"latency16Ms": statistics.median(lat[0]), "batch256Ms": statistics.median(thr[0]),
                        "batch256PerSec": 256 / (statistics.median(thr[0]) / 1000),
                        "latency16CpuMs": statistics.median(lat[1]), "batch256CpuMs": statistics.median(thr[1])}
    out["maxRssBytes"] = rss_peak()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
