"""What the image and tabular models share (src/models/bayes_head.ts, src/sde/block.ts): parameters
held under their sdebnn names in sdebnn's order, the mean-field Dense head, q(w_0), the closed-form
Gaussian KL and the solve of one SDE-BNN block.
"""
import math
from collections import OrderedDict

import torch
import torch.nn as nn

from .sde import BlockSde, SOLVERS, reversible_heun_adjoint

BAYES_INIT_LOGSTD = -4.0


def gaussian_kl(mu, logstd, prior_std):
    """sum_i KL(N(mu_i, exp(logstd_i)^2) || N(0, prior_std^2))."""
    return ((math.log(prior_std) - 0.5) - logstd + (torch.exp(2 * logstd) + mu * mu) * (0.5 / (prior_std * prior_std))).sum()


class ParamModel(nn.Module):
    """Parameters added by name (`add`, in sdebnn's order), then frozen into a ParameterList (`freeze`)."""

    def __init__(self):
        super().__init__()
        self.names, self._values = [], []

    def add(self, name, value):
        self.names.append(name)
        self._values.append(value)

    def freeze(self):
        self.params = nn.ParameterList([nn.Parameter(v) for v in self._values])
        self.index = {n: i for i, n in enumerate(self.names)}
        del self._values

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

    # ---- the Dense head (bayes_head.ts) ----------------------------------------------------
    def add_head(self, inputs, outputs, mode, gen):
        """head.W [F, K], head.b [K] ~ U(-1/sqrt(F), 1/sqrt(F)); mean-field: head.W_logstd, head.b_logstd = -4."""
        bound = 1 / math.sqrt(inputs)
        self.add("head.W", (torch.rand(inputs, outputs, generator=gen) * 2 - 1) * bound)
        self.add("head.b", (torch.rand(outputs, generator=gen) * 2 - 1) * bound)
        if mode == "meanfield":
            self.add("head.W_logstd", torch.full((inputs, outputs), BAYES_INIT_LOGSTD))
            self.add("head.b_logstd", torch.full((outputs,), BAYES_INIT_LOGSTD))

    def head_outputs(self, feat, noise):
        """[S, B, F] -> [S, B, K]; a mean-field head draws its weights per sample (weights, then biases)."""
        W, b = self.p("head.W"), self.p("head.b")
        if not self.has("head.W_logstd"):
            return feat @ W + b
        nw, K, out = W.numel(), b.numel(), []
        for s in range(feat.shape[0]):
            eps = noise.head(s, nw + K).to(feat.device)
            Ws = W + torch.exp(self.p("head.W_logstd")) * eps[:nw].view_as(W)
            bs = b + torch.exp(self.p("head.b_logstd")) * eps[nw:]
            out.append(feat[s] @ Ws + bs)
        return torch.stack(out)

    def head_kl(self, prior_std):
        if not self.has("head.W_logstd"):
            return torch.zeros(())
        return (gaussian_kl(self.p("head.W"), self.p("head.W_logstd"), prior_std)
                + gaussian_kl(self.p("head.b"), self.p("head.b_logstd"), prior_std))

    # ---- q(w_0) ------------------------------------------------------------------------------
    def sample_w0(self, name, block, S, noise):
        """w_0 of each sample [S, D]: the point estimate, or mu + exp(logstd) eps (mean-field)."""
        mu = self.p(name + ".w0")
        if not self.has(name + ".w0_logstd"):
            return mu.unsqueeze(0).expand(S, -1)
        eps = torch.stack([noise.w0(block, s, mu.numel()) for s in range(S)]).to(mu.device)
        return mu + torch.exp(self.p(name + ".w0_logstd")) * eps

    def w0_kl(self, name, prior_std):
        if not self.has(name + ".w0_logstd"):
            return torch.zeros(())
        return gaussian_kl(self.p(name + ".w0"), self.p(name + ".w0_logstd"), prior_std)


def solve_block(m, f_h, net, phi, h, w0, block, noise, scale=None):
    """One SDE-BNN block over [0, 1] on the fixed grid of m["steps"]: h [S, B, ...] -> (h(1), path KL [S]).
    m: the model config (sigma, theta, kl, solver, gradient, keepActivationsMB, steps). `scale`: the
    per-weight diffusion scale s [D] (float32, e.g. layers.init_diffusion_scales) or None (s_i = 1);
    as sdebnn's SdeBnnBlock it has no effect at sigma 0."""
    S, D = w0.shape
    scale = scale.to(h.device) if scale is not None and m["sigma"] > 0 else None
    # 1 / s^2 rounded from float64 to float32, as sdebnn computes it (s^2 is exact in float64)
    inv_scale2 = (1 / (scale.double() * scale.double())).float() if scale is not None else None
    sde = BlockSde(f_h, net if m["sigma"] > 0 else None, phi, m["sigma"], m["theta"], m["kl"],
                   recompute=m["keepActivationsMB"] == 0, inv_scale2=inv_scale2)
    inc = noise.brownian(block, S, m["steps"], D, 1.0 / m["steps"]).to(h.device)   # [S, steps, D]
    if scale is not None:
        inc = inc * scale   # the path s (x) W (sdebnn's ScaledBrownian): weight i diffuses with sigma s_i
    increments = [inc[:, k] for k in range(m["steps"])]
    y0 = (h, w0, torch.zeros(S, device=h.device))
    solve = reversible_heun_adjoint if m["gradient"] == "adjoint" and torch.is_grad_enabled() else SOLVERS[m["solver"]]
    h, _, kl = solve(sde, y0, increments, (0.0, 1.0, m["steps"]))
    return h, kl
