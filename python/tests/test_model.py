"""Model properties that need no sdebnn output: model.keepActivationsMB = 0 (f_h's in-step
activations recomputed in the backward pass) gives the same loss and gradients, bit for bit on CPU,
as keeping them; the parameter names, order and shapes are sdebnn's layout."""
import unittest

import torch

from sdebnn_torch.config import resolve
from sdebnn_torch.image import ImageSdeBnn
from sdebnn_torch.noise import TorchNoise


def step(keep, solver, gradient="backprop", kl="stl", sigma=0.2, w0="point"):
    cfg = resolve({"kind": "image", "model": {"height": 8, "width": 8, "hidden": 4, "steps": 5, "solver": solver, "sigma": sigma,
                                              "kl": kl, "keepActivationsMB": keep, "gradient": gradient, "w0": w0}})
    m = ImageSdeBnn(cfg["model"], torch.Generator().manual_seed(1))
    x = torch.rand(6, 1, 8, 8, generator=torch.Generator().manual_seed(5))
    y = torch.randint(0, 10, (6,), generator=torch.Generator().manual_seed(6))
    loss, _ = m(x, y, TorchNoise(0, 0, 1), 2, 1.0, 100)
    loss.backward()
    return m, loss.detach(), [p.grad.clone() for p in m.parameters()]


class Model(unittest.TestCase):
    def test_recomputed_activations_give_the_same_gradients(self):
        for solver in ("euler", "reversible_heun"):
            _, l1, g1 = step(256, solver)
            _, l0, g0 = step(0, solver)
            self.assertTrue(torch.equal(l1, l0), solver)
            for a, b in zip(g1, g0):
                self.assertTrue(torch.equal(a, b), solver)
            self.assertTrue(all(g.abs().max() > 0 for g in g1))

    def test_reversible_adjoint_gives_the_backprop_gradients(self):
        for kl, sigma, w0 in (("quadratic", 0.2, "point"), ("stl", 0.5, "meanfield"), ("logratio", 0.3, "point"), ("quadratic", 0, "point")):
            m, l1, g1 = step(256, "reversible_heun", "backprop", kl, sigma, w0)
            _, l0, g0 = step(256, "reversible_heun", "adjoint", kl, sigma, w0)
            self.assertTrue(torch.equal(l1, l0), kl)
            for name, a, b in zip(m.names, g1, g0):
                err = ((a - b).abs().max() / a.abs().max()).item()
                self.assertLessEqual(err, 1e-5, f"{kl}: {name}")

    def test_parameter_layout(self):
        m, _, _ = step(256, "euler")
        # f_h of an 8x8 block, 3 channels (1 + 2 augmented), width 4: four concat convs (time channel first)
        D = (4 * 4 * 9 + 4) + (4 * 5 * 9 + 4) + (5 * 4 * 9 + 4) + (3 * 5 * 9 + 3)
        P = (D * 2 + 4 * 2) + (2 * 16 + 4 * 16) + (16 * 2 + 4 * 2) + (2 * D + 4 * D)
        self.assertEqual(list(m.shapes().items()), [("g0.b0.nn", [P]), ("g0.b0.w0", [D]), ("head.W", [192, 10]), ("head.b", [10]),
                                                    ("head.W_logstd", [192, 10]), ("head.b_logstd", [10])])
        self.assertTrue(torch.equal(m.p("g0.b0.nn")[-6 * D:], torch.zeros(6 * D)))  # the last CSL starts at zero


if __name__ == "__main__":
    unittest.main()
