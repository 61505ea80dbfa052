"""Run configs, the same JSON files as the sdebnn CLI: {kind, seed, model, train, data, eval}.

The tables below mirror src/models/image_config.ts, src/models/tabular_config.ts and
src/train/config.ts (fields, ranges, enumerations and defaults);
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
STRS, OBJS, OBJ = "strings", "objects", "object"   # arrays of strings, of objects (`item`); an optional object (`item`)


def _f(kind, default=None, lo=None, hi=None, values=None, optional=False, min_len=None, max_len=None, item=None):
    return dict(kind=kind, default=default, lo=lo, hi=hi, values=values, optional=optional, min_len=min_len, max_len=max_len,
                item=item)


IMAGE_MODEL = OrderedDict([
    ("arch", _f(ENUM, values=["sdebnn", "resnet"], optional=True)),
    ("channels", _f(INT, 1, 1, 64)), ("height", _f(INT, 28, 2, 1024)), ("width", _f(INT, 28, 2, 1024)),
    ("classes", _f(INT, 10, 2, 1000)), ("augment", _f(INT, 2, 0, 64)),
    ("groups", _f(INTS, [1], 1, 16, min_len=1, max_len=4)),
    ("hidden", _f(INT, 16, 1, 512)), ("nnBottleneck", _f(INT, 2, 1, 64)), ("nnHidden", _f(INT, 16, 1, 512)),
    ("sigma", _f(NUM, 0.2, 0, 10)), ("theta", _f(NUM, 1, 0, 100)),
    ("diffusionScale", _f(ENUM, values=["none", "init"], optional=True)), ("steps", _f(INT, 10, 1, 1000)),
    ("solver", _f(ENUM, "euler", values=["euler", "sra1", "reversible_heun"])),
    ("kl", _f(ENUM, "quadratic", values=["quadratic", "stl", "logratio"])),
    ("gradient", _f(ENUM, "backprop", values=["backprop", "adjoint"])),
    ("keepActivationsMB", _f(NUM, 256, 0, 65536)),
    ("w0", _f(ENUM, "point", values=["point", "meanfield"])),
    ("head", _f(ENUM, "meanfield", values=["meanfield", "point"])),
    ("headPriorStd", _f(NUM, 0.1, 1e-6, 100)), ("priorStdW0", _f(NUM, 0.1, 1e-6, 100)),
])

def train_section(**d):
    """src/train/config.ts trainSchema(d): a kind's own defaults where they differ."""
    g = lambda k, v: d.get(k, v)
    return OrderedDict([
        ("epochs", _f(NUM, g("epochs", 1), 0, 1e7)), ("maxSteps", _f(INT, g("maxSteps", 0), 0, 1e9)),
        ("batch", _f(INT, g("batch", 64), 1, 65536)), ("lr", _f(NUM, g("lr", 1e-3), 0, 10)),
        ("schedule", _f(ENUM, g("schedule", "constant"), values=["constant", "cosine"])),
        ("minLr", _f(NUM, g("minLr", 0), 0, 10)), ("weightDecay", _f(NUM, g("weightDecay", 0), 0, 100)),
        ("emaDecay", _f(NUM, g("emaDecay", 0.999), 0, 0.999999)),
        ("samples", _f(INT, g("samples", 1), 1, 128)), ("shards", _f(INT, g("shards", 2), 1, 64)),
        ("klCoef", _f(NUM, g("klCoef", 1e-3), 0, 1e6)), ("klDivideByN", _f(BOOL, g("klDivideByN", True))),
        ("checkpointEvery", _f(INT, g("checkpointEvery", 500), 0, 1e9)), ("logEvery", _f(INT, g("logEvery", 0), 0, 1e9)),
        ("onNonFinite", _f(ENUM, g("onNonFinite", "stop"), values=["stop", "skip"])),
        ("divergeFactor", _f(NUM, g("divergeFactor", 1e4), 0, 1e300)),  # src/train/divergence.ts (the guard runs in sdebnn's trainer)
    ])


def eval_section(samples=8, batch=256, val_limit=1000):
    return OrderedDict([
        ("samples", _f(INT, samples, 1, 128)), ("batch", _f(INT, batch, 1, 65536)), ("valLimit", _f(INT, val_limit, 0, 1e9)),
    ])


TRAIN = train_section()

DATA = OrderedDict([  # image_config.ts imageDataSchema
    ("dataset", _f(ENUM, "mnist", values=["mnist", "cifar10", "synthetic", "folder", "idx"])), ("dir", _f(STR, optional=True)),
    ("testDir", _f(STR, optional=True)), ("trainImages", _f(STR, optional=True)),
    ("trainLabels", _f(STR, optional=True)), ("testImages", _f(STR, optional=True)),
    ("testLabels", _f(STR, optional=True)), ("testFraction", _f(NUM, 0.1, 0.01, 0.9)),
    ("classNames", _f(STRS, [])),
    ("valFraction", _f(NUM, 0.1, 0, 0.9)), ("trainLimit", _f(INT, 0, 0, 1e9)), ("testLimit", _f(INT, 0, 0, 1e9)),
])

EVAL = eval_section()

IMAGE_RUN = OrderedDict([
    ("kind", _f(ENUM, "image", values=["image"])), ("seed", _f(INT, 0, 0, 2 ** 31 - 1)),
    ("model", IMAGE_MODEL), ("train", TRAIN), ("data", DATA), ("eval", EVAL),
])

# ---- the tabular kind (src/models/tabular_config.ts) ------------------------------------------
ADAPTIVE = OrderedDict([  # image_config.ts adaptiveSchema (solver "adaptive" is refused by the companion)
    ("method", _f(ENUM, values=["euler", "sra1", "reversible_heun"], optional=True)),
    ("rtol", _f(NUM, 1e-2, 0, 1)), ("atol", _f(NUM, 1e-2, 1e-12, 1)), ("dtMin", _f(NUM, 1e-3, 1e-9, 1)),
    ("maxSteps", _f(INT, 1000, 1, 1e6)),
])

FEATURE = OrderedDict([
    ("name", _f(STR, "")), ("type", _f(ENUM, "numeric", values=["numeric", "categorical"])),
    ("center", _f(NUM, 0)), ("scale", _f(NUM, 1, 1e-300)), ("categories", _f(STRS, [])),
])

TABULAR_DATA = OrderedDict([
    ("dataset", _f(ENUM, "csv", values=["csv", "toy1d"])),
    ("file", _f(STR, "")), ("test", _f(STR, "")), ("target", _f(STR, "")), ("features", _f(STRS, [])),
    ("task", _f(ENUM, "auto", values=["auto", "regression", "classification"])),
    ("testFraction", _f(NUM, 0.1, 0, 0.9)), ("valFraction", _f(NUM, 0, 0, 0.9)), ("dropMissing", _f(BOOL, False)),
    ("schema", OrderedDict([
        ("features", _f(OBJS, [], item=FEATURE)),
        ("target", OrderedDict([("name", _f(STR, "")), ("center", _f(NUM, 0)), ("scale", _f(NUM, 1, 1e-300)),
                                ("classes", _f(STRS, []))])),
    ])),
])

TABULAR_MODEL = OrderedDict([
    ("augment", _f(INT, 2, 0, 256)), ("width", _f(INT, 32, 1, 4096)), ("depth", _f(INT, 2, 1, 16)),
    ("activation", _f(ENUM, "swish", values=["swish", "softplus", "tanh", "relu"])),
    ("nnHidden", _f(INT, 32, 1, 4096)), ("nnInitScale", _f(NUM, 0.1, 0, 10)),
    ("sigma", _f(NUM, 0.1, 0, 10)), ("theta", _f(NUM, 1, 0, 100)),
    ("stochastic", _f(ENUM, "all", values=["all", "first", "last"])), ("steps", _f(INT, 8, 1, 10000)),
    ("solver", _f(ENUM, "euler", values=["euler", "sra1", "reversible_heun", "adaptive"])),
    ("adaptive", _f(OBJ, optional=True, item=ADAPTIVE)),
    ("kl", _f(ENUM, "quadratic", values=["quadratic", "stl", "logratio"])),
    ("gradient", _f(ENUM, "backprop", values=["backprop", "adjoint"])),
    ("keepActivationsMB", _f(NUM, 256, 0, 65536)),
    ("w0", _f(ENUM, "point", values=["point", "meanfield"])),
    ("w0PriorStd", _f(NUM, 0.1, 1e-6, 100)), ("w0LogStdInit", _f(NUM, -4, -20, 5)),
    ("head", _f(ENUM, "point", values=["point", "meanfield", "none"])), ("headPriorStd", _f(NUM, 1, 1e-6, 100)),
    ("likelihood", _f(ENUM, "gaussian", values=["gaussian", "laplace", "heteroscedastic"])),
    ("noiseLogStdInit", _f(NUM, -1, -20, 5)), ("gaussianStd", _f(NUM, 0, 0, 100)), ("likelihoodScale", _f(NUM, 0.3, 1e-9, 100)),
    ("learnLaplaceScale", _f(BOOL, False)),
])

TABULAR_RUN = OrderedDict([
    ("kind", _f(ENUM, "tabular", values=["tabular"])), ("seed", _f(INT, 0, 0, 2 ** 31 - 1)),
    ("data", TABULAR_DATA), ("model", TABULAR_MODEL),
    ("train", train_section(epochs=200, batch=32, lr=3e-3, samples=4, klCoef=1, klDivideByN=True, emaDecay=0, shards=1,
                            checkpointEvery=0, logEvery=0)),
    ("eval", eval_section(samples=32, batch=256, val_limit=0)),
])

RUNS = {"image": IMAGE_RUN, "tabular": TABULAR_RUN}


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
    if kind == STRS:
        if not isinstance(v, list):
            raise ConfigError(f"{where}: expected an array of strings, got {json.dumps(v)}")
        return [_value(x, _f(STR), f"{where}[{i}]") for i, x in enumerate(v)]
    if kind == OBJS:
        if not isinstance(v, list):
            raise ConfigError(f"{where}: expected an array of objects, got {json.dumps(v)}")
        return [_object(x, spec["item"], f"{where}[{i}]") for i, x in enumerate(v)]
    if kind == OBJ:
        return _object(v, spec["item"], where)
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
            out[k] = _value(json.loads(json.dumps(spec["default"])), spec, path)
    return out


def resolve(tree):
    """The effective config of a run config tree (defaults filled, every field checked)."""
    kind = tree.get("kind") if isinstance(tree, dict) else None
    if kind not in RUNS:
        raise ConfigError(f"config field 'kind': expected \"image\" or \"tabular\" (the kinds of the PyTorch companion), "
                          f"got {json.dumps(kind)}")
    if kind == "tabular":
        data = tree.get("data") if isinstance(tree.get("data"), dict) else {}
        if data.get("dataset", "csv") != "csv" or "toy1d" in data:
            raise ConfigError("data.dataset: the PyTorch companion reads CSV files (\"csv\"); the embedded toy1d points "
                              f"(data.dataset \"toy1d\", data.toy1d) are sdebnn's, got {json.dumps(data.get('dataset', 'csv'))}")
    cfg = _object(tree, RUNS[kind], "")
    m = cfg["model"]
    if m["solver"] not in ("euler", "reversible_heun"):
        raise ConfigError(f"model.solver: the PyTorch companion has 'euler' and 'reversible_heun', got \"{m['solver']}\"")
    if m["gradient"] == "adjoint" and m["solver"] != "reversible_heun":
        raise ConfigError(f"model.gradient: 'adjoint' needs solver 'reversible_heun', got '{m['solver']}'")
    if kind == "image" and m.get("diffusionScale") == "init":   # image_kind.ts checkImageModel
        none = 'model.arch "resnet"' if m.get("arch") == "resnet" else "model.sigma 0 (the ODE limit: constant weights)" if m["sigma"] == 0 else ""
        if none:
            raise ConfigError(f"config field 'model.diffusionScale': set to \"init\", but {none} has no weight diffusion to scale: "
                              "remove it (or set it to \"none\")")
    return cfg


def load(path):
    """Reads and resolves a JSON config file."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read the config: {e}") from None
    return resolve(parse_json_strict(text, path, MAX_CONFIG_DEPTH, ConfigError))
