"""sdebnn checkpoints in PyTorch: a checkpoint written by sdebnn (ts_checkpoint.safetensors, from
test/python/torch_equivalence.test.ts) decodes with its checksum verified, re-encodes to the very
same bytes, and its model predicts what sdebnn predicted (driven by sdebnn's evaluation draws);
damaged files raise CheckpointError naming what is wrong; numbers in headers are written as
JavaScript's JSON.stringify writes them."""
import hashlib
import json
import os
import unittest

import torch

from sdebnn_torch.checkpoint import (SafeTensor, decode_checkpoint, decode_safetensors, encode_checkpoint,
                                     encode_safetensors, expect_tensor, js_json)
from sdebnn_torch.data import UNIT_FROM_BYTE
from sdebnn_torch.errors import CheckpointError
from sdebnn_torch.noise import ReplayNoise
from sdebnn_torch.predict import load_model
from sdebnn_torch.table import encode_table, read_table_file

CASES = os.environ.get("SDEBNN_TORCH_CASES", "")


def read(name):
    with open(os.path.join(CASES, name), "rb") as f:
        return f.read()


class SdebnnCheckpoint(unittest.TestCase):
    def setUp(self):
        self.bytes = read("ts_checkpoint.safetensors")
        self.ck = decode_checkpoint(self.bytes, "ts_checkpoint.safetensors")

    def test_reencodes_to_the_same_bytes(self):
        ck = self.ck
        extra = {k: v for k, v in ck.metadata.items() if k not in ("format", "format_version", "config", "seed", "step", "sha256")}
        again = encode_checkpoint(list(ck.tensors.items()), ck.config, ck.seed, ck.step, extra)
        self.assertEqual(len(again), len(self.bytes))
        self.assertEqual(again, self.bytes)

    def test_predicts_what_sdebnn_predicts(self):
        model, cfg = load_model(self.ck)
        ref, _ = decode_safetensors(read("ts_predict.safetensors"))
        x = UNIT_FROM_BYTE[ref["images"].data.long()]
        noise = ReplayNoise(decode_safetensors(read("eval_noise.safetensors"))[0])
        probs = model.predict(x, noise, cfg["eval"]["samples"]).mean(0).double()
        want = ref["probs"].data.double()
        err = ((probs - want).abs().max() / want.abs().max()).item()
        with open(os.path.join(CASES, "errors_ts_checkpoint.json"), "w") as f:
            json.dump({"probs": err}, f)
        self.assertLessEqual(err, 1e-5)

    def test_damage_is_named(self):
        b = bytearray(self.bytes)
        b[-3] ^= 0x40
        mismatch = r"checksum mismatch over the header \(bytes 0\.\.\d+\) and the \d+-byte payload at byte offset \d+"
        with self.assertRaisesRegex(CheckpointError, mismatch):
            decode_checkpoint(bytes(b), "x.safetensors")
        head = self.bytes.replace(b'\\"lr\\":0.003', b'\\"lr\\":0.004', 1)  # the config inside the header
        self.assertNotEqual(head, self.bytes)
        with self.assertRaisesRegex(CheckpointError, mismatch):
            decode_checkpoint(head, "x.safetensors")
        dup = self.bytes.replace(b'"seed":"0"', b'"step":"0"', 1)
        with self.assertRaisesRegex(CheckpointError, r"key \"step\" appears twice in one object"):
            decode_checkpoint(dup, "x.safetensors")
        with self.assertRaisesRegex(CheckpointError, r"x.safetensors: tensor '[\w.]+': field 'data_offsets' \[\d+, \d+\] is out of range"):
            decode_checkpoint(self.bytes[:-4], "x.safetensors")
        with self.assertRaisesRegex(CheckpointError, r"tensors cover \d+ payload bytes, the file holds \d+ \(trailing bytes"):
            decode_checkpoint(self.bytes + b"\0\0\0\0", "x.safetensors")
        with self.assertRaisesRegex(CheckpointError, "too short for the 8-byte header length"):
            decode_checkpoint(self.bytes[:5])
        payload = torch.ones(2)
        v1 = encode_safetensors([("a", payload)], {"format": "sdebnn", "format_version": "1", "config": "{}", "seed": "0", "step": "0",
                                                    "sha256": hashlib.sha256(payload.numpy().tobytes()).hexdigest()})
        with self.assertRaisesRegex(CheckpointError, "format_version 1 .* allow_version1=True"):
            decode_checkpoint(v1)
        self.assertEqual(decode_checkpoint(v1, allow_version1=True).format_version, 1)
        plain = encode_safetensors([("a", torch.zeros(2))], {"format": "other"})
        with self.assertRaisesRegex(CheckpointError, "not an sdebnn checkpoint"):
            decode_checkpoint(plain)
        with self.assertRaisesRegex(CheckpointError, r"expected shape \[3\], got \[2\]"):
            expect_tensor(decode_safetensors(plain)[0], "a", "F32", [3])


def rel(a, b):
    a, b = a.double(), b.double()
    return ((a - b).abs().max() / b.abs().max()).item()


class SdebnnTabularCheckpoint(unittest.TestCase):
    """A tabular checkpoint trained by sdebnn (3 updates of a regression on a CSV file, EMA weights)."""

    def test_reencodes_and_predicts_what_sdebnn_predicts(self):
        raw = read("ts_tabular_checkpoint.safetensors")
        ck = decode_checkpoint(raw, "ts_tabular_checkpoint.safetensors")
        extra = {k: v for k, v in ck.metadata.items() if k not in ("format", "format_version", "config", "seed", "step", "sha256")}
        self.assertEqual(encode_checkpoint(list(ck.tensors.items()), ck.config, ck.seed, ck.step, extra), raw)
        model, cfg = load_model(ck)
        self.assertEqual(model.names, ["nn", "block.w0", "block.w0_logstd", "head.W", "head.b", "head.W_logstd", "head.b_logstd", "noise.logstd"])
        x, _ = encode_table(read_table_file(cfg["data"]["file"], "data"), cfg["data"]["schema"], False)
        noise = ReplayNoise(decode_safetensors(read("tabular_eval_noise.safetensors"))[0])
        values = model.predict(x, noise, cfg["eval"]["samples"])
        ref, _ = decode_safetensors(read("ts_tabular_predict.safetensors"))
        std = (values.double().var(0, unbiased=False) + model.noise_variance()).sqrt()
        errors = {"sample_values": rel(values, ref["sample_values"].data), "mean": rel(values.double().mean(0), ref["mean"].data),
                  "std": rel(std, ref["std"].data)}
        with open(os.path.join(CASES, "errors_ts_tabular_checkpoint.json"), "w") as f:
            json.dump(errors, f)
        for k, v in errors.items():
            self.assertLessEqual(v, 1e-5, k)


class Safetensors(unittest.TestCase):
    def test_round_trip_of_every_dtype(self):
        tensors = [("f16", torch.tensor([1.5, -2], dtype=torch.float16)), ("u8", torch.arange(5, dtype=torch.uint8)),
                   ("f64", torch.tensor([[1e-300, 3.25]], dtype=torch.float64)), ("i32", torch.tensor([-7], dtype=torch.int32)),
                   ("u32", SafeTensor("U32", [2], torch.tensor([-1, 5], dtype=torch.int32))), ("empty", torch.zeros(0, 3))]
        data = encode_safetensors(tensors, {"k": "v"})
        out, meta = decode_safetensors(data)
        self.assertEqual(dict(meta), {"k": "v"})
        self.assertEqual(list(out), ["f64", "i32", "u32", "empty", "f16", "u8"])  # element size order, stable
        for name, t in tensors:
            d = t.data if isinstance(t, SafeTensor) else t
            self.assertTrue(torch.equal(out[name].data, d), name)
        self.assertEqual(out["u32"].dtype, "U32")
        self.assertEqual(int.from_bytes(data[:8], "little") % 8, 0)  # the header is space-padded


class JsJson(unittest.TestCase):
    def test_numbers_as_javascript_writes_them(self):
        cases = json.loads(decode_safetensors(read("data.safetensors"))[1]["js_numbers"])
        self.assertGreater(len(cases), 10)
        for value, text in cases:
            self.assertEqual(js_json(float(value) if isinstance(value, str) else value), text, value)

    def test_nested_values(self):
        self.assertEqual(js_json({"a": [1, 2.5, True, None], "b": {"c": "x\"\n\u00e9"}}), '{"a":[1,2.5,true,null],"b":{"c":"x\\"\\n\u00e9"}}')


if __name__ == "__main__":
    unittest.main()
