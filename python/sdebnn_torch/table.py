"""Tables of named columns as sdebnn reads them (src/data/csv.ts, tabular.ts, table_schema.ts,
src/node/tabular_data.ts), decision for decision: the same CSV records, the same seeded test
split, the same fitted schema (column types, sorted categories and class names, mean and population
std of the training part in row order, in float64) and the same encoded rows (numeric
(value - center) / scale rounded once to float32, categorical one-hot). Every refusal is a
DataError naming the file, the line and the column.
"""
import json
import math
import re

import torch

from .data import STREAM_SPLIT, js_round, permutation
from .errors import ConfigError, DataError

CSV_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
MISSING = {"", "NA", "N/A", "NaN", "nan", "null", "?"}
F32_MAX = 3.4028234663852886e38


def is_number(s):
    return CSV_NUMBER.fullmatch(s) is not None


def show(s):
    return json.dumps(s[:40] + "..." if len(s) > 40 else s, ensure_ascii=False)


def _utf16(s):
    """JavaScript's default sort order (UTF-16 code units)."""
    return s.encode("utf-16-be")


# ---- CSV records (csv.ts tokenize with delimiter "," and comment "#") ---------------------------

def csv_records(text, name="<csv>"):
    """Records of (text, line) fields; comment lines ('#') and blank lines dropped."""
    records, n = [], len(text)
    i = 1 if text[:1] == "\ufeff" else 0
    line = 1

    def eol(c):
        return c == "\n" or c == "\r"

    def at(k):
        return text[k] if k < n else ""

    while i < n:
        if text[i] == "#":
            while i < n and not eol(text[i]):
                i += 1
            if i < n:
                i, line = i + (2 if text[i] == "\r" and at(i + 1) == "\n" else 1), line + 1
            continue
        j = i
        while j < n and text[j] in " \t":
            j += 1
        if j >= n or eol(text[j]):
            i = j
            if i < n:
                i, line = i + (2 if text[i] == "\r" and at(i + 1) == "\n" else 1), line + 1
            continue
        record = []
        while True:
            col = len(record) + 1
            while i < n and text[i] in " \t":
                i += 1
            start_line = line
            if at(i) == '"':
                i += 1
                value = ""
                while True:
                    q = text.find('"', i)
                    if q < 0:
                        raise DataError(f"{name}: line {start_line}, column {col}: unterminated quoted field "
                                        f"(no closing quote before the end of the file): {show(text[i - 1:i + 39])}")
                    chunk = text[i:q]
                    for k, c in enumerate(chunk):
                        if c == "\n" or (c == "\r" and chunk[k + 1:k + 2] != "\n"):
                            line += 1
                    value += chunk
                    i = q + 1
                    if at(i) == '"':
                        value += '"'
                        i += 1
                        continue
                    break
                while i < n and text[i] in " \t":
                    i += 1
                if i < n and text[i] != "," and not eol(text[i]):
                    rest = re.split(r"[\r\n]", text[i:i + 20])[0]
                    raise DataError(f"{name}: line {line}, column {col}: unexpected text after a closing quote: "
                                    f"expected ',' or the end of the line, got {show(rest)}")
                record.append((value, start_line))
            else:
                start = i
                while i < n and text[i] != "," and not eol(text[i]):
                    if text[i] == '"':
                        raise DataError(f"{name}: line {line}, column {col}: a quote inside an unquoted field "
                                        f"(quote the whole field and double inner quotes): {show(text[start:i + 20])}")
                    i += 1
                record.append((text[start:i].rstrip(), start_line))
            if i < n and text[i] == ",":
                i += 1
                continue
            if i < n:
                i, line = i + (2 if text[i] == "\r" and at(i + 1) == "\n" else 1), line + 1
            break
        records.append(record)
    return records


# ---- tables and their schema (tabular.ts) -------------------------------------------------------

class Table:
    def __init__(self, name, header, header_line, rows):
        self.name, self.header, self.header_line, self.rows = name, header, header_line, rows


def read_table(text, name):
    records = csv_records(text, name)
    if not records:
        raise DataError(f"{name}: the file is empty (expected a header row and data rows)")
    head = records[0]
    header = [f[0].strip() for f in head]
    for k, h in enumerate(header):
        if h == "":
            raise DataError(f"{name}: line {head[k][1]}, column {k + 1}: empty column name in the header")
        prev = header.index(h)
        if prev < k:
            raise DataError(f"{name}: line {head[k][1]}, column {k + 1}: duplicate column name {show(h)} (also column {prev + 1})")
    rows = records[1:]
    if not rows:
        raise DataError(f"{name}: no data rows after the header on line {head[0][1]}")
    for r in rows:
        if len(r) != len(header):
            raise DataError(f"{name}: line {r[0][1]}: expected {len(header)} fields (as in the header on line {head[0][1]}), got {len(r)}")
    return Table(name, header, head[0][1], rows)


def read_table_file(path, what):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise DataError(f"{path}: cannot read the {what}: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DataError(f"{path}: not valid UTF-8 text near byte offset {e.start}") from None
    return read_table(text, path)


def _column(t, col, what):
    if col not in t.header:
        raise DataError(f"{t.name}: line {t.header_line}: no {what} column {show(col)}: expected one of {', '.join(map(show, t.header))}")
    return t.header.index(col)


def _cell_text(t, r, k):
    text, line = t.rows[r][k]
    v = text.strip()
    if v in MISSING:
        raise DataError(f"{t.name}: line {line}, column {k + 1} ({show(t.header[k])}): missing value {show(text)}")
    return v


def _cell_number(t, r, k):
    v = _cell_text(t, r, k)
    x = float(v) if is_number(v) else math.nan
    if not math.isfinite(x) or abs(x) > F32_MAX:
        within = f" within +-{F32_MAX!r}" if math.isfinite(x) else ""
        raise DataError(f"{t.name}: line {t.rows[r][k][1]}, column {k + 1} ({show(t.header[k])}): expected a number in this "
                        f"numeric column{within}, got {show(v)}")
    return x


def _is_number_column(t, k):
    numbers, first_other = 0, -1
    for r in range(len(t.rows)):
        if is_number(_cell_text(t, r, k)):
            numbers += 1
        elif first_other < 0:
            first_other = r
    if first_other < 0:
        return True
    if 2 * numbers > len(t.rows):
        _cell_number(t, first_other, k)  # raises, naming the cell
    return False


def _js_num(x):
    from .json_js import js_json
    return js_json(x)


def _moments(t, k, rows):
    """Mean and population std of column k over `rows`, summed in row order (float64)."""
    total = 0.0
    for r in rows:
        total += _cell_number(t, r, k)
    center = total / len(rows)
    sq = 0.0
    for r in rows:
        d = _cell_number(t, r, k) - center
        sq += d * d
    scale = math.sqrt(sq / len(rows))
    if not math.isfinite(center) or not math.isfinite(scale):
        raise DataError(f"{t.name}: column {k + 1} ({show(t.header[k])}): its mean or spread overflows (values too large): rescale the column")
    if not scale > 1e-12 * max(1.0, abs(center)):
        raise DataError(f"{t.name}: column {k + 1} ({show(t.header[k])}) is constant ({_js_num(center)}) on the {len(rows)} training rows: "
                        "drop it (--features)")
    return center, scale


def _class_key(a):
    """classOrder of tabular.ts: numeric class names in numeric order (ties by text), then the others in code-unit order."""
    return (0, float(a), _utf16(a)) if is_number(a) else (1, 0.0, _utf16(a))


def fit_schema(t, target, features=None, task="auto", rows=None):
    """(schema, task): column types, categories, class names and standardisation fitted on the training rows."""
    rows = list(range(len(t.rows))) if rows is None else list(rows)
    ti = _column(t, target, "target")
    names = list(features) if features else [h for h in t.header if h != target]
    if not names:
        raise DataError(f"{t.name}: no feature columns besides the target {show(target)}")
    if target in names:
        raise DataError(f"{t.name}: the target {show(target)} is also listed as a feature")
    task = task if task and task != "auto" else ("regression" if _is_number_column(t, ti) else "classification")
    specs = []
    for n in names:
        k = _column(t, n, "feature")
        if _is_number_column(t, k):
            center, scale = _moments(t, k, rows)
            specs.append(dict(name=n, type="numeric", center=center, scale=scale, categories=[]))
            continue
        cats = sorted(dict.fromkeys(_cell_text(t, r, k) for r in rows), key=_utf16)
        if len(cats) < 2:
            raise DataError(f"{t.name}: column {k + 1} ({show(n)}) is constant ({show(cats[0] if cats else '')}) on the training rows: "
                            "drop it (--features)")
        specs.append(dict(name=n, type="categorical", center=0, scale=1, categories=cats))
    if task == "regression":
        center, scale = _moments(t, ti, rows)
        tgt = dict(name=target, center=center, scale=scale, classes=[])
    else:
        classes = sorted(dict.fromkeys(_cell_text(t, r, ti) for r in range(len(t.rows))), key=_class_key)
        if len(classes) < 2:
            raise DataError(f"{t.name}: the target {show(target)} has a single class {show(classes[0])}: nothing to classify")
        tgt = dict(name=target, center=0, scale=1, classes=classes)
    return dict(features=specs, target=tgt), task


def _check_columns(t, schema, with_target):
    want = {f["name"] for f in schema["features"]}
    for h in t.header:
        if h not in want and h != schema["target"]["name"]:
            raise DataError(f"{t.name}: line {t.header_line}: unexpected column {show(h)}: this model takes "
                            f"{', '.join(show(f['name']) for f in schema['features'])}")
    if with_target:
        _column(t, schema["target"]["name"], "target")
    return [_column(t, f["name"], "feature") for f in schema["features"]]


def encode_cell(f, v, out, o, where):
    """One raw cell (text or number) -> its encoded values at out[o:] (a list of floats); returns the count."""
    if f["type"] == "numeric":
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            x = float(v)
        else:
            s = str(v).strip()
            x = float(s) if is_number(s) else math.nan
        if not math.isfinite(x):
            raise DataError(f"{where()}: expected a number, got {v if isinstance(v, (int, float)) else show(str(v))}")
        z = (x - f["center"]) / f["scale"]
        z32 = torch.tensor(z, dtype=torch.float64).float().item()
        if not math.isfinite(z32):
            raise DataError(f"{where()}: {_js_num(x)} is too far from the training data (standardised: {z32})")
        out[o] = z
        return 1
    c = str(v).strip()
    if c not in f["categories"]:
        raise DataError(f"{where()}: unknown category {show(str(v))}: expected one of {', '.join(map(show, f['categories']))}")
    out[o + f["categories"].index(c)] = 1.0
    return len(f["categories"])


def encoded_width(schema):
    """Floats per encoded row: one per numeric feature, one per category (table_schema.ts)."""
    return sum(1 if f["type"] == "numeric" else len(f["categories"]) for f in schema["features"])


def encode_table(t, schema, with_target, rows=None):
    """(x float32 [n, width], y: float32 targets / int64 class indices / None) of rows of a table."""
    rows = list(range(len(t.rows))) if rows is None else list(rows)
    cols = _check_columns(t, schema, with_target)
    width = encoded_width(schema)
    flat = [0.0] * (len(rows) * width)
    for i, r in enumerate(rows):
        at = i * width
        for f, k in zip(schema["features"], cols):
            where = lambda r=r, k=k, f=f: f"{t.name}: line {t.rows[r][k][1]}, column {k + 1} ({show(f['name'])})"
            at += encode_cell(f, _cell_text(t, r, k), flat, at, where)
    x = torch.tensor(flat, dtype=torch.float64).float().reshape(len(rows), width)
    if not with_target:
        return x, None
    ti = _column(t, schema["target"]["name"], "target")
    classes = schema["target"]["classes"]
    if not classes:
        return x, torch.tensor([_cell_number(t, r, ti) for r in rows], dtype=torch.float64).float()
    y = []
    for r in rows:
        v = _cell_text(t, r, ti)
        if v not in classes:
            raise DataError(f"{t.name}: line {t.rows[r][ti][1]}, column {ti + 1} ({show(schema['target']['name'])}): unknown class "
                            f"{show(v)}: expected one of {', '.join(map(show, classes))}")
        y.append(classes.index(v))
    return x, torch.tensor(y, dtype=torch.long)


# ---- a tabular run's data (src/node/tabular_data.ts) --------------------------------------------

def _parts(cfg, t):
    """(training rows, test rows or None) of data.file: all of it when data.test names a file."""
    n, d = len(t.rows), cfg["data"]
    if d["test"] != "":
        return list(range(n)), None
    p = permutation(cfg["seed"], n, STREAM_SPLIT, 1)   # sub-stream 1 of the split stream: not the validation split's
    n_test = int(js_round(n * d["testFraction"]))
    if n_test < 1 or n - n_test < 2:
        raise DataError(f"{d['file']}: {n} rows cannot be split into training rows and a {_js_num(d['testFraction'])} test share: "
                        "pass data.test (--test FILE)")
    return sorted(p[n_test:]), sorted(p[:n_test])


def _check_named(cfg):
    if cfg["data"]["file"] == "":
        raise ConfigError("data.file: a tabular run needs a CSV file (--data FILE.csv)")
    if cfg["data"]["target"] == "":
        raise ConfigError("data.target: name the target column (--target COLUMN)")


def prepare_tabular(cfg):
    """The config with data.schema fitted on the training part of data.file (data.task and data.features resolved),
    or unchanged when its schema is already fitted."""
    if cfg["data"]["schema"]["features"]:
        return cfg
    _check_named(cfg)
    d = cfg["data"]
    t = read_table_file(d["file"], "data file (--data)")
    schema, task = fit_schema(t, d["target"], d["features"], d["task"], _parts(cfg, t)[0])
    out = json.loads(json.dumps(cfg), object_pairs_hook=type(cfg))
    out["data"]["task"] = task
    out["data"]["features"] = [f["name"] for f in schema["features"]]
    out["data"]["schema"] = schema
    return out


def table_set(x, y, name):
    return dict(kind="table", count=x.shape[0], x=x, y=y, name=name)


def load_tabular_data(cfg):
    """(train, test) sets of a fitted tabular config: x [n, width] float32, y float32 targets or int64 classes."""
    _check_named(cfg)
    if not cfg["data"]["schema"]["features"]:
        raise ConfigError("data.schema: not fitted (prepare_tabular fills it from data.file)")
    d = cfg["data"]
    t = read_table_file(d["file"], "data file (--data)")
    train_rows, test_rows = _parts(cfg, t)
    train = table_set(*encode_table(t, d["schema"], True, train_rows), f"{d['file']} (training part)")
    if test_rows is not None:
        test = table_set(*encode_table(t, d["schema"], True, test_rows), f"{d['file']} (test part)")
    else:
        tt = read_table_file(d["test"], "test file (--test)")
        test = table_set(*encode_table(tt, d["schema"], True), f"{d['test']} (test file (--test))")
    return train, test
