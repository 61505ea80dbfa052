"""Run configs, the same JSON files as the sdebnn CLI: {kind, seed, model, train, data, eval}.

The tables below mirror src/models/image_config.ts (fields, ranges, enumerations and defaults);
the equivalence test resolves configs on both sides and compares the results. `resolve` returns a
fresh dict with the defaults filled in, keys in the schema's order, and raises ConfigError naming
the field, what was expected and what was given.
"""
import json
from collections import OrderedDict

from .errors import ConfigError
from .json_js import parse_json_strict

MAX_CONFIG_DEPTH = 64  # src/config/strict_json.ts

INT, NUM, ENUM, STR, INTS, BOOL = "integer", "number", "enum", "string", "integers", "boolean"


def _f(kind, default=None, lo=None, hi=None, values=None, optional=False, min_len=None, max_len=None):
    return dict(kind=kind, default=default, lo=lo, hi=hi, values=values, optional=optional, min_len=min_len, max_len=max_len)


IMAGE_MODEL = OrderedDict([
    ("channels", _f(INT, 1, 1, 64)), ("height", _f(INT, 28, 2, 1024)), ("width", _f(INT, 28, 2, 1024)),
    ("classes", _f(INT, 10, 2, 1000)), ("augment", _f(INT, 2, 0, 64)),
    ("groups", _f(INTS, [1], 1, 16, min_len=1, max_len=4)),
    ("hidden", _f(INT, 16, 1, 512)), ("nnBottleneck", _f(INT, 2, 1, 64)), ("nnHidden", _f(INT, 16, 1, 512)),
    ("sigma", _f(NUM, 0.2, 0, 10)), ("theta", _f(NUM, 1, 0, 100)), ("steps", _f(INT, 10, 1, 1000)),
    ("solver", _f(ENUM, "euler", values=["euler", "sra1", "reversible_heun"])),
    ("kl", _f(ENUM, "quadratic", values=["quadratic", "stl", "logratio"])),
    ("gradient", _f(ENUM, "backprop", values=["backprop", "adjoint"])),
    ("keepActivationsMB", _f(NUM, 256, 0, 65536)),
    ("w0", _f(ENUM, "point", values=["point", "meanfield"])),
    ("head", _f(ENUM, "meanfield", values=["meanfield", "point"])),
    ("headPriorStd", _f(NUM, 0.1, 1e-6, 100)), ("priorStdW0", _f(NUM, 0.1, 1e-6, 100)),
])

TRAIN = OrderedDict([
    ("epochs", _f(NUM, 1, 0, 1e7)), ("maxSteps", _f(INT, 0, 0, 1e9)), ("batch", _f(INT, 64, 1, 65536)),
    ("lr", _f(NUM, 1e-3, 0, 10)), ("schedule", _f(ENUM, "constant", values=["constant", "cosine"])),
    ("minLr", _f(NUM, 0, 0, 10)), ("emaDecay", _f(NUM, 0.999, 0, 0.999999)), ("samples", _f(INT, 1, 1, 128)),
    ("shards", _f(INT, 2, 1, 64)), ("klCoef", _f(NUM, 1e-3, 0, 1e6)), ("klDivideByN", _f(BOOL, True)),
    ("checkpointEvery", _f(INT, 500, 0, 1e9)), ("logEvery", _f(INT, 0, 0, 1e9)),
    ("onNonFinite", _f(ENUM, "stop", values=["stop", "skip"])),
    ("divergeFactor", _f(NUM, 1e4, 0, 1e300)),  # src/train/divergence.ts (the guard runs in sdebnn's trainer)
])

DATA = OrderedDict([
    ("dataset", _f(ENUM, "mnist", values=["mnist", "cifar10", "synthetic"])), ("dir", _f(STR, optional=True)),
    ("valFraction", _f(NUM, 0.1, 0, 0.9)), ("trainLimit", _f(INT, 0, 0, 1e9)), ("testLimit", _f(INT, 0, 0, 1e9)),
])

EVAL = OrderedDict([
    ("samples", _f(INT, 8, 1, 128)), ("batch", _f(INT, 256, 1, 65536)), ("valLimit", _f(INT, 1000, 0, 1e9)),
])

IMAGE_RUN = OrderedDict([
    ("kind", _f(ENUM, "image", values=["image"])), ("seed", _f(INT, 0, 0, 2 ** 31 - 1)),
    ("model", IMAGE_MODEL), ("train", TRAIN), ("data", DATA), ("eval", EVAL),
])


def _number(v, spec, where, integer):
    what = "an integer" if integer else "a number"
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or v in (float("inf"), float("-inf")):
        raise ConfigError(f"{where}: expected {what}, got {json.dumps(v)}")
    if integer and float(v) != int(v):
        raise ConfigError(f"{where}: expected an integer, got {json.dumps(v)}")
    if (spec["lo"] is not None and v < spec["lo"]) or (spec["hi"] is not None and v > spec["hi"]):
        raise ConfigError(f"{where}: expected {what} in [{spec['lo']:g}, {spec['hi']:g}], got {json.dumps(v)}")
    return int(v) if integer else v


def _value(v, spec, where):
    kind = spec["kind"]
    if kind == INT:
        return _number(v, spec, where, True)
    if kind == NUM:
        return _number(v, spec, where, False)
    if kind == ENUM:
        if v not in spec["values"]:
            raise ConfigError(f"{where}: expected one of {', '.join(json.dumps(x) for x in spec['values'])}, got {json.dumps(v)}")
        return v
    if kind == BOOL:
        if not isinstance(v, bool):
            raise ConfigError(f"{where}: expected true or false, got {json.dumps(v)}")
        return v
    if kind == STR:
        if not isinstance(v, str):
            raise ConfigError(f"{where}: expected a string, got {json.dumps(v)}")
        return v
    if kind == INTS:
        if not isinstance(v, list) or not (spec["min_len"] <= len(v) <= spec["max_len"]):
            raise ConfigError(f"{where}: expected an array of {spec['min_len']}..{spec['max_len']} integers, got {json.dumps(v)}")
        return [_number(x, spec, f"{where}[{i}]", True) for i, x in enumerate(v)]
    raise AssertionError(kind)


def _object(tree, fields, where):
    if tree is None:
        tree = {}
    if not isinstance(tree, dict):
        raise ConfigError(f"{where or 'config'}: expected an object, got {json.dumps(tree)}")
    for k in tree:
        if k not in fields:
            raise ConfigError(f"{where + '.' if where else ''}{k}: unknown field (expected one of {', '.join(fields)})")
    out = OrderedDict()
    for k, spec in fields.items():
        path = f"{where}.{k}" if where else k
        if isinstance(spec, OrderedDict):
            out[k] = _object(tree.get(k), spec, path)
        elif k in tree:
            out[k] = _value(tree[k], spec, path)
        elif not spec["optional"]:
            out[k] = list(spec["default"]) if isinstance(spec["default"], list) else spec["default"]
    return out


def resolve(tree):
    """The effective config of a run config tree (defaults filled, every field checked)."""
    kind = tree.get("kind") if isinstance(tree, dict) else None
    if kind != "image":
        raise ConfigError(f"config field 'kind': expected \"image\" (the PyTorch companion has the image kind), got {json.dumps(kind)}")
    cfg = _object(tree, IMAGE_RUN, "")
    m = cfg["model"]
    if m["solver"] == "sra1":
        raise ConfigError("model.solver: the PyTorch companion has 'euler' and 'reversible_heun', got \"sra1\"")
    if m["gradient"] == "adjoint" and m["solver"] != "reversible_heun":
        raise ConfigError(f"model.gradient: 'adjoint' needs solver 'reversible_heun', got '{m['solver']}'")
    return cfg


def load(path):
    """Reads and resolves a JSON config file."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read the config: {e}") from None
    return resolve(parse_json_strict(text, path, MAX_CONFIG_DEPTH, ConfigError))
