"""The safetensors codec and the sdebnn checkpoint, mirroring src/checkpoint/safetensors.ts.

File layout (https://github.com/huggingface/safetensors):
  [8 bytes: N, u64 little-endian][N bytes: JSON header, space-padded to a multiple of 8][payload]
  header = {"__metadata__": {string: string}, name: {dtype, shape, data_offsets: [begin, end]}}
with offsets relative to the payload start, covering it contiguously without overlap.

sdebnn checkpoints add the metadata {format: "sdebnn", format_version: "2", config: JSON text,
seed, step, sha256, ...extra}. Version 2's sha256 (src/checkpoint/digest.ts) covers the header and
the payload:
  sha256(utf8(JSON.stringify({metadata: [[key, value]...], tensors: [[name, dtype, shape, begin, end]...]}))
         || "\n" || payload)
with the metadata pairs sorted by key, "sha256" left out, the tensors sorted by their offsets.
Version 1 (sha256 of the payload only) is read only with allow_version1. The writer emits the same bytes as
sdebnn's encodeCheckpoint for the same tensors, config and metadata: tensors in element-size order
(largest first, then as given), the header text built by hand with no spaces, and the config
serialised as JavaScript's JSON.stringify would (see js_json). The reader checks every size
against the bytes present before it allocates anything, and names what is wrong.
"""
import hashlib
import json
import math
import struct
import sys
from collections import OrderedDict

import torch

from .errors import CheckpointError
from .json_js import js_json, parse_json_strict

# dtype name -> (element size, torch storage dtype). Unsigned 16/32/64-bit tensors are held as
# the signed torch dtype of the same width (raw bits): torch 1.13 has no uint16/32/64.
DTYPES = OrderedDict([
    ("F64", (8, torch.float64)), ("F32", (4, torch.float32)), ("F16", (2, torch.float16)),
    ("BF16", (2, torch.bfloat16)), ("I64", (8, torch.int64)), ("U64", (8, torch.int64)),
    ("I32", (4, torch.int32)), ("U32", (4, torch.int32)), ("I16", (2, torch.int16)),
    ("U16", (2, torch.int16)), ("I8", (1, torch.int8)), ("U8", (1, torch.uint8)), ("BOOL", (1, torch.bool)),
])
_DEFAULT_NAME = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
                 torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
                 torch.uint8: "U8", torch.bool: "BOOL"}

MAX_HEADER_BYTES = 100_000_000
MAX_RANK = 64
CHECKPOINT_FORMAT = "sdebnn"
CHECKPOINT_VERSION = 2
RESERVED = ("format", "format_version", "config", "seed", "step", "sha256")
PLACEHOLDER = "0" * 64
HEADER_DEPTH = 8        # {name: {shape: [...]}} nests 3 deep; slack for foreign writers' extensions
MAX_CONFIG_DEPTH = 64   # src/config/strict_json.ts
_LITTLE = sys.byteorder == "little"


class SafeTensor:
    """A tensor of a safetensors file: its dtype name, shape and values (a CPU torch tensor)."""

    def __init__(self, dtype, shape, data):
        self.dtype, self.shape, self.data = dtype, list(shape), data

    def __repr__(self):
        return f"SafeTensor({self.dtype}, {self.shape})"


def _show(v):
    try:
        s = json.dumps(v)
    except (TypeError, ValueError):
        s = str(v)
    return s if len(s) <= 60 else s[:60] + "..."


# ---- safetensors ------------------------------------------------------------------------------

def _swap(raw, size):
    if size == 1:
        return raw
    out = bytearray(len(raw))
    for j in range(size):
        out[j::size] = raw[size - 1 - j::size]
    return bytes(out)


def _as_safe(name, t):
    if isinstance(t, SafeTensor):
        return t
    if isinstance(t, torch.Tensor):
        if t.dtype not in _DEFAULT_NAME:
            raise CheckpointError(f"tensor '{name}': unsupported torch dtype {t.dtype}")
        return SafeTensor(_DEFAULT_NAME[t.dtype], list(t.shape), t)
    raise CheckpointError(f"tensor '{name}': expected a torch tensor or SafeTensor, got {type(t).__name__}")


def _tensor_bytes(t):
    data = t.data.detach().to("cpu").contiguous()
    raw = data.reshape(-1).view(torch.uint8).numpy().tobytes() if data.numel() else b""
    return raw if _LITTLE else _swap(raw, DTYPES[t.dtype][0])


def encode_safetensors(tensors, metadata=None):
    """Serialises (name, tensor) pairs (or a dict) and string metadata. Same inputs, same bytes."""
    items = list(tensors.items()) if isinstance(tensors, dict) else list(tensors)
    seen, lst = set(), []
    for name, t in items:
        if not isinstance(name, str) or name == "__metadata__":
            raise CheckpointError(f"tensor name {_show(name)} is reserved or not a string")
        if name in seen:
            raise CheckpointError(f"tensor '{name}' appears twice")
        seen.add(name)
        t = _as_safe(name, t)
        if t.dtype not in DTYPES:
            raise CheckpointError(f"tensor '{name}': unsupported dtype {_show(t.dtype)}: expected one of {', '.join(DTYPES)}")
        if t.data.dtype != DTYPES[t.dtype][1]:
            raise CheckpointError(f"tensor '{name}': dtype {t.dtype} needs torch {DTYPES[t.dtype][1]}, got {t.data.dtype}")
        n = 1
        for d in t.shape:
            if not isinstance(d, int) or d < 0:
                raise CheckpointError(f"tensor '{name}': shape {_show(t.shape)} must hold non-negative integers")
            n *= d
        if n != t.data.numel():
            raise CheckpointError(f"tensor '{name}': shape {_show(t.shape)} holds {n} elements, data has {t.data.numel()}")
        lst.append((name, t))
    meta = OrderedDict()
    for k, v in (metadata or {}).items():
        if not isinstance(v, str):
            raise CheckpointError(f"metadata '{k}' must be a string, got {type(v).__name__}")
        meta[k] = v
    order = [e for _, e in sorted(enumerate(lst), key=lambda p: (-DTYPES[p[1][1].dtype][0], p[0]))]
    parts = []
    if metadata is not None:
        parts.append('"__metadata__":{' + ",".join(js_json(k) + ":" + js_json(v) for k, v in meta.items()) + "}")
    offset, payload = 0, []
    for name, t in order:
        raw = _tensor_bytes(t)
        end = offset + len(raw)
        parts.append(f'{js_json(name)}:{{"dtype":"{t.dtype}","shape":[{",".join(str(d) for d in t.shape)}],'
                     f'"data_offsets":[{offset},{end}]}}')
        payload.append(raw)
        offset = end
    header = ("{" + ",".join(parts) + "}").encode("utf-8")
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + b"".join(payload)


def read_safetensors_header(data, file="<safetensors>"):
    """Validates framing and header; returns (entries, metadata, payload_offset, payload)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise CheckpointError(f"{file}: expected the file contents as bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) < 8:
        raise CheckpointError(f"{file}: too short for the 8-byte header length at byte offset 0: expected >= 8 bytes, got {len(data)}")
    n = struct.unpack_from("<Q", data, 0)[0]
    avail = len(data) - 8
    if n > avail or n > MAX_HEADER_BYTES:
        raise CheckpointError(f"{file}: header length at byte offset 0 is out of range: expected <= {min(avail, MAX_HEADER_BYTES)} "
                              f"(the file has {len(data)} bytes), got {n}")
    try:
        text = data[8:8 + n].decode("utf-8")
    except UnicodeDecodeError:
        raise CheckpointError(f"{file}: header at byte offset 8 ({n} bytes) is not valid UTF-8") from None
    if not text.startswith("{"):
        raise CheckpointError(f"{file}: header at byte offset 8 must be a JSON object starting with '{{', got {_show(text[:20])}")
    obj = parse_json_strict(text, f"{file}: header at byte offset 8", HEADER_DEPTH, CheckpointError)
    if not isinstance(obj, dict):
        raise CheckpointError(f"{file}: header must be a JSON object, got {_show(obj)}")
    payload_offset = 8 + n
    payload_len = len(data) - payload_offset
    metadata, entries = OrderedDict(), []
    for key, v in obj.items():
        if key == "__metadata__":
            if not isinstance(v, dict):
                raise CheckpointError(f"{file}: header field '__metadata__' must be an object of strings, got {_show(v)}")
            for mk, mv in v.items():
                if not isinstance(mv, str):
                    raise CheckpointError(f"{file}: metadata field '{mk}' must be a string, got {_show(mv)}")
                metadata[mk] = mv
            continue
        where = f"{file}: tensor '{key}'"
        if not isinstance(v, dict):
            raise CheckpointError(f"{where}: expected {{dtype, shape, data_offsets}}, got {_show(v)}")
        for f in v:
            if f not in ("dtype", "shape", "data_offsets"):
                raise CheckpointError(f"{where}: unknown field '{f}': expected only dtype, shape, data_offsets")
        dtype, shape, off = v.get("dtype"), v.get("shape"), v.get("data_offsets")
        if dtype not in DTYPES:
            raise CheckpointError(f"{where}: field 'dtype': expected one of {', '.join(DTYPES)}, got {_show(dtype)}")
        ok_int = lambda d: isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 2 ** 53 - 1
        if not isinstance(shape, list) or len(shape) > MAX_RANK or not all(ok_int(d) for d in shape):
            raise CheckpointError(f"{where}: field 'shape': expected an array of at most {MAX_RANK} non-negative integers, got {_show(shape)}")
        if not isinstance(off, list) or len(off) != 2 or not all(ok_int(d) for d in off):
            raise CheckpointError(f"{where}: field 'data_offsets': expected [begin, end] non-negative integers, got {_show(off)}")
        begin, end = off
        if begin > end or end > payload_len:
            raise CheckpointError(f"{where}: field 'data_offsets' [{begin}, {end}] is out of range: "
                                  f"expected 0 <= begin <= end <= {payload_len} (payload bytes)")
        elems = math.prod(shape)
        want = elems * DTYPES[dtype][0]
        if want != end - begin:
            raise CheckpointError(f"{where}: shape [{', '.join(map(str, shape))}] of {dtype} needs "
                                  f"{'more than 2^53' if elems >= 2 ** 53 else want} bytes, data_offsets [{begin}, {end}] span {end - begin}")
        entries.append((key, dtype, list(shape), begin, end))
    expected, prev = 0, ""
    for name, _, _, begin, end in sorted(entries, key=lambda e: (e[3], e[4])):
        if begin != expected:
            why = f"(overlaps tensor '{prev}')" if begin < expected else \
                f"(a gap of {begin - expected} bytes after {repr(prev) if prev else 'the header'})"
            raise CheckpointError(f"{file}: tensor '{name}' data_offsets begin at {begin}: expected {expected} {why}")
        expected, prev = end, name
    if expected != payload_len:
        raise CheckpointError(f"{file}: tensors cover {expected} payload bytes, the file holds {payload_len} "
                              f"(trailing bytes at byte offset {payload_offset + expected})")
    return entries, metadata, payload_offset, data[payload_offset:]


def _materialise(entries, payload):
    out = OrderedDict()
    for name, dtype, shape, begin, end in entries:
        size, tdt = DTYPES[dtype]
        raw = payload[begin:end] if _LITTLE else _swap(payload[begin:end], size)
        t = torch.frombuffer(bytearray(raw), dtype=tdt) if raw else torch.empty(0, dtype=tdt)
        out[name] = SafeTensor(dtype, shape, t.reshape(shape))
    return out


def decode_safetensors(data, file="<safetensors>"):
    """Any safetensors file: (tensors: name -> SafeTensor, metadata)."""
    entries, meta, _, payload = read_safetensors_header(data, file)
    return _materialise(entries, payload), meta


# ---- sdebnn checkpoints -------------------------------------------------------------------------

class Checkpoint:
    def __init__(self, tensors, metadata, config, seed, step, sha256):
        self.tensors, self.metadata, self.config = tensors, metadata, config
        self.seed, self.step, self.sha256 = seed, step, sha256
        self.format_version = CHECKPOINT_VERSION


def _check_count(v, what):
    if not isinstance(v, int) or isinstance(v, bool) or v < 0 or v > 2 ** 53 - 1:
        raise CheckpointError(f"checkpoint {what} must be a non-negative safe integer, got {v}")


def canonical_header(metadata, entries):
    """The canonical text of a header that the version-2 checksum covers (digest.ts)."""
    keys = sorted((k for k in metadata if k != "sha256"), key=lambda k: k.encode("utf-16-be"))
    tensors = sorted(entries, key=lambda e: (e[3], e[4], e[0].encode("utf-16-be")))
    return js_json(OrderedDict([("metadata", [[k, metadata[k]] for k in keys]),
                                ("tensors", [[n, d, list(sh), b, e] for n, d, sh, b, e in tensors])]))


def checkpoint_digest(metadata, entries, payload):
    return hashlib.sha256((canonical_header(metadata, entries) + "\n").encode("utf-8") + payload).hexdigest()


def encode_checkpoint(tensors, config, seed, step, extra=None):
    """An sdebnn checkpoint: tensors + metadata {format, format_version, config, seed, step, sha256, ...extra}."""
    _check_count(seed, "seed")
    _check_count(step, "step")
    config_text = js_json(config)
    for k in (extra or {}):
        if k in RESERVED:
            raise CheckpointError(f"checkpoint extra metadata key '{k}' is reserved")
    items = list(tensors.items()) if isinstance(tensors, dict) else list(tensors)
    meta = OrderedDict([("format", CHECKPOINT_FORMAT), ("format_version", str(CHECKPOINT_VERSION)),
                        ("config", config_text), ("seed", str(seed)), ("step", str(step)), ("sha256", PLACEHOLDER)])
    meta.update(extra or {})
    # two passes: the digest covers the header as read back; the placeholder has the digest's length
    entries, draft_meta, _, payload = read_safetensors_header(encode_safetensors(items, meta))
    meta["sha256"] = checkpoint_digest(draft_meta, entries, payload)
    return encode_safetensors(items, meta)


def _meta_int(meta, key, file):
    s = meta.get(key)
    if s is None:
        raise CheckpointError(f"{file}: metadata field '{key}' is missing")
    if not (s == "0" or (s[:1] in "123456789" and s.isdigit() and len(s) <= 16 and s.isascii())) or int(s) > 2 ** 53 - 1:
        raise CheckpointError(f"{file}: metadata field '{key}': expected a non-negative decimal integer, got {_show(s)}")
    return int(s)


def decode_checkpoint(data, file="<checkpoint>", allow_version1=False):
    """Reads and fully validates an sdebnn checkpoint: framing, header (no duplicate keys), format and
    version, the SHA-256 over header and payload, the config JSON (depth-bounded), seed and step."""
    entries, meta, payload_offset, payload = read_safetensors_header(data, file)
    if meta.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{file}: metadata field 'format': expected '{CHECKPOINT_FORMAT}', got "
                              f"{_show(meta.get('format'))} (not an sdebnn checkpoint)")
    version = _meta_int(meta, "format_version", file)
    if version == 1 and not allow_version1:
        raise CheckpointError(f"{file}: format_version 1 (written by sdebnn before the header checksum): its checksum covers the "
                              "tensors only, so a corrupted config, step or tensor name would go unnoticed; retrain to write a "
                              "version 2 checkpoint, or read it with decode_checkpoint(data, name, allow_version1=True)")
    if version not in (1, CHECKPOINT_VERSION):
        raise CheckpointError(f"{file}: metadata field 'format_version': expected {CHECKPOINT_VERSION}, got {version}"
                              + (" (written by a newer sdebnn; upgrade to read it)" if version > CHECKPOINT_VERSION else ""))
    want = meta.get("sha256")
    if want is None or len(want) != 64 or any(c not in "0123456789abcdef" for c in want):
        raise CheckpointError(f"{file}: metadata field 'sha256': expected 64 lowercase hex digits, got {_show(want)}")
    # the checksum first: every later message is then about a file as it was written
    got = hashlib.sha256(payload).hexdigest() if version == 1 else checkpoint_digest(meta, entries, payload)
    if got != want:
        over = "" if version == 1 else f"header (bytes 0..{payload_offset}) and the "
        raise CheckpointError(f"{file}: checksum mismatch over the {over}{len(payload)}-byte payload at byte offset {payload_offset}: "
                              f"expected sha256 {want}, got {got} (the file is corrupt)")
    seed = _meta_int(meta, "seed", file)
    step = _meta_int(meta, "step", file)
    if "config" not in meta:
        raise CheckpointError(f"{file}: metadata field 'config' is missing")
    config = parse_json_strict(meta["config"], f"{file}: metadata field 'config'", MAX_CONFIG_DEPTH, CheckpointError)
    ck = Checkpoint(_materialise(entries, payload), meta, config, seed, step, got)
    ck.format_version = version
    return ck


def expect_tensor(tensors, name, dtype, shape):
    """Tensor `name` after checking its dtype and shape (CheckpointError naming what differs)."""
    t = tensors.get(name)
    if t is None:
        have = ", ".join(f"'{k}'" for k in tensors) or "none"
        raise CheckpointError(f"checkpoint has no tensor '{name}' (it has {have})")
    if t.dtype != dtype:
        raise CheckpointError(f"checkpoint tensor '{name}': expected dtype {dtype}, got {t.dtype}")
    if list(t.shape) != list(shape):
        raise CheckpointError(f"checkpoint tensor '{name}': expected shape [{', '.join(map(str, shape))}], "
                              f"got [{', '.join(map(str, t.shape))}]")
    return t
