"""Predictions of an sdebnn checkpoint in PyTorch (the EMA weights when present).

    python3 -m sdebnn_torch.predict --checkpoint ck.safetensors --images x.safetensors --out p.safetensors
    python3 -m sdebnn_torch.predict --checkpoint tabular.safetensors --csv rows.csv --out p.safetensors
        [--noise eval_noise.safetensors] [--samples S] [--weights ema|trained]

images (image kind): a safetensors file with tensor `images`, U8 [n, C, H, W] (bytes, as the
training data) or F32 in [0, 1]. csv (tabular kind): a CSV file with a header naming the model's
feature columns (the target column may be present; it is ignored), encoded by the checkpoint's
fitted schema. With --noise (tensors `bm.{block}.{sample}`, `w0.{block}.{sample}` and
`head.{sample}`, e.g. sdebnn's own evaluation draws), the predictions are sdebnn's to float32
rounding; without, torch's generator draws them (keyed by the config's seed). Writes, for classes,
`sample_probs` [S, n, K] and `probs` [n, K] (their mean); for a regression target, `sample_values`
[S, n], `mean` [n], `std` [n] (the predictive std: the sampled functions' spread and the
likelihood's noise) and `aleatoric_std` [n] (the noise's; per row for a heteroscedastic head), in
the target's units.
"""
import argparse
import sys

import torch

from .checkpoint import decode_checkpoint, decode_safetensors, encode_safetensors
from .config import resolve
from .data import UNIT_FROM_BYTE
from .errors import DataError, SdebnnError
from .image import ImageSdeBnn
from .noise import EVAL, ReplayNoise, TorchNoise
from .table import encode_table, read_table_file
from .tabular import TabularSdeBnn


def load_model(ck, weights="ema"):
    """The model of a decoded checkpoint, with its EMA weights unless weights == "trained"."""
    cfg = resolve(ck.config)
    model = ImageSdeBnn(cfg["model"]) if cfg["kind"] == "image" else TabularSdeBnn(cfg)
    prefix = "ema." if weights == "ema" and ("ema." + model.names[0]) in ck.tensors else ""
    model.load_tensors(ck.tensors, prefix)
    return model, cfg


def read_inputs(cfg, args):
    """The model inputs of --images (image kind) or --csv (tabular kind)."""
    if cfg["kind"] == "tabular":
        if not args.csv:
            raise DataError("a tabular checkpoint predicts rows of a CSV file: pass --csv FILE.csv")
        return encode_table(read_table_file(args.csv, "rows file (--csv)"), cfg["data"]["schema"], False)[0]
    if not args.images:
        raise DataError("an image checkpoint predicts images: pass --images FILE.safetensors")
    with open(args.images, "rb") as f:
        tensors, _ = decode_safetensors(f.read(), args.images)
    if "images" not in tensors:
        raise DataError(f"{args.images}: expected a tensor 'images' [n, C, H, W]")
    img = tensors["images"]
    m = cfg["model"]
    want = [m["channels"], m["height"], m["width"]]
    if len(img.shape) != 4 or img.shape[1:] != want or img.dtype not in ("U8", "F32"):
        raise DataError(f"{args.images}: tensor 'images' must be U8 or F32 [n, {', '.join(map(str, want))}], "
                        f"got {img.dtype} {img.shape}")
    return UNIT_FROM_BYTE[img.data.long()] if img.dtype == "U8" else img.data


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m sdebnn_torch.predict")
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--images", help="image kind: a safetensors file with tensor `images` [n, C, H, W]")
    ap.add_argument("--csv", help="tabular kind: a CSV file of rows (a header naming the feature columns)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--noise")
    ap.add_argument("--samples", type=int)
    ap.add_argument("--weights", choices=["ema", "trained"], default="ema")
    args = ap.parse_args(argv)
    try:
        with open(args.checkpoint, "rb") as f:
            model, cfg = load_model(decode_checkpoint(f.read(), args.checkpoint), args.weights)
        x = read_inputs(cfg, args)
        S = args.samples or cfg["eval"]["samples"]
        if args.noise:
            with open(args.noise, "rb") as f:
                noise = ReplayNoise(decode_safetensors(f.read(), args.noise)[0])
        else:
            noise = TorchNoise(cfg["seed"], EVAL, 0)
        p = model.predict(x, noise, S)
        if cfg["kind"] == "tabular" and not model.classification:
            mo = model.moments(p)
            out = [("sample_values", mo["values"].float().contiguous()), ("mean", mo["mean"].float()),
                   ("std", (mo["epistemic"] + mo["aleatoric"]).sqrt().float()), ("aleatoric_std", mo["aleatoric"].sqrt().float())]
        else:
            out = [("sample_probs", p.contiguous()), ("probs", p.mean(0).contiguous())]
        with open(args.out, "wb") as f:
            f.write(encode_safetensors(out))
        return 0
    except SdebnnError as e:
        print(f"sdebnn_torch: {type(e).__name__} [{e.code}]: {e}", file=sys.stderr)
        return e.exit_code


if __name__ == "__main__":
    sys.exit(main())
