"""Data-parallel training of an sdebnn config with torch.nn.parallel.DistributedDataParallel.

    torchrun --nproc_per_node 8 -m sdebnn_torch.train --config run.json --out runs/gpu
    python3 -m sdebnn_torch.train --config run.json --out runs/cpu          (one process)

Reads the same JSON configs as `sdebnn train` ({kind, seed, model, train, data, eval}; the image
and tabular kinds) and the same data, split and batches (step k's batch is the same examples as
sdebnn's; a tabular config's data.schema is fitted from data.file as sdebnn fits it, unless the
config carries one). Every rank takes
a fixed row range of the global batch (as sdebnn's shards) and draws the same weight paths and
head weights (noise keyed by (seed, step), not by rank); its loss is scaled so that DDP's mean of
the gradients equals the whole batch's gradient of mean NLL + klCoef * KL / N. Adam (torch's,
the same update as sdebnn's adam kernel), the EMA with sdebnn's warm-up, the cosine schedule.
Rank 0 writes config.json, metrics.jsonl (one record per update), checkpoint.safetensors (every
train.checkpointEvery updates and at the end) and results.json: an sdebnn checkpoint that
`sdebnn eval/predict`, `sdebnn train --resume` and `sdebnn/infer` load.
Gloo on CPU, NCCL on GPUs (--backend to choose).
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.distributed as dist

from . import config as config_mod
from .checkpoint import decode_checkpoint, encode_checkpoint, js_json
from .data import batch as image_batch, epoch_order, load_image_data, train_val_split
from .errors import ConfigError, NumericalError, SdebnnError
from .image import ImageSdeBnn
from .noise import EVAL, TRAIN, TorchNoise
from .table import load_tabular_data, prepare_tabular
from .tabular import TabularSdeBnn

CHECKPOINT_FILE = "checkpoint.safetensors"


def lr_at(tcfg, step, total):
    if tcfg["schedule"] != "cosine" or total <= 0:
        return tcfg["lr"]
    p = min(1.0, max(0.0, step / total))
    return tcfg["minLr"] + (tcfg["lr"] - tcfg["minLr"]) * 0.5 * (1.0 + math.cos(math.pi * p))


def batch(s, indices):
    """Examples `indices` of a set as (x float32, y: int64 classes or float32 targets)."""
    if s.get("kind") != "table":
        return image_batch(s, indices)
    idx = torch.as_tensor(list(indices), dtype=torch.long)
    return s["x"][idx], s["y"][idx]


def build_model(cfg, generator=None):
    """The model of a resolved (tabular: fitted) run config."""
    return ImageSdeBnn(cfg["model"], generator) if cfg["kind"] == "image" else TabularSdeBnn(cfg, generator)


def load_data(cfg):
    """(train, test) sets of a run config, checked against its model's inputs."""
    if cfg["kind"] == "tabular":
        return load_tabular_data(cfg)
    m = cfg["model"]
    train, test = load_image_data(cfg)
    if (train["channels"], train["height"], train["width"]) != (m["channels"], m["height"], m["width"]):
        raise ConfigError(f"training set: images are {train['channels']}x{train['height']}x{train['width']} but model expects "
                          f"{m['channels']}x{m['height']}x{m['width']} (model.channels/height/width)")
    return train, test


def prepare(cfg):
    """The config ready to train: a tabular config's data.schema fitted from data.file (as sdebnn's prepareRunConfig)."""
    return prepare_tabular(cfg) if cfg["kind"] == "tabular" else cfg


def write_atomic(path, data):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class Trainer:
    def __init__(self, cfg, rank=0, world=1, device="cpu"):
        self.cfg, self.rank, self.world, self.device = cfg, rank, world, torch.device(device)
        m, t = cfg["model"], cfg["train"]
        self.train_set, self.test_set = load_data(cfg)
        s = self.train_set
        self.train_idx, self.val_idx = train_val_split(cfg["seed"], s["count"], cfg["data"]["valFraction"])
        B = t["batch"]
        self.steps_per_epoch = len(self.train_idx) // B
        if self.steps_per_epoch < 1:
            raise ConfigError(f"train.batch {B} is larger than the {len(self.train_idx)} training examples")
        by_epochs = math.ceil(t["epochs"] * self.steps_per_epoch)
        self.total_steps = min(t["maxSteps"], by_epochs) if t["maxSteps"] > 0 else by_epochs
        self.model = build_model(cfg, torch.Generator().manual_seed(cfg["seed"])).to(self.device)
        self.classification = cfg["kind"] == "image" or self.model.classification
        self.ddp = self.model
        if world > 1:
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.ddp = torch.nn.parallel.DistributedDataParallel(self.model, device_ids=ids)
        # train.weightDecay: decoupled decay as sdebnn's adam_step mode 1 (p <- p (1 - lr wd), lr the scheduled rate)
        if t["weightDecay"] > 0:
            self.opt = torch.optim.AdamW(self.model.parameters(), lr=t["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=t["weightDecay"])
        else:
            self.opt = torch.optim.Adam(self.model.parameters(), lr=t["lr"], betas=(0.9, 0.999), eps=1e-8)
        self.ema = [p.detach().clone() for p in self.model.parameters()] if t["emaDecay"] > 0 else None
        self.step = 0
        self.sums = dict(loss=0.0, acc=0.0, count=0, skipped=0)
        self._order = None

    # ---- state in sdebnn's checkpoint layout ------------------------------------------------
    def _moments(self, key):
        return [self.opt.state[p][key] if p in self.opt.state else torch.zeros_like(p) for p in self.model.parameters()]

    def state_tensors(self):
        out = self.model.state_tensors()
        out += self.model.state_tensors("adam_m.", self._moments("exp_avg"))
        out += self.model.state_tensors("adam_v.", self._moments("exp_avg_sq"))
        if self.ema is not None:
            out += self.model.state_tensors("ema.", self.ema)
        return out

    def load_state(self, ck, with_optimizer=True):
        """Weights (and Adam moments, EMA, step) of an sdebnn checkpoint of this config."""
        self.model.load_tensors(ck.tensors)
        if self.ema is not None:
            first = "ema." + self.model.names[0]
            src = "ema." if first in ck.tensors else ""
            self.ema = [ck.tensors[src + n].data.to(self.device).clone() for n in self.model.names]
        if with_optimizer:
            for n, p in zip(self.model.names, self.model.parameters()):
                self.opt.state[p] = dict(step=torch.tensor(float(ck.step)),
                                         exp_avg=ck.tensors["adam_m." + n].data.to(self.device).clone(),
                                         exp_avg_sq=ck.tensors["adam_v." + n].data.to(self.device).clone())
            self.step = ck.step
            sums = json.loads(ck.metadata.get("epoch_sums", "null"))
            if sums:
                self.sums = sums

    # ---- one update -------------------------------------------------------------------------
    def batch_rows(self, step):
        """This rank's rows of step `step`'s batch (sdebnn's shard ranges over the world)."""
        B = self.cfg["train"]["batch"]
        epoch = step // self.steps_per_epoch
        if self._order is None or self._order[0] != epoch:
            self._order = (epoch, epoch_order(self.cfg["seed"], epoch, self.train_idx))
        pos = (step % self.steps_per_epoch) * B
        idx = self._order[1][pos:pos + B]
        lo, hi = (self.rank * B) // self.world, ((self.rank + 1) * B) // self.world
        return epoch, idx[lo:hi], (hi - lo) / B

    def train_step(self):
        t, step = self.cfg["train"], self.step
        lr = lr_at(t, step, self.total_steps)
        for g in self.opt.param_groups:
            g["lr"] = lr
        epoch, idx, share = self.batch_rows(step)
        x, y = batch(self.train_set, idx)
        x, y = x.to(self.device), y.to(self.device)
        noise = TorchNoise(self.cfg["seed"], TRAIN, step, self.device)
        self.opt.zero_grad(set_to_none=False)
        kl_n = len(self.train_idx) if t["klDivideByN"] else 1  # loss = NLL + klCoef * KL / N, or + klCoef * KL
        loss, st = self.ddp(x, y, noise, t["samples"], t["klCoef"], kl_n,
                            row_weight=share * self.world, kl_weight=1.0)
        loss.backward()
        coef = t["klCoef"] / kl_n
        parts = torch.tensor([share * st["nll"], st["correct"]], dtype=torch.float64, device=self.device)  # NCCL: on the GPU
        if self.world > 1:
            dist.all_reduce(parts)
        nll, correct = parts.tolist()
        rec = dict(step=step + 1, epoch=epoch, loss=nll + coef * st["kl"], nll=nll, kl=st["kl"],
                   accuracy=correct / t["batch"], lr=lr, skipped=False)
        if not self.classification:
            del rec["accuracy"]
        bad = next((n for n, p in zip(self.model.names, self.model.parameters()) if not torch.isfinite(p.grad).all()), None)
        if not math.isfinite(rec["loss"]) or bad:
            what = f"the loss is {rec['loss']}" if not math.isfinite(rec["loss"]) else f"non-finite gradient of {bad}"
            if t["onNonFinite"] != "skip":
                raise NumericalError(f"step {step + 1}: {what}")
            self.step += 1
            self.sums["skipped"] += 1
            return dict(rec, loss=float("nan"), skipped=True)
        self.opt.step()
        if self.ema is not None:
            d = min(t["emaDecay"], (1 + step) / (10 + step))
            with torch.no_grad():
                for e, p in zip(self.ema, self.model.parameters()):
                    e.mul_(d).add_(p.detach(), alpha=1 - d)
        self.step += 1
        self.sums["loss"] += rec["loss"]
        self.sums["acc"] += rec.get("accuracy", 0.0)
        self.sums["count"] += 1
        if self.step % self.steps_per_epoch == 0:
            self.sums = dict(loss=0.0, acc=0.0, count=0, skipped=0)
        return rec

    def checkpoint_bytes(self):
        return encode_checkpoint(self.state_tensors(), self.cfg, self.cfg["seed"], self.step,
                                 extra={"epoch_sums": js_json(self.sums), "trainer": "sdebnn_torch"})

    @torch.no_grad()
    def evaluate(self, s, limit=0):
        """Scores of the model average (EMA weights) on the first `limit` examples of s: accuracy and NLL
        (classes), or RMSE and the NLL of N(mean, std^2) in the target's units, std^2 = the variance of the
        sampled functions + the likelihood's noise variance (regression)."""
        backup = [p.detach().clone() for p in self.model.parameters()]
        if self.ema is not None:
            for p, e in zip(self.model.parameters(), self.ema):
                p.copy_(e)
        n = s["count"] if not limit else min(limit, s["count"])
        S, B, correct, nll, se = self.cfg["eval"]["samples"], self.cfg["eval"]["batch"], 0, 0.0, 0.0
        for c, start in enumerate(range(0, n, B)):
            x, y = batch(s, range(start, min(n, start + B)))
            out = self.model.predict(x.to(self.device), TorchNoise(self.cfg["seed"], EVAL, c, self.device), S).cpu()
            if self.classification:
                probs = out.mean(0)
                correct += int((probs.argmax(-1) == y).sum())
                nll += float(-torch.log(probs.gather(1, y[:, None]).clamp_min(1e-30)).sum())
                continue
            mo = self.model.moments(out)
            mean, var = mo["mean"], mo["epistemic"] + mo["aleatoric"]
            r = y.double() - mean
            se += float((r * r).sum())
            nll += float((0.5 * r * r / var + 0.5 * torch.log(var) + 0.9189385332046727).sum())
        for p, b in zip(self.model.parameters(), backup):
            p.copy_(b)
        if not self.classification:
            return dict(rmse=math.sqrt(se / max(1, n)), nll=nll / max(1, n), count=n, samples=S)
        return dict(accuracy=correct / max(1, n), nll=nll / max(1, n), count=n, samples=S)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m sdebnn_torch.train", description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", required=True, help="JSON run config (as `sdebnn train --config`; "
                    "`sdebnn train --preset NAME --print-config` prints a complete one)")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.safetensors")
    ap.add_argument("--init", help="start from the weights of an sdebnn checkpoint (optimizer state fresh)")
    ap.add_argument("--backend", choices=["gloo", "nccl"], help="default: nccl with CUDA, else gloo")
    ap.add_argument("--device", help="default: cuda:LOCAL_RANK with CUDA, else cpu")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads per process (0: torch's default)")
    ap.add_argument("--eval-limit", type=int, default=0, help="score the first N test examples at the end (0: all, -1: none)")
    ap.add_argument("--stop-after", type=int, default=0, help="stop (as if killed) after N updates of this process, "
                    "with a checkpoint: for testing --resume")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available()
    device = args.device or (f"cuda:{local}" if cuda else "cpu")
    if world > 1:
        dist.init_process_group(backend=args.backend or ("nccl" if cuda else "gloo"))
    try:
        return _run(args, rank, world, device)
    except SdebnnError as e:
        print(f"sdebnn_torch: {type(e).__name__} [{e.code}]: {e}", file=sys.stderr)
        return e.exit_code
    finally:
        if world > 1:
            dist.destroy_process_group()


def _run(args, rank, world, device):
    cfg = prepare(config_mod.load(args.config))
    tr = Trainer(cfg, rank, world, device)
    os.makedirs(args.out, exist_ok=True)
    ck_path = os.path.join(args.out, CHECKPOINT_FILE)
    metrics = os.path.join(args.out, "metrics.jsonl")
    if args.resume:
        with open(ck_path, "rb") as f:
            ck = decode_checkpoint(f.read(), ck_path)
        if js_json(config_mod.resolve(ck.config)) != js_json(cfg):
            raise ConfigError(f"--resume: the config differs from the one in {ck_path}")
        tr.load_state(ck)
    elif args.init:
        with open(args.init, "rb") as f:
            tr.load_state(decode_checkpoint(f.read(), args.init), with_optimizer=False)
    lead = rank == 0
    if lead:
        write_atomic(os.path.join(args.out, "config.json"), json.dumps(cfg, indent=2) + "\n")
        if not args.resume:
            write_atomic(metrics, "")
    t0, first = time.time(), tr.step
    every = cfg["train"]["checkpointEvery"]
    with open(metrics, "a", encoding="utf-8") if lead else open(os.devnull, "w") as log:
        while tr.step < tr.total_steps:
            if args.stop_after and tr.step - first >= args.stop_after:
                break
            rec = tr.train_step()
            rec["seconds"] = round(time.time() - t0, 4)
            log.write(json.dumps(rec) + "\n")
            log.flush()
            stopping = args.stop_after and tr.step - first >= args.stop_after
            if lead and ((every > 0 and tr.step % every == 0) or tr.step == tr.total_steps or stopping):
                write_atomic(ck_path, tr.checkpoint_bytes())
    seconds = time.time() - t0
    if lead and args.stop_after and tr.step < tr.total_steps:
        print(json.dumps(dict(step=tr.step, stopped=True)))
        return 0
    if lead:
        if tr.step == first:
            write_atomic(ck_path, tr.checkpoint_bytes())
        test = tr.evaluate(tr.test_set, args.eval_limit) if args.eval_limit >= 0 else None
        steps = tr.step - first
        summary = dict(step=tr.step, updates=steps, world=world, seconds=round(seconds, 3),
                       examplesPerSecond=round(steps * cfg["train"]["batch"] / max(seconds, 1e-9), 1), test=test)
        write_atomic(os.path.join(args.out, "results.json"), json.dumps(summary, indent=2) + "\n")
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
