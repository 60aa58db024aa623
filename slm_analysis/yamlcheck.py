"""Reading our YAML files into typed models, with one clear problem per mistake.

Each problem names the file, the line, the path inside the document
(``agreements[0].targets[2].within``), what was found and what was expected.

The text is parsed by PyYAML's C parser (libyaml) when PyYAML has it, else by its pure-Python
one, and its events become Python values here rather than in PyYAML's composer and constructor.
That way a file is refused *before* anything large is built — the limits below, documented in
docs/catalogue.md#limits — no mapping key can be written twice (PyYAML keeps the last of two
equal keys without a word), and no tree of nodes is kept beside the values (the nodes of a
large catalogue take ten times the memory of its values; ``Lines`` parses again for lines
only when a message needs one):

- a file of at most ``MAX_BYTES``;
- aliases (``*name``) that add at most ``MAX_ALIAS_NODES`` nodes when expanded: a "billion
  laughs" file of a few lines would otherwise expand to 10⁹ values and exhaust memory;
- at most ``MAX_DEPTH`` levels of nesting; no alias inside the node it refers to;
- only the plain YAML types (text, numbers, booleans, null, dates, lists, mappings);
- no NUL character in a value (YAML writes one as ``"\\0"``): it would be matched against
  loaded data (which holds none) or printed into a pack.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)

from .errors import ConfigError, Problem

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

M = TypeVar("M", bound=BaseModel)

MAX_BYTES = 20 * 2**20  # 20 MiB: a catalogue of 10,000 customers and services is about 9 MiB
MAX_ALIAS_NODES = 10_000  # nodes the aliases of a file may add when expanded
MAX_DEPTH = 64  # levels of nesting (a catalogue uses 7)

_TAG = "tag:yaml.org,2002:"
MAP_TAG, SEQ_TAG, STR_TAG = _TAG + "map", _TAG + "seq", _TAG + "str"
MERGE_TAG, VALUE_TAG = _TAG + "merge", _TAG + "value"
SCALAR_TAGS = {_TAG + t for t in ("null", "bool", "int", "float", "timestamp")}


def size_problem(source: str, size: int) -> Problem | None:
    """A problem when a file of ``size`` bytes is over ``MAX_BYTES``."""
    if size <= MAX_BYTES:
        return None
    return Problem(
        source,
        "file",
        f"{size:,} bytes",
        f"at most {MAX_BYTES // 2**20} MiB ({MAX_BYTES:,} bytes) are read, so that a wrong file "
        "cannot exhaust memory; check that this is the right file (a catalogue of 10,000 "
        "customers and services is about 9 MiB)",
    )


def read_text(path: Path, error: type[ConfigError]) -> str:
    """The text of a YAML file of ours; a file over ``MAX_BYTES`` is refused before it is read.

    ``OSError`` and ``UnicodeDecodeError`` are left to the caller, whose advice differs."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # opening it reports why
    if problem := size_problem(str(path), size):
        raise error([problem])
    with path.open("rb") as f:
        raw = f.read(MAX_BYTES + 1)  # a device or pipe has no size to check beforehand
    if problem := size_problem(str(path), len(raw)):
        raise error([replace(problem, found=f"more than {MAX_BYTES:,} bytes")])
    return raw.decode("utf-8")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (restored after).

    Reading and validating a large file makes millions of small objects that all live to the
    end: the collector would walk them again and again — more than half the time of a
    10,000-customer catalogue — and could free none of them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Lines:
    """The 1-based line of each path in a YAML document, from its nodes, which are parsed again
    the first time a line is asked for (messages need a few; a full index of a large file would
    cost more than its values)."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def root(self) -> yaml.Node | None:
        with collector_paused():
            return yaml.compose(self.text, Loader=Loader)

    def get(self, path: tuple[Any, ...] | list[Any]) -> int | None:
        """The line of ``path`` (a key's line for a mapping entry), else None."""
        node = self.root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in path:
            if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return None
                node = node.value[part]
                line = node.start_mark.line + 1
            elif isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if isinstance(k, yaml.ScalarNode) and (k.value == part or k.value == str(part)):
                        node, line = v, k.start_mark.line + 1
                        break
                else:
                    return None
            else:
                return None
        return line

    def nearest(self, path: tuple[Any, ...] | list[Any]) -> int | None:
        """The line of ``path``, else of its longest prefix in the document."""
        for n in range(len(path), -1, -1):
            line = self.get(path[:n])
            if line is not None:
                return line
        return None


def read_yaml(
    text: str, source: str, error: type[ConfigError], expected: str
) -> tuple[dict[str, Any], Lines]:
    """Parse ``text`` (a mapping at the top) within the limits above; its values and lines.

    Raises ``error`` listing every mistake: invalid YAML, a limit passed, a key written twice,
    a top level that is not a mapping (``expected`` describes what it should be)."""
    size = len(text) if len(text) > MAX_BYTES else len(text.encode("utf-8"))
    if problem := size_problem(source, size):
        raise error([problem])
    loader = Loader(text)
    builder = _Builder(loader, source)
    try:
        with collector_paused():
            data = builder.document()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise error(
            [Problem(source, "YAML", str(getattr(exc, "problem", exc)), "valid YAML", line)]
        ) from None
    except RecursionError:  # the pure-Python parser on a deeply nested file
        raise error([_depth_problem(source)]) from None
    except _Refused as exc:
        raise error([exc.problem]) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise error(builder.problems)
    if not isinstance(data, dict):
        raise error([Problem(source, "top level", f"{type(data).__name__}", expected)])
    return data, Lines(text)


def validate(
    model: type[M],
    data: dict[str, Any],
    lines: Lines,
    source: str,
    error: type[ConfigError],
    context: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> M:
    """Validate values read by ``read_yaml`` as ``model``; ``extra`` adds fields that are not in
    the file (e.g. its source). Raises ``error`` listing every mistake."""
    try:
        with collector_paused():
            return model.model_validate({**data, **(extra or {})}, context=context or {})
    except ValidationError as exc:
        raise error([problem(source, e, data, lines) for e in exc.errors()]) from None


def validate_yaml(
    model: type[M],
    text: str,
    source: str,
    error: type[ConfigError],
    expected: str,
    context: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[M, Lines]:
    """Parse ``text`` as YAML and validate it as ``model``; the model and the lines.

    Raises ``error`` listing every mistake. ``expected`` describes the top level for a file
    that is not a mapping; ``extra`` adds fields that are not in the file (e.g. its source).
    """
    data, lines = read_yaml(text, source, error, expected)
    return validate(model, data, lines, source, error, context, extra), lines


def problem(source: str, err: Any, data: Any, lines: Lines) -> Problem:
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
    where = path_text(path)
    line = lines.nearest(path)
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
    if kind in ("union_tag_invalid", "union_tag_not_found"):  # a target's metric
        if kind == "union_tag_not_found":
            expected = "add `metric:`, what the target measures, e.g. resolution_time"
            return Problem(source, f"{where}.metric", "missing", expected, line)
        tags = str(err.get("ctx", {}).get("expected_tags", "")).replace("'", "")
        found = f"{err['input'].get('metric')!r}"
        return Problem(source, f"{where}.metric", found, f"metric must be one of {tags}", line)
    found = err.get("input")
    plain = (
        isinstance(found, list)
        and len(found) <= 10
        and not any(isinstance(x, dict | list) for x in found)
    )
    if isinstance(found, date):  # a YAML date or date-time, as written
        found = found.isoformat(sep=" ") if isinstance(found, datetime) else found.isoformat()
    shown = "invalid entry" if isinstance(found, dict | list) and not plain else f"found {found!r}"
    return Problem(source, where, shown, msg, line)


def path_text(path: list[Any] | tuple[Any, ...]) -> str:
    """``agreements[0].targets[2].within``; ``top level`` for the empty path."""
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    return where or "top level"


def _depth_problem(source: str, where: str = "top level", line: int | None = None) -> Problem:
    return Problem(
        source,
        where,
        f"nested more than {MAX_DEPTH} levels deep",
        f"a file of ours needs fewer than 10 levels; at most {MAX_DEPTH} are read",
        line,
    )


# ---------------------------------------------------------------------------- events → values
class _Refused(Exception):
    """The document cannot be read on safely (a limit passed); ``problem`` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _Builder:
    """Turns a document's parse events into dicts, lists and scalars (as PyYAML's safe loader
    would), counting the nodes aliases add and noting every mistake in ``problems``."""

    def __init__(self, loader: Any, source: str) -> None:
        self.loader = loader
        self.get = loader.get_event
        # the implicit tags of plain scalars by first character, as the loader's resolver has them
        implicit: dict[Any, list[tuple[str, Any]]] = loader.yaml_implicit_resolvers
        self.anywhere = implicit.get(None, [])
        self.resolvers = {c: [*r, *self.anywhere] for c, r in implicit.items() if c is not None}
        self.constructors: dict[Any, Any] = loader.yaml_constructors
        self.source = source
        self.anchors: dict[str, tuple[Any, int, int]] = {}  # name → (value, nodes, line)
        self.open: set[str] = set()  # anchors of the collections being built
        self.nodes = 0  # nodes of the document as expanded so far
        self.alias_nodes = 0  # of which added by aliases
        self.path: list[Any] = []
        self.problems: list[Problem] = []

    def document(self) -> Any:
        self.get()  # stream start
        if self.loader.check_event(StreamEndEvent):
            return None
        self.get()  # document start
        data = self.node(self.get())
        self.get()  # document end
        if not self.loader.check_event(StreamEndEvent):
            raise _Refused(
                Problem(
                    self.source,
                    "top level",
                    "a second YAML document (after a --- line)",
                    "one document per file: remove the --- line or split the file",
                    _line(self.get()),
                )
            )
        return data

    def node(self, event: Any) -> Any:
        kind = type(event)
        if kind is AliasEvent:
            return self.alias(event)
        self.nodes += 1
        anchor = event.anchor
        if anchor is not None:
            if anchor in self.anchors or anchor in self.open:
                raise _Refused(self.problem(f"a second anchor &{anchor}", event, "rename one"))
            if kind is not ScalarEvent:
                self.open.add(anchor)
            before = self.nodes
        if kind is ScalarEvent:
            value = self.scalar(event)
        elif len(self.path) >= MAX_DEPTH:
            raise _Refused(_depth_problem(self.source, path_text(self.path), _line(event)))
        elif kind is MappingStartEvent:
            value = self.mapping(event)
        else:
            value = self.sequence(event)
        if anchor is not None:
            self.open.discard(anchor)
            self.anchors[anchor] = (value, self.nodes - before + 1, _line(event))
        return value

    def alias(self, event: Any) -> Any:
        name = event.anchor
        if name in self.open:
            raise _Refused(
                self.problem(
                    f"the alias *{name} inside the value it names",
                    event,
                    "write the value out; a value cannot contain itself",
                )
            )
        if name not in self.anchors:
            raise _Refused(
                self.problem(f"the alias *{name} of no anchor", event, f"define &{name} first")
            )
        value, size, line = self.anchors[name]
        self.nodes += size
        self.alias_nodes += size
        if self.alias_nodes > MAX_ALIAS_NODES:
            raise _Refused(
                self.problem(
                    f"the alias *{name} (of line {line}) takes the nodes that aliases add to the "
                    f"file past {MAX_ALIAS_NODES:,}; nested anchors and aliases can expand a few "
                    "lines into billions of values",
                    event,
                    "write the repeated parts out, or use fewer aliases: the aliases of a file "
                    f"may add at most {MAX_ALIAS_NODES:,} nodes to it",
                )
            )
        return value

    def sequence(self, event: Any) -> list[Any]:
        self.check_tag(event, SEQ_TAG, "list")
        out = []
        path, get, node = self.path, self.get, self.node
        i = 0
        item = get()
        while type(item) is not SequenceEndEvent:
            path.append(i)
            out.append(node(item))
            path.pop()
            i += 1
            item = get()
        return out

    def mapping(self, event: Any) -> dict[Any, Any]:
        self.check_tag(event, MAP_TAG, "mapping")
        out: dict[Any, Any] = {}
        lines: dict[Any, int] = {}
        merges: list[Any] = []
        path, get, node = self.path, self.get, self.node
        k = get()
        while type(k) is not MappingEndEvent:
            if type(k) is ScalarEvent and k.implicit[0] and k.value == "<<" and k.tag is None:
                path.append("<<")
                merges.append((node(get()), k))
                path.pop()
                k = get()
                continue
            if type(k) is not ScalarEvent:  # a list or mapping as a key (or an alias)
                self.problems.append(
                    self.problem("a list, mapping or alias as a key", k, "a key is a name")
                )
                node(k)
                node(get())
                k = get()
                continue
            key = node(k)
            path.append(key)
            value = node(get())
            path.pop()
            line = _line(k)
            if key in out:
                first = lines[key]
                where = f"on line {line}" if first == line else f"on lines {first} and {line}"
                self.problems.append(
                    Problem(
                        self.source,
                        path_text([*path, key]),
                        f"{key!r} written twice, {where}",
                        "keep one of them (YAML would silently use only the last)",
                        line,
                    )
                )
            else:
                lines[key] = line
            out[key] = value
            k = get()
        return self.merged(merges, out) if merges else out

    def merged(self, merges: list[tuple[Any, Any]], own: dict[Any, Any]) -> dict[Any, Any]:
        """``<<: *base`` (or a list of them): the merged mappings' entries, then the mapping's
        own; of two merged mappings, the first wins (as PyYAML merges)."""
        out: dict[Any, Any] = {}
        for value, event in reversed(merges):
            for m in reversed(value if isinstance(value, list) else [value]):
                if isinstance(m, dict):
                    out.update(m)
                else:
                    self.problems.append(
                        self.problem(
                            "a merge (<<) of something that is not a mapping",
                            event,
                            "merge a mapping (<<: *name) or a list of them",
                            [*self.path, "<<"],
                        )
                    )
        out.update(own)
        return out

    def check_tag(self, event: Any, default: str, what: str) -> None:
        if event.tag not in (None, "!", default):
            self.problems.append(
                self.problem(
                    f"the YAML tag {event.tag.replace(_TAG, '!!')}",
                    event,
                    f"remove the tag: a plain {what} is expected",
                )
            )

    def scalar(self, event: Any) -> Any:
        value: str = event.value
        tag = event.tag
        if "\x00" in value:  # a "\0" escape: no text of ours (names, values to match) has one
            self.problems.append(
                self.problem(
                    f"{value!r}, with a NUL character", event, "remove the \\0 from the value"
                )
            )
            return value.replace("\x00", "")
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return value  # quoted
            tag = self.resolve(value)
        if tag in (STR_TAG, VALUE_TAG):
            return value
        if tag not in SCALAR_TAGS:
            self.problems.append(
                self.problem(
                    f"{value!r} with the YAML tag {tag.replace(_TAG, '!!')}",
                    event,
                    "remove the tag: plain values (text, numbers, true/false, dates) are expected",
                )
            )
            return None
        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
        try:
            return self.constructors[tag](self.loader, node)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError) as exc:
            kind = tag.removeprefix(_TAG).replace("timestamp", "date")
            text = getattr(exc, "problem", None) or exc
            self.problems.append(
                self.problem(
                    f"found {value!r}",
                    event,
                    f"not a valid {kind} ({text})"
                    + ("; write dates as YYYY-MM-DD" if kind == "date" else ""),
                )
            )
            return None

    def resolve(self, value: str) -> str:
        for tag, regexp in self.resolvers.get(value[:1], self.anywhere):
            if regexp.match(value):
                return str(tag)
        return STR_TAG

    def problem(
        self, found: str, event: Any, expected: str, path: list[Any] | None = None
    ) -> Problem:
        where = path_text(self.path if path is None else path)
        return Problem(self.source, where, found, expected, _line(event))


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1
