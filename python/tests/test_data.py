"""Configs and data as sdebnn reads them: the same resolved configs (defaults, order), the same
synthetic images, train/validation split and epoch orders (data.safetensors, written by sdebnn),
and config errors that name the field."""
import json
import os
import unittest

import torch

from sdebnn_torch.checkpoint import decode_safetensors, js_json
from sdebnn_torch.config import resolve
from sdebnn_torch.data import UNIT_FROM_BYTE, epoch_order, synthetic_image_set, train_val_split
from sdebnn_torch.errors import ConfigError

CASES = os.environ.get("SDEBNN_TORCH_CASES", "")


class SameData(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(CASES, "data.safetensors"), "rb") as f:
            cls.t, cls.meta = decode_safetensors(f.read())

    def test_configs_resolve_as_in_sdebnn(self):
        pairs = json.loads(self.meta["configs"])
        self.assertGreaterEqual(len(pairs), 3)
        for tree, resolved in pairs:
            self.assertEqual(js_json(resolve(tree)), js_json(resolved))

    def test_synthetic_set_split_and_order(self):
        s = synthetic_image_set(300, 4, 8, 11)
        self.assertTrue(torch.equal(s["pixels"].reshape(-1), self.t["synthetic.pixels"].data))
        self.assertTrue(torch.equal(s["labels"], self.t["synthetic.labels"].data))
        train, val = train_val_split(11, 300, 0.2)
        self.assertEqual(train, self.t["split.train"].data.tolist())
        self.assertEqual(val, self.t["split.val"].data.tolist())
        for e in (0, 3):
            self.assertEqual(epoch_order(11, e, train), self.t[f"order.{e}"].data.tolist())

    def test_pixel_scaling(self):
        self.assertTrue(torch.equal(UNIT_FROM_BYTE, self.t["unit_from_byte"].data))

    def test_config_errors_name_the_field(self):
        with self.assertRaisesRegex(ConfigError, r"model\.hidden: expected an integer in \[1, 512\], got 0"):
            resolve({"kind": "image", "model": {"hidden": 0}})
        with self.assertRaisesRegex(ConfigError, r"model\.solver: expected one of"):
            resolve({"kind": "image", "model": {"solver": "rk4"}})
        with self.assertRaisesRegex(ConfigError, r"train\.bogus: unknown field"):
            resolve({"kind": "image", "train": {"bogus": 1}})
        with self.assertRaisesRegex(ConfigError, "config field 'kind'"):
            resolve({"kind": "toy1d"})
        # an option with nothing to act on (image_kind.ts checkImageModel): the ODE limit and the ResNet have no weight diffusion
        for model, what in (({"sigma": 0}, r"model\.sigma 0"), ({"sigma": 0, "arch": "resnet"}, r'model\.arch "resnet"')):
            with self.assertRaisesRegex(ConfigError, r"config field 'model\.diffusionScale': set to \"init\", but " + what + " .*has no weight diffusion to scale"):
                resolve({"kind": "image", "model": {**model, "diffusionScale": "init"}})
            self.assertEqual(resolve({"kind": "image", "model": {**model, "diffusionScale": "none"}})["model"]["diffusionScale"], "none")


if __name__ == "__main__":
    unittest.main()
