"""A small TOML writer for config dictionaries (tomllib in Python 3.11 reads TOML but cannot write it)."""
from __future__ import annotations

import math
from typing import Any, Mapping


def _key(k: str) -> str:
    if not isinstance(k, str):
        raise TypeError(f"config keys must be strings, got {k!r}")
    if k and all(c.isalnum() or c in "_-" for c in k):
        return k
    return _string(k)


def _string(s: str) -> str:
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


def value(v: Any, where: str) -> str:
    """One value as TOML text; `where` names the key in error messages."""
    import numpy as np

    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if math.isnan(f):
            return "nan"
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return repr(f)  # shortest text that reads back as the same double
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, (list, tuple, np.ndarray)):
        return "[" + ", ".join(value(x, where) for x in list(v)) + "]"
    raise TypeError(f"config key '{where}': a value of type {type(v).__name__} cannot be written to TOML")


def dumps(config: Mapping[str, Any]) -> str:
    """`config` (nested dicts: tables) as TOML text."""
    lines: list[str] = []

    def table(d: Mapping[str, Any], path: str) -> None:
        subtables = []
        for k, v in d.items():
            full = f"{path}.{k}" if path else str(k)
            if isinstance(v, Mapping):
                subtables.append((k, v, full))
            else:
                lines.append(f"{_key(k)} = {value(v, full)}")
        for k, v, full in subtables:
            lines.append("")
            lines.append("[" + ".".join(_key(p) for p in full.split(".")) + "]")
            table(v, full)

    if not isinstance(config, Mapping):
        raise TypeError(f"a config must be a dict or a path, got {type(config).__name__}")
    table(config, "")
    return "\n".join(lines) + "\n"
