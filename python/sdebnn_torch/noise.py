"""Where a forward pass gets its randomness: per block i and Monte-Carlo sample s, the Brownian
increments of the weight path [steps, D] and (mean-field w_0) the standard normals of w_0 [D];
per sample, the head's standard normals [F K + K] (weights first, then biases) of a training
step, or [K] (one per class, shared by the rows: the local reparameterisation) of a prediction.

- ReplayNoise: tensors named `{prefix}bm.{i}.{s}`, `{prefix}w0.{i}.{s}`, `{prefix}head.{s}`, e.g.
  sdebnn's own Philox draws exported by test/python/torch_case.ts: driven by them, this model and
  sdebnn compute the same numbers.
- TorchNoise: torch's generator, keyed like sdebnn's streams by (seed, purpose, index, sub) so
  that every rank of a data-parallel run draws the same weight paths and head weights for a step
  (one weight path is shared by the whole batch), whatever the order of the draws.
"""
import hashlib
import math

import torch

from .checkpoint import SafeTensor

TRAIN, EVAL = 0, 1


class ReplayNoise:
    def __init__(self, tensors, prefix=""):
        self.t, self.prefix = tensors, prefix

    def _get(self, name):
        t = self.t[self.prefix + name]
        return t.data if isinstance(t, SafeTensor) else t

    def brownian(self, block, samples, steps, D, dt):
        return torch.stack([self._get(f"bm.{block}.{s}").reshape(steps, D) for s in range(samples)])

    def w0(self, block, sample, D):
        return self._get(f"w0.{block}.{sample}").reshape(D)

    def head(self, sample, n):
        # the first n normals of the sample's head stream: a stream's prefix does not depend on its
        # length (sdebnn's normals are counter-based), so a prediction's K logit normals are the
        # start of the exported F K + K
        return self._get(f"head.{sample}").reshape(-1)[:n]


class TorchNoise:
    """Draws of (seed, purpose TRAIN/EVAL, index = step or draw) on `device`."""

    def __init__(self, seed, purpose, index, device="cpu"):
        self.key = (seed, purpose, index)
        self.device = torch.device(device)

    def _normal(self, kind, a, b, shape):
        """Normals of one stream: the generator is seeded by a 64-bit hash of (seed, purpose, index, kind, a, b)."""
        digest = hashlib.blake2b(repr(self.key + (kind, a, b)).encode(), digest_size=8).digest()
        g = torch.Generator(device=self.device)
        g.manual_seed(int.from_bytes(digest, "little") >> 1)
        return torch.randn(shape, generator=g, device=self.device)

    def brownian(self, block, samples, steps, D, dt):
        return torch.stack([self._normal(1, block, s, (steps, D)) for s in range(samples)]) * math.sqrt(dt)

    def w0(self, block, sample, D):
        return self._normal(2, block, sample, (D,))

    def head(self, sample, n):
        return self._normal(3, 0, sample, (n,))
