"""Reading our YAML files into typed models, with one clear problem per mistake.

Each problem names the file, the line, the path inside the document
(``agreements[0].targets[2].within``), what was found and what was expected.
"""

from __future__ import annotations

from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import ConfigError, Problem

M = TypeVar("M", bound=BaseModel)


def validate_yaml(
    model: type[M],
    text: str,
    source: str,
    error: type[ConfigError],
    expected: str,
    context: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[M, dict[tuple[Any, ...], int]]:
    """Parse ``text`` as YAML and validate it as ``model``; the model and the line index.

    Raises ``error`` listing every mistake. ``expected`` describes the top level for a file
    that is not a mapping; ``extra`` adds fields that are not in the file (e.g. its source).
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise error(
            [Problem(source, "YAML", str(getattr(exc, "problem", exc)), "valid YAML", line)]
        ) from None
    if not isinstance(data, dict):
        raise error([Problem(source, "top level", f"{type(data).__name__}", expected)])
    lines = line_index(node)
    try:
        obj = model.model_validate({**data, **(extra or {})}, context=context or {})
    except ValidationError as exc:
        raise error([problem(source, e, data, lines) for e in exc.errors()]) from None
    return obj, lines


def problem(source: str, err: Any, data: Any, lines: dict[tuple[Any, ...], int]) -> Problem:
    path: list[Any] = []
    node = data
    for part in err["loc"]:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_dict or in_list:
            path.append(part)
            node = node[part]
        elif err["type"] in ("extra_forbidden", "missing") and part == err["loc"][-1]:
            path.append(part)
        # else: a union tag (e.g. 'resolution_time') that is not a key of the YAML
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    where = where or "top level"
    line = None
    for n in range(len(path), -1, -1):
        if tuple(path[:n]) in lines:
            line = lines[tuple(path[:n])]
            break
    kind = err["type"]
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        return Problem(
            source,
            where,
            f"unknown field {path[-1]!r}",
            "remove or correct it (field names are case-sensitive; `slm schema` lists them)",
            line,
        )
    if kind == "missing":
        return Problem(source, where, "missing", "add this required field", line)
    if kind == "union_tag_invalid":
        return Problem(
            source,
            f"{where}.metric",
            f"{err['input'].get('metric')!r}",
            "metric must be one of availability, response_time, resolution_time, "
            "satisfaction, incident_count",
            line,
        )
    found = err.get("input")
    shown = "invalid entry" if isinstance(found, dict | list) else f"found {found!r}"
    return Problem(source, where, shown, msg, line)


def line_index(node: yaml.Node | None) -> dict[tuple[Any, ...], int]:
    """Map each path in the YAML document to its 1-based line."""
    out: dict[tuple[Any, ...], int] = {}

    def walk(n: yaml.Node, path: tuple[Any, ...]) -> None:
        out[path] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = k.value
                out[(*path, key)] = k.start_mark.line + 1
                walk(v, (*path, key))
                out[(*path, key)] = k.start_mark.line + 1
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                walk(v, (*path, i))

    if node is not None:
        walk(node, ())
    return out
