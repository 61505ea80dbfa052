"""The tabular SDE-BNN of src/models/tabular.ts in PyTorch: the same parameters (names, shapes, flat
layouts, order), the same maths.

encoded features (standardised numeric, one-hot categorical: table.py) padded with `augment`
zeros -> one SDE-BNN block whose f_h is a ConcatSquash MLP (weights in w_t) -> a Dense head (point
or mean-field). Regression: one output, the standardised target (y - center) / scale, with a
Gaussian likelihood of learned log-std, a Laplace likelihood of fixed or learned scale b, or two
outputs per row, the mean and log-std of a heteroscedastic Gaussian; predictions in the target's
units. Classification: softmax over the classes. Parameters, in sdebnn's order:
  nn [P]                 hypernetwork phi (present even with sigma 0, unused there):
                         CSL(D -> n, s) swish CSL(n -> n, s) swish CSL(n -> D, zero), n = nnHidden, s = nnInitScale
  block.w0 [D]           w_0 of f_h = CSL(dim -> width) act (CSL(width -> width) act) x (depth - 1) CSL(width -> dim)
  block.w0_logstd [D]    (model.w0 "meanfield")
  head.W [dim, K], head.b [K], head.W_logstd, head.b_logstd   (the logstds: head "meanfield")
  noise.logstd [1]       (regression with the Gaussian likelihood)
  noise.logscale [1]     (the Laplace likelihood with model.learnLaplaceScale: log b, starting at log likelihoodScale)
A heteroscedastic head has K = 2 outputs (mean, log-std); its log-std bias starts at noiseLogStdInit.
dim = encoded width + augment; swish has a trainable slope per unit (`{i}.swish.beta`).
"""
import math

import torch
import torch.nn.functional as F

from .errors import ConfigError
from .layers import Activation, ConcatSquash, Stack, Swish
from .parts import ParamModel, solve_block
from .table import encoded_width

HALF_LOG_2PI = 0.9189385332046727
LOG_2 = math.log(2)


def tabular_drift(dim, m):
    act = (lambda n: Swish(n)) if m["activation"] == "swish" else (lambda n: Activation(m["activation"], (n,)))
    layers = [ConcatSquash(dim, m["width"]), act(m["width"])]
    for _ in range(1, m["depth"]):
        layers += [ConcatSquash(m["width"], m["width"]), act(m["width"])]
    return Stack(layers + [ConcatSquash(m["width"], dim)])


def tabular_hypernet(D, m):
    n, s = m["nnHidden"], m["nnInitScale"]
    return Stack([ConcatSquash(D, n, s), Swish(n), ConcatSquash(n, n, s), Swish(n), ConcatSquash(n, D, 0.0)])


class TabularSdeBnn(ParamModel):
    def __init__(self, run_cfg, generator=None):
        super().__init__()
        m = self.cfg = run_cfg["model"]
        schema = self.schema = run_cfg["data"]["schema"]
        if not schema["features"]:
            raise ConfigError("data.schema.features is empty: a tabular model is built from a fitted table schema "
                              "(train from a CSV file)")
        if m["solver"] not in ("euler", "reversible_heun"):
            raise ConfigError(f"model.solver: the PyTorch companion has 'euler' and 'reversible_heun', got \"{m['solver']}\"")
        # sdebnn's toy1d model (PSDE-BNN, no head, a fixed Gaussian std) is not mirrored here
        if m["stochastic"] != "all":
            raise ConfigError(f"model.stochastic: the PyTorch companion diffuses every weight of f_h ('all'), got {m['stochastic']!r}")
        if m["head"] == "none":
            raise ConfigError("model.head: the PyTorch companion has a Dense head ('point' or 'meanfield'), got 'none'")
        if m["gaussianStd"] != 0:
            raise ConfigError(f"model.gaussianStd: the PyTorch companion learns the Gaussian noise std (0), got {m['gaussianStd']!r}")
        gen = generator if generator is not None else torch.Generator().manual_seed(0)
        self.classification = len(schema["target"]["classes"]) > 0
        self.input_size = encoded_width(schema)
        self.dim = self.input_size + m["augment"]
        self.outputs = len(schema["target"]["classes"]) if self.classification else 1
        self.f_h = tabular_drift(self.dim, m)
        self.D = self.f_h.param_count
        self.net = tabular_hypernet(self.D, m)
        self.add("nn", self.net.init(gen))
        self.add("block.w0", self.f_h.init(gen))
        if m["w0"] == "meanfield":
            self.add("block.w0_logstd", torch.full((self.D,), float(m["w0LogStdInit"])))
        regression = not self.classification
        self.hetero = regression and m["likelihood"] == "heteroscedastic"
        self.add_head(self.dim, 2 if self.hetero else self.outputs, m["head"], gen)
        if self.hetero:  # the log-std output starts at the homoscedastic head's initial noise level
            self._values[self.names.index("head.b")][1] = float(m["noiseLogStdInit"])
        self.gaussian = regression and m["likelihood"] == "gaussian"
        if self.gaussian:
            self.add("noise.logstd", torch.full((1,), float(m["noiseLogStdInit"])))
        self.laplace_learned = regression and m["likelihood"] == "laplace" and m["learnLaplaceScale"]
        if self.laplace_learned:
            self.add("noise.logscale", torch.log(torch.full((1,), float(m["likelihoodScale"]))))
        self.freeze()

    def noise_variance(self):
        """Constant observation-noise variance in the target's units: s^2 (Gaussian, learned), 2 b^2 (Laplace, b
        fixed or learned); 0 classifying and for the heteroscedastic head (its variances come per row)."""
        if self.classification or self.hetero:
            return 0.0
        if self.gaussian:
            v = math.exp(2 * self.p("noise.logstd").item())
        else:
            v = 2 * (math.exp(2 * self.p("noise.logscale").item()) if self.laplace_learned else self.cfg["likelihoodScale"] ** 2)
        return v * self.schema["target"]["scale"] ** 2

    def body(self, x, S, noise):
        """x [B, encoded width] -> features h(1) [S, B, dim] and the mean path KL."""
        h = F.pad(x, (0, self.cfg["augment"])).unsqueeze(0).expand(S, x.shape[0], self.dim)
        h, kl = solve_block(self.cfg, self.f_h, self.net, self.p("nn"), h, self.sample_w0("block", 0, S, noise), 0, noise)
        return h, kl.mean()

    def standard_targets(self, y):
        """(y - center) / scale in float64, rounded once to float32 (tabular.ts standardTargets)."""
        t = self.schema["target"]
        return ((y.double() - t["center"]) / t["scale"]).float()

    def nll(self, out, y):
        """Mean NLL of one sample's outputs [B, K] (softmax) or [B, 1] (regression, standardised targets)."""
        if self.classification:
            return F.cross_entropy(out, y)
        r = out[:, 0] - y
        if self.hetero:
            rho = out[:, 1]
            return (0.5 * r * r * torch.exp(-2 * rho) + rho).mean() + HALF_LOG_2PI
        if self.gaussian:
            rho = self.p("noise.logstd")[0]
            return 0.5 * torch.exp(-2 * rho) * (r * r).mean() + rho + HALF_LOG_2PI
        if self.laplace_learned:
            beta = self.p("noise.logscale")[0]
            return r.abs().mean() * torch.exp(-beta) + beta + LOG_2
        b = self.cfg["likelihoodScale"]
        return r.abs().mean() / b + math.log(2 * b)

    def forward(self, x, y, noise, samples, kl_coef, dataset_size, row_weight=1.0, kl_weight=1.0):
        """The training loss of a batch, as sdebnn's trainStep (y: class indices, or targets in their units):
            loss = row_weight * mean_s NLL_s + kl_weight * (kl_coef / N) * (KL_head + mean_s pathKL_s + KL_w0).
        Returns (loss, stats)."""
        S = samples
        feat, path_kl = self.body(x, S, noise)
        z = self.head_outputs(feat, noise)
        target = y if self.classification else self.standard_targets(y)
        nll = sum(self.nll(z[s], target) for s in range(S)) / S
        kl = self.head_kl(self.cfg["headPriorStd"]).to(x.device) + path_kl + self.w0_kl("block", self.cfg["w0PriorStd"]).to(x.device)
        loss = row_weight * nll + (kl_weight * kl_coef / dataset_size) * kl
        if self.cfg["sigma"] == 0:
            loss = loss + 0 * self.p("nn").sum()  # the unused hypernetwork gets a zero gradient (DDP needs one for every parameter)
        correct = (z.argmax(-1) == y.unsqueeze(0)).sum().item() / S if self.classification else 0.0
        return loss, dict(nll=nll.item(), kl=kl.item(), correct=correct)

    @torch.no_grad()
    def predict(self, x, noise, samples):
        """Per-sample class probabilities [S, B, K], or function values in the target's units [S, B];
        heteroscedastic: [S, 2, B], each sample's values then their noise variances (as sdebnn's predictSamples)."""
        feat, _ = self.body(x, samples, noise)
        z = self.head_outputs(feat, noise)
        if self.classification:
            return torch.softmax(z, -1)
        t = self.schema["target"]
        values = (z[..., 0].double() * t["scale"] + t["center"]).float()
        if not self.hetero:
            return values
        return torch.stack([values, (torch.exp(2 * z[..., 1].double()) * t["scale"] ** 2).float()], 1)

    def moments(self, out):
        """Regression summaries of predict()'s output (float64): per-sample values [S, B], the mean, the
        epistemic variance (of the values) and the aleatoric variance (the likelihood's; per row, averaged
        over the samples, for the heteroscedastic head); total variance = epistemic + aleatoric."""
        out = out.double()
        values = out[:, 0] if self.hetero else out
        ale = out[:, 1].mean(0) if self.hetero else torch.full_like(values[0], self.noise_variance())
        return dict(values=values, mean=values.mean(0), epistemic=values.var(0, unbiased=False), aleatoric=ale)
