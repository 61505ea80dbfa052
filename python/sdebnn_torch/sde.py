"""The SDE of one SDE-BNN block and its fixed-grid solvers (src/sde/block_terms.ts, integrate.ts,
solvers/euler.ts, solvers/reversible_heun.ts), differentiated by autograd.

Augmented state of S Monte-Carlo samples, y = (h [S, ...], w [S, D], kl [S]), each sample:
    dh  = f_h(h, t; w) dt
    dw  = (-theta w + NN(w, t; phi)) dt + sigma dW
    dkl = 1/2 |NN(w, t)|^2 / sigma^2 dt   [+ NN(w_t)/sigma . dW: "stl" (phi cut from the gradient)
                                            or "logratio" (phi differentiated)]
With sigma = 0 there is no hypernetwork and no KL: the ODE limit (ODEnet), dw = 0, the weights stay w_0
(no OU drift -theta w, as sdebnn's BlockTerms).
A per-weight diffusion scale s (model.diffusionScale "init", src/sde/block.ts) makes the noise of
weight i sigma s_i dW_i: the solvers are given the increments s (x) dW (sdebnn's ScaledBrownian) and
BlockSde gets inv_scale2 = 1 / s^2, so that u_i = NN_i / (sigma s_i):
    dkl = 1/2 sum_i NN_i^2 / (sigma s_i)^2 dt   [+ sum_i NN_i (s_i dW_i) / (sigma s_i^2)].
The grid is t_k = t0 + (t1 - t0) k / N (t_N = t1), the noise of step k its Brownian increment.
Operations run in sdebnn's order (e.g. Euler adds sigma dW before dt f), so float32 results agree
to rounding.
"""
import torch
from torch.utils.checkpoint import checkpoint


def grid_time(t0, t1, steps, k):
    return t1 if k == steps else t0 + (t1 - t0) * k / steps


class BlockSde:
    """drift f(t, y) and the Ito step term of the KL, for one block's f_h and hypernetwork. With
    `recompute`, f_h's in-step activations are not kept for the backward pass but recomputed
    (torch.utils.checkpoint), as sdebnn does with model.keepActivationsMB = 0: autograd then keeps
    only the step-boundary states, and the gradients are the same. `inv_scale2` ([D], or None for
    s_i = 1) weights the KL terms by 1 / s_i^2; the increments the solvers pass are then s (x) dW."""

    def __init__(self, f_h, net, phi, sigma, theta, kl, recompute=False, inv_scale2=None):
        self.f_h, self.net, self.phi, self.sigma, self.theta, self.kl = f_h, net, phi, sigma, theta, kl
        self.recompute, self.inv_scale2 = recompute, inv_scale2

    def with_phi(self, phi):
        """The same SDE with the hypernetwork parameters `phi`."""
        return BlockSde(self.f_h, self.net, phi, self.sigma, self.theta, self.kl, self.recompute, self.inv_scale2)

    def _weighted(self, nn):
        """nn / s^2 (sdebnn's BlockTerms.weighted: the elementwise product, then the dot product)."""
        return nn if self.inv_scale2 is None else self.inv_scale2 * nn

    def _f_h(self, h, t, w):
        if self.recompute and torch.is_grad_enabled() and (h.requires_grad or w.requires_grad):
            return checkpoint(lambda a, b: self.f_h.forward(a, t, b), h, w, use_reentrant=False)
        return self.f_h.forward(h, t, w)

    def drift(self, t, y):
        h, w, _ = y
        fh = torch.stack([self._f_h(h[s], t, w[s]) for s in range(h.shape[0])])
        if self.net is None:
            dw = torch.zeros_like(w) if self.sigma == 0 else -self.theta * w
            return fh, dw, torch.zeros(w.shape[0], dtype=w.dtype, device=w.device)
        nn = self.net.forward(w, t, self.phi)
        return fh, -self.theta * w + nn, (0.5 / (self.sigma * self.sigma)) * (self._weighted(nn) * nn).sum(1)

    def step_term(self, t, w_before, dW):
        """NN(w_t)/sigma . dW of the "stl" and "logratio" estimators (None for "quadratic")."""
        if self.net is None or self.kl == "quadratic":
            return None
        phi = self.phi.detach() if self.kl == "stl" else self.phi
        return (self._weighted(self.net.forward(w_before, t, phi)) * dW).sum(1) / self.sigma


def euler(sde, y0, increments, grid):
    """Euler-Maruyama: y' = y + f(t, y) dt + sigma dW (on w). increments: [steps] of [S, D]."""
    t0, t1, n = grid
    h, w, kl = y0
    for k in range(n):
        t = grid_time(t0, t1, n, k)
        dt = grid_time(t0, t1, n, k + 1) - t
        dW = increments[k]
        fh, fw, fkl = sde.drift(t, (h, w, kl))
        term = sde.step_term(t, w, dW)
        h, w, kl = h + dt * fh, (w + sde.sigma * dW) + dt * fw, kl + dt * fkl
        if term is not None:
            kl = kl + term
    return h, w, kl


def _heun_advance(sde, t, dt, sign, state, dW):
    """One reversible Heun step from t to t + dt; with dt < 0 and sign = -1 its exact inverse."""
    y, yh, f = state
    y = [a + (0.5 * dt) * b for a, b in zip(y, f)]
    yh = [2 * a - b for a, b in zip(y, yh)]
    yh[1] = yh[1] + (sign * sde.sigma) * dW
    y[1] = y[1] + (sign * sde.sigma) * dW
    f = list(sde.drift(t + dt, yh))
    y = [a + (0.5 * dt) * b for a, b in zip(y, f)]
    return y, yh, f


def reversible_heun(sde, y0, increments, grid, carried=False):
    """Reversible Heun (Kidger et al. 2021), carried state (y, yh, f(yh)):
        y  += dt/2 f(yh);  yh <- 2 y - yh;  yh, y += sigma dW (w only);  f <- f(t + dt, yh);  y += dt/2 f(yh)."""
    t0, t1, n = grid
    state = (list(y0), list(y0), list(sde.drift(t0, y0)))
    for k in range(n):
        t = grid_time(t0, t1, n, k)
        dt = grid_time(t0, t1, n, k + 1) - t
        w_before = state[0][1]
        state = _heun_advance(sde, t, dt, 1.0, state, increments[k])
        term = sde.step_term(t, w_before, increments[k])
        if term is not None:
            state[0][2] = state[0][2] + term
    return state if carried else tuple(state[0])


class _ReversibleAdjoint(torch.autograd.Function):
    """Gradients of reversible Heun with memory independent of the number of steps (integrate.ts,
    adjointReversibleHeun): the step-boundary states are rebuilt backwards by the algebraic reverse
    step, and each step costs one vector-Jacobian product of the drift. Carried adjoint
    (alpha, P, v) of (y, yh, f(yh)), backwards over a step (solvers/reversible_heun.ts):
        A = P' + J(yh')^T (v' + dt/2 alpha'),  alpha = alpha' + 2 A,  P = -A,  v = dt/2 alpha' + dt A,
    then at t0 (yh0 = y0): dL/dy0 = alpha + P + J(yh0)^T v."""

    @staticmethod
    def forward(ctx, sde, grid, increments, h0, w0, phi):
        with torch.no_grad():
            state = reversible_heun(sde, (h0, w0, torch.zeros(w0.shape[0], dtype=w0.dtype, device=w0.device)),
                                    increments, grid, carried=True)
        ctx.sde, ctx.grid, ctx.state = sde, grid, state
        ctx.save_for_backward(increments, phi)
        return state[0][0].clone(), state[0][2].clone()

    @staticmethod
    def backward(ctx, g_h, g_kl):
        increments, phi = ctx.saved_tensors
        base, (t0, t1, n) = ctx.sde, ctx.grid
        phi_ = phi.detach().requires_grad_() if phi.numel() else None
        sde = base.with_phi(phi_)
        y, yh, f = ctx.state
        zeros = lambda: [torch.zeros_like(a) for a in y]
        alpha = [g_h if g_h is not None else torch.zeros_like(y[0]), torch.zeros_like(y[1]),
                 g_kl if g_kl is not None else torch.zeros_like(y[2])]
        P, v = zeros(), zeros()
        d_phi = torch.zeros_like(phi) if phi_ is not None else None

        def vjp(t, at, cot):
            nonlocal d_phi
            with torch.enable_grad():
                leaves = [at[0].detach().requires_grad_(), at[1].detach().requires_grad_(), at[2].detach()]
                pairs = [(o, c) for o, c in zip(sde.drift(t, leaves), cot) if o.requires_grad]
                wrt = leaves[:2] + ([phi_] if phi_ is not None else [])
                grads = torch.autograd.grad([o for o, _ in pairs], wrt, [c for _, c in pairs], allow_unused=True)
            if phi_ is not None and grads[2] is not None:
                d_phi = d_phi + grads[2]
            return [g if g is not None else torch.zeros_like(l) for g, l in zip(grads[:2], leaves[:2])] + [torch.zeros_like(at[2])]

        state = (list(y), list(yh), list(f))
        for k in range(n - 1, -1, -1):
            t = grid_time(t0, t1, n, k)
            dt = grid_time(t0, t1, n, k + 1) - t
            dW = increments[k]
            yh_after = state[1]
            with torch.no_grad():
                state = _heun_advance(sde, t + dt, -dt, -1.0, state, dW)  # the state at t_k
            kl_adj = alpha[2]
            A = [p + j for p, j in zip(P, vjp(t + dt, yh_after, [a + (0.5 * dt) * b for a, b in zip(v, alpha)]))]
            v = [(0.5 * dt) * a + dt * b for a, b in zip(alpha, A)]
            alpha = [a + 2 * b for a, b in zip(alpha, A)]
            P = [-a for a in A]
            if sde.net is not None and sde.kl != "quadratic" and bool((kl_adj != 0).any()):
                with torch.enable_grad():
                    w = state[0][1].detach().requires_grad_()
                    term = sde.step_term(t, w, dW)
                    wrt = [w] + ([phi_] if sde.kl == "logratio" else [])
                    grads = torch.autograd.grad(term, wrt, kl_adj)
                alpha[1] = alpha[1] + grads[0]
                if sde.kl == "logratio":
                    d_phi = d_phi + grads[1]
        last = vjp(t0, state[1], v)
        d_y0 = [a + p + j for a, p, j in zip(alpha, P, last)]
        return None, None, None, d_y0[0], d_y0[1], d_phi


def reversible_heun_adjoint(sde, y0, increments, grid):
    """reversible_heun with O(1)-in-steps memory for its gradients (model.gradient "adjoint")."""
    h0, w0, _ = y0
    phi = sde.phi if sde.phi is not None else torch.zeros(0, device=w0.device)
    h, kl = _ReversibleAdjoint.apply(sde, grid, torch.stack(list(increments)), h0, w0, phi)
    return h, None, kl


SOLVERS = {"euler": euler, "reversible_heun": reversible_heun}
