"""The SDE of one SDE-BNN block and its fixed-grid solvers (src/sde/block_terms.ts, integrate.ts,
solvers/euler.ts, solvers/reversible_heun.ts), differentiated by autograd.

Augmented state of S Monte-Carlo samples, y = (h [S, ...], w [S, D], kl [S]), each sample:
    dh  = f_h(h, t; w) dt
    dw  = (-theta w + NN(w, t; phi)) dt + sigma dW
    dkl = 1/2 |NN(w, t)|^2 / sigma^2 dt   [+ NN(w_t)/sigma . dW: "stl" (phi cut from the gradient)
                                            or "logratio" (phi differentiated)]
With sigma = 0 there is no hypernetwork and no KL (the ODE limit; the OU drift -theta w stays).
The grid is t_k = t0 + (t1 - t0) k / N (t_N = t1), the noise of step k its Brownian increment.
Operations run in sdebnn's order (e.g. Euler adds sigma dW before dt f), so float32 results agree
to rounding.
"""
import torch


def grid_time(t0, t1, steps, k):
    return t1 if k == steps else t0 + (t1 - t0) * k / steps


class BlockSde:
    """drift f(t, y) and the Ito step term of the KL, for one block's f_h and hypernetwork."""

    def __init__(self, f_h, net, phi, sigma, theta, kl):
        self.f_h, self.net, self.phi, self.sigma, self.theta, self.kl = f_h, net, phi, sigma, theta, kl

    def drift(self, t, y):
        h, w, _ = y
        fh = torch.stack([self.f_h.forward(h[s], t, w[s]) for s in range(h.shape[0])])
        if self.net is None:
            return fh, -self.theta * w, torch.zeros(w.shape[0], dtype=w.dtype, device=w.device)
        nn = self.net.forward(w, t, self.phi)
        return fh, -self.theta * w + nn, (0.5 / (self.sigma * self.sigma)) * (nn * nn).sum(1)

    def step_term(self, t, w_before, dW):
        """NN(w_t)/sigma . dW of the "stl" and "logratio" estimators (None for "quadratic")."""
        if self.net is None or self.kl == "quadratic":
            return None
        phi = self.phi.detach() if self.kl == "stl" else self.phi
        return (self.net.forward(w_before, t, phi) * dW).sum(1) / self.sigma


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


def reversible_heun(sde, y0, increments, grid):
    """Reversible Heun (Kidger et al. 2021), carried state (y, yh, f(yh)):
        y  += dt/2 f(yh);  yh <- 2 y - yh;  yh, y += sigma dW (w only);  f <- f(t + dt, yh);  y += dt/2 f(yh)."""
    t0, t1, n = grid
    y = list(y0)
    yh = list(y0)
    f = list(sde.drift(t0, yh))
    for k in range(n):
        t = grid_time(t0, t1, n, k)
        dt = grid_time(t0, t1, n, k + 1) - t
        dW = increments[k]
        w_before = y[1]
        y = [a + (0.5 * dt) * b for a, b in zip(y, f)]
        yh = [2 * a - b for a, b in zip(y, yh)]
        yh[1] = yh[1] + sde.sigma * dW
        y[1] = y[1] + sde.sigma * dW
        f = list(sde.drift(t + dt, yh))
        y = [a + (0.5 * dt) * b for a, b in zip(y, f)]
        term = sde.step_term(t, w_before, dW)
        if term is not None:
            y[2] = y[2] + term
    return tuple(y)


SOLVERS = {"euler": euler, "reversible_heun": reversible_heun}
