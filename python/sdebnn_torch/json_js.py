"""JSON as sdebnn writes and reads it: JavaScript's JSON.stringify (so that both writers emit the
same checkpoint bytes and checksums) and src/config/strict_json.ts's parseJsonStrict (nesting
bounded before parsing, duplicate keys refused, as JSON readers disagree on which value wins)."""
import json
import math
from collections import OrderedDict
from decimal import Decimal

from .errors import CheckpointError


def _js_number(x):
    """Number::toString of ECMA-262 (shortest round-trip digits, JavaScript's exponent rules)."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        if abs(x) < 10 ** 21:
            return str(x)
        x = float(x)
    if not math.isfinite(x):
        return "null"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    digits_t, exp = Decimal(repr(abs(x))).as_tuple()[1:]
    digits = list(digits_t)
    while len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exp += 1
    while len(digits) > 1 and digits[0] == 0:
        digits.pop(0)
    d = "".join(map(str, digits))
    k, n = len(d), exp + len(d)
    if k <= n <= 21:
        return sign + d + "0" * (n - k)
    if 0 < n <= 21:
        return sign + d[:n] + "." + d[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + d
    e = n - 1
    mant = d[0] + ("." + d[1:] if k > 1 else "")
    return sign + mant + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def js_json(v):
    """JSON.stringify(v) for JSON values (dict keys in insertion order, no spaces)."""
    if v is None:
        return "null"
    if isinstance(v, (bool, int, float)):
        return _js_number(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(js_json(e) for e in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(str(k), ensure_ascii=False) + ":" + js_json(e) for k, e in v.items()) + "}"
    raise CheckpointError(f"checkpoint config must be JSON-serialisable, got {type(v).__name__}")


def _position(text, offset):
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {col}"


def _check_depth(text, where, max_depth, error):
    depth, i, n = 0, 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c in "{[":
            depth += 1
            if depth > max_depth:
                raise error(f"{where}: nesting deeper than {max_depth} levels at {_position(text, i)} "
                            f"(expected at most {max_depth} nested objects/arrays)")
        elif c in "}]":
            depth -= 1
        i += 1


def parse_json_strict(text, where, max_depth, error):
    """json.loads refusing nesting deeper than max_depth, duplicate keys and NaN/Infinity literals."""
    _check_depth(text, where, max_depth, error)

    def pairs(items):
        out = OrderedDict()
        for k, v in items:
            if k in out:
                raise error(f"{where}: key {json.dumps(k, ensure_ascii=False)} appears twice in one object "
                            "(JSON readers disagree on which value wins; remove one)")
            out[k] = v
        return out

    def constant(name):
        raise ValueError(f"{name} is not JSON")

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except ValueError as e:
        raise error(f"{where}: not valid JSON: {e}") from None
