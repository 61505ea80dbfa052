"""Equivalence with sdebnn: driven by sdebnn's own draws (Brownian increments, w_0 and head
normals), the PyTorch model gives sdebnn's loss, gradients and predictions within 1e-5 relative.

The cases are written at test time by test/python/torch_case.ts into $SDEBNN_TORCH_CASES
(case_*.safetensors). A tensor's error is max_i |torch_i - sdebnn_i| / max_i |sdebnn_i| (float32
on both sides). The measured errors are written to errors_<case>.json next to the cases.
"""
import glob
import json
import os
import unittest

import torch

from sdebnn_torch.checkpoint import decode_safetensors
from sdebnn_torch.config import resolve
from sdebnn_torch.image import ImageSdeBnn
from sdebnn_torch.tabular import TabularSdeBnn
from sdebnn_torch.noise import ReplayNoise

TOL = 1e-5
CASES = os.environ.get("SDEBNN_TORCH_CASES", "")


def rel(a, b):
    a, b = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    scale = b.abs().max().item()
    return (a - b).abs().max().item() / scale if scale > 0 else (a - b).abs().max().item()


def run_case(path):
    with open(path, "rb") as f:
        tensors, meta = decode_safetensors(f.read(), path)
    cfg = resolve(json.loads(meta["config"]))
    S, kl_coef, N = int(meta["samples"]), float(meta["klCoef"]), int(meta["datasetSize"])
    model = ImageSdeBnn(cfg["model"]) if cfg["kind"] == "image" else TabularSdeBnn(cfg)
    model.load_tensors(tensors, "param.")
    x, labels = tensors["x"].data, tensors["labels"].data
    labels = labels.long() if tensors["labels"].dtype == "I32" else labels
    loss, st = model(x, labels, ReplayNoise(tensors, "train."), S, kl_coef, N)
    loss.backward()
    errors = {"loss": rel(loss.item(), tensors["out.loss"].data), "nll": rel(st["nll"], tensors["out.nll"].data),
              "kl": rel(st["kl"], tensors["out.kl"].data)}
    for name in model.names:
        errors["grad." + name] = rel(model.p(name).grad, tensors["grad." + name].data)
    probs = model.predict(x, ReplayNoise(tensors, "eval."), S)
    errors["sample_probs"] = rel(probs, tensors["out.sample_probs"].data)
    # a case that tests something: every sdebnn gradient is non-zero (but the tabular hypernetwork's with sigma 0)
    for name in model.names:
        unused = name == "nn" and cfg["model"]["sigma"] == 0
        assert unused or tensors["grad." + name].data.abs().max() > 0, f"{path}: sdebnn's gradient of {name} is zero"
    return errors


class Equivalence(unittest.TestCase):
    def test_cases(self):
        files = sorted(glob.glob(os.path.join(CASES, "case_*.safetensors")))
        self.assertTrue(files, f"no case_*.safetensors in SDEBNN_TORCH_CASES={CASES!r} (written by test/python/torch_case.ts)")
        for path in files:
            name = os.path.basename(path)[5:-12]
            with self.subTest(case=name):
                errors = run_case(path)
                with open(os.path.join(CASES, f"errors_{name}.json"), "w") as f:
                    json.dump(errors, f, indent=1)
                worst = max(errors, key=errors.get)
                self.assertLessEqual(errors[worst], TOL, f"{name}: {worst} differs by {errors[worst]:.3g} relative; all: {errors}")


if __name__ == "__main__":
    unittest.main()
