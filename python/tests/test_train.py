"""The trainer: a run stopped after 3 of 6 updates and resumed from its checkpoint ends with the
same checkpoint bytes as an uninterrupted run (weights, Adam moments, EMA, step, epoch sums); the
checkpoint decodes as an sdebnn checkpoint of the run's config; bad configs exit with code 3;
train.weightDecay is sdebnn's decoupled decay (adam_step mode 1): one update of a run with it differs
from the same update without it by lr * wd * p0, weight by weight."""
import contextlib
import io
import json
import os
import tempfile
import unittest

from sdebnn_torch.checkpoint import decode_checkpoint
from sdebnn_torch.config import resolve
from sdebnn_torch.train import Trainer, lr_at, main

TINY = {"kind": "image", "seed": 3,
        "model": {"channels": 1, "height": 8, "width": 8, "classes": 4, "augment": 1, "groups": [1], "hidden": 3,
                  "nnBottleneck": 2, "nnHidden": 4, "sigma": 0.2, "steps": 3, "w0": "meanfield"},
        "train": {"epochs": 2, "maxSteps": 6, "batch": 8, "lr": 3e-3, "emaDecay": 0.99, "samples": 2, "klCoef": 1e-3,
                  "checkpointEvery": 0, "schedule": "cosine"},
        "data": {"dataset": "synthetic", "valFraction": 0.2, "trainLimit": 40, "testLimit": 16},
        "eval": {"samples": 2, "batch": 16}}


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def run(*args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(args))
    return code, out.getvalue()


class Train(unittest.TestCase):
    def test_resume_gives_the_bytes_of_an_uninterrupted_run(self):
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, "tiny.json")
            with open(cfg, "w") as f:
                json.dump(TINY, f)
            a, b = os.path.join(d, "a"), os.path.join(d, "b")
            self.assertEqual(run("--config", cfg, "--out", a, "--eval-limit", "-1")[0], 0)
            code, text = run("--config", cfg, "--out", b, "--stop-after", "3")
            self.assertEqual(code, 0)
            self.assertIn('"stopped": true', text)
            self.assertEqual(decode_checkpoint(read(os.path.join(b, "checkpoint.safetensors"))).step, 3)
            self.assertEqual(run("--config", cfg, "--out", b, "--resume", "--eval-limit", "-1")[0], 0)
            full = read(os.path.join(a, "checkpoint.safetensors"))
            resumed = read(os.path.join(b, "checkpoint.safetensors"))
            self.assertEqual(full, resumed)
            ck = decode_checkpoint(full)
            self.assertEqual(ck.step, 6)
            self.assertEqual(ck.config, resolve(TINY))
            names = list(ck.tensors)
            self.assertIn("g0.b0.w0_logstd", names)
            self.assertIn("adam_v.head.W", names)
            self.assertIn("ema.g0.b0.nn", names)
            records = [json.loads(l) for l in read(os.path.join(b, "metrics.jsonl"), "r").splitlines()]
            self.assertEqual([r["step"] for r in records], [1, 2, 3, 4, 5, 6])

    def test_weight_decay_is_decoupled(self):
        # same batch, draws, gradients (taken at p0) and moments: p_plain - p_decayed = lr wd p0 (f64 closed form)
        import copy
        import torch
        wd = 0.5
        runs = []
        for w in (0, wd):
            cfg = copy.deepcopy(TINY)
            cfg["train"]["weightDecay"] = w
            tr = Trainer(resolve(cfg))
            p0 = [p.detach().double().clone() for p in tr.model.parameters()]
            lr = lr_at(tr.cfg["train"], 0, tr.total_steps)
            tr.train_step()
            runs.append([p.detach().double() for p in tr.model.parameters()])
        self.assertIsInstance(tr.opt, torch.optim.AdamW)
        moved = 0
        for a, b, q in zip(runs[0], runs[1], p0):
            tol = 4 * 2.0 ** -24 * (q.abs() + lr) + 1e-12
            self.assertTrue(bool(((a - b - lr * wd * q).abs() <= tol).all()))
            moved += int((q != 0).sum())
        self.assertGreater(moved, 0)

    def test_bad_config_exits_3_naming_the_field(self):
        with tempfile.TemporaryDirectory() as d:
            cfg = os.path.join(d, "bad.json")
            with open(cfg, "w") as f:
                f.write('{"kind": "image", "model": {"steps": 0}}')
            code, text = run("--config", cfg, "--out", os.path.join(d, "o"))
            self.assertEqual(code, 3)
            self.assertIn("model.steps: expected an integer in [1, 1000], got 0", text)
            with open(cfg, "w") as f:
                f.write('{"kind": "image", "seed": 1, "seed": 2}')
            code, text = run("--config", cfg, "--out", os.path.join(d, "o"))
            self.assertEqual(code, 3)
            self.assertIn('key "seed" appears twice', text)


if __name__ == "__main__":
    unittest.main()
