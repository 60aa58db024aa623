"""Review commentary: what the service manager writes about a period, shown in its pack.

One plain Markdown file per customer and period beside the catalogue,
``reviews/<customer>/<period>.md`` (the period as ``Period`` prints it: ``2026-10``,
``2026-Q3``). Each ``## `` heading opens a section: a target of the customer in force in the
period (its id, its name or ``agreement/id``) or one of ``Summary``, ``Major incidents`` and
``Next steps``. A ``# `` title may come first; nothing else may stand outside a section.

The Markdown is rendered safely: raw HTML is shown as text, images are not loaded, and a link
is made only to ``http``, ``https`` or ``mailto`` addresses (anything else stays text).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from markupsafe import Markup

from .catalogue import Catalogue, target_title
from .errors import ConfigError, Problem, SlmError
from .paths import reviews_path
from .periods import Period
from .status import Status
from .yamlcheck import read_text

if TYPE_CHECKING:  # markdown-it-py is imported when a review is read (`slm check` stays quick)
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# section key → its heading, and every heading (case and spacing aside) that opens it
SECTIONS = {"summary": "Summary", "majors": "Major incidents", "next_steps": "Next steps"}
SECTION_HEADINGS = {
    "summary": "summary",
    "executive summary": "summary",
    "major incidents": "majors",
    "major incident": "majors",
    "next steps": "next_steps",
    "agreed next steps": "next_steps",
}
UNEXPLAINED = "missed targets without a review comment"  # a data-quality note and a warning
SAFE_LINK = re.compile(r"(https?://|mailto:)", re.IGNORECASE)


class CommentaryError(ConfigError):
    """A review file has one or more mistakes."""

    what = "the review file"


@dataclass(frozen=True)
class Comment:
    """One section of a review file: its heading as written, its line and its Markdown."""

    heading: str
    line: int
    text: str

    @property
    def html(self) -> Markup:
        return render_markdown(self.text)


@dataclass(frozen=True)
class Commentary:
    """A parsed review file: comments per target (key ``agreement/id``) and per section
    (``summary``, ``majors``, ``next_steps``). Sections with no text are left out."""

    source: str
    targets: dict[str, Comment] = field(default_factory=dict)
    sections: dict[str, Comment] = field(default_factory=dict)
    name: str = ""  # where the file belongs, relative to the catalogue's folder
    exists: bool = True
    sha256: str = ""  # of the file's bytes, for the pack's provenance

    def map_text(self, change: Callable[[str], str]) -> Commentary:
        """A copy with ``change`` applied to the Markdown of every comment (redaction)."""

        def each(comments: dict[str, Comment]) -> dict[str, Comment]:
            return {k: replace(c, text=change(c.text)) for k, c in comments.items()}

        return replace(self, targets=each(self.targets), sections=each(self.sections))


@cache
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])  # GitHub's tables and ~~struck~~ text
    md.disable("image")  # a pack loads nothing: `![alt](url)` stays "!" and a link
    md.validateLink = _safe_link  # type: ignore[method-assign]
    return md


def _safe_link(url: str) -> bool:
    """Links only to http(s) and mailto addresses (checked after markdown-it has decoded
    entities and escapes); ``javascript:``, ``data:``, relative links … stay text."""
    return SAFE_LINK.match(url) is not None


def render_markdown(text: str) -> Markup:
    """Markdown as trusted HTML: raw HTML escaped, no images, links to http(s)/mailto only."""
    return Markup(_markdown().render(text))


def review_file(catalogue: Path, customer: str, period: Period | str) -> tuple[str, Path]:
    """The review file of ``customer`` and ``period`` read with the catalogue at ``catalogue``
    (in the workspace's reviews folder, ``paths.reviews_path``): its name as packs and
    ``slm check`` show it (relative to the catalogue's folder when inside it) and its path."""
    path = reviews_path(catalogue) / customer / f"{period}.md"
    base = catalogue.absolute().parent
    inside = path.absolute().is_relative_to(base)
    return (path.absolute().relative_to(base).as_posix() if inside else str(path)), path


def load_commentary(cat: Catalogue, customer: str, period: Period) -> Commentary:
    """The review file of ``customer`` and ``period`` (``review_file``), parsed against
    the customer's targets in force in the period; an empty ``Commentary`` (``exists`` False)
    when there is none, or when the catalogue was not read from a file."""
    name, path = review_file(Path(cat.source), customer, period)
    if not Path(cat.source).is_file() or not path.is_file():
        return Commentary(str(path), name=name, exists=False)
    try:
        text = read_text(path, CommentaryError)
    except UnicodeDecodeError as exc:
        raise CommentaryError(
            [Problem(str(path), "file", f"not UTF-8 text ({exc.reason})", "save it as UTF-8")]
        ) from None
    found = parse_review(text, str(path), target_names(cat, customer, period))
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()  # read_text keeps the bytes as read
    return Commentary(found.source, found.targets, found.sections, name=name, sha256=sha)


def review_files(cat: Catalogue) -> list[tuple[str, Path]]:
    """Every ``<folder>/<name>.md`` in the reviews folder of the catalogue's workspace
    (``paths.reviews_path``), as (folder, path), in name order; none when the catalogue was
    not read from a file."""
    root = reviews_path(Path(cat.source))
    if not Path(cat.source).is_file() or not root.is_dir():
        return []
    return [(f.parent.name, f) for f in sorted(root.glob("*/*.md")) if f.is_file()]


def file_problems(cat: Catalogue, folder: str, path: Path) -> list[tuple[str, Problem]]:
    """What is wrong with one review file found beside the catalogue, as (level, problem):
    the mistakes of its text are errors (its pack would not render); a folder that is not a
    customer or a name that is not a period as slm prints it are warnings (no pack reads it)."""
    if folder not in cat.customers_by_id:
        known = ", ".join(c.id for c in cat.customers)
        found = f"{folder!r} is not a customer, so no pack reads it"
        expected = f"name the folder after a customer id: {known}"
        return [("warning", Problem(str(path), "folder", found, expected))]
    try:
        period = Period.parse(path.stem)
    except SlmError:
        period = None
    if period is None or str(period) != path.stem:
        found = f"{path.name!r} is not a period as slm prints it, so no pack reads it"
        expected = f"rename it to {period}.md" if period else "name it e.g. 2026-10.md, 2026-Q3.md"
        return [("warning", Problem(str(path), "file name", found, expected))]
    try:
        load_commentary(cat, folder, period)
    except CommentaryError as exc:
        return [("error", problem) for problem in exc.problems]
    return []


def target_names(cat: Catalogue, customer: str, period: Period) -> dict[str, str]:
    """``agreement/id`` → display name of each of the customer's targets in force in
    ``period``."""
    return {
        f"{a.id}/{t.id}": target_title(cat, t, t.services or a.services)
        for a, t in cat.targets_for(customer, period)
    }


def parse_review(text: str, source: str, targets: Mapping[str, str]) -> Commentary:
    """Split a review file into its sections. ``targets`` maps each valid target key
    (``agreement/id``) to its display name; a heading may give the key, the id or the name.
    Every mistake (an unknown or ambiguous heading, a section given twice, text outside a
    section) is listed in one ``CommentaryError``."""
    lines = text.removeprefix("\ufeff").splitlines()
    tokens = _markdown().parse("\n".join(lines))
    # (token index, first line, line after the heading) of every top-level heading
    heads = [(i, t.tag, t.map[0], t.map[1]) for i, t in enumerate(tokens)
             if t.type == "heading_open" and t.level == 0 and t.map]  # fmt: skip
    sections = [(i, start, after) for i, tag, start, after in heads if tag == "h2"]
    problems = _outside(tokens, sections[0][1] if sections else len(lines), source)
    index = _heading_index(targets)
    seen: dict[str, Comment] = {}
    found = Commentary(source)
    ends = [start for _, start, _ in sections[1:]] + [len(lines)] * bool(sections)
    for (i, start, after), end in zip(sections, ends, strict=True):
        heading = tokens[i + 1].content.strip()
        key = _resolve(heading, index, targets, source, start + 1, problems)
        if key is None:
            continue
        if key in seen:
            problems.append(_twice(source, heading, start + 1, seen[key]))
            continue
        body = "\n".join(lines[after:end]).strip()
        seen[key] = comment = Comment(heading, start + 1, body)
        if body:
            (found.sections if key in SECTIONS else found.targets)[key] = comment
    if problems:
        raise CommentaryError(sorted(problems, key=lambda p: p.line or 0))
    return found


def _outside(tokens: list[Token], first_section: int, source: str) -> list[Problem]:
    """Text before the first section other than a ``#`` title, and ``#`` headings elsewhere."""
    problems = []
    blocks = [(t.tag, t.map[0]) for t in tokens if t.level == 0 and t.map and t.nesting >= 0]
    for k, (tag, line) in enumerate(blocks):
        if tag == "h2" or (tag == "h1" and k == 0):
            continue
        if tag == "h1":
            found, expected = "a '#' heading", "use '##' for a section and '###' inside one"
        elif line < first_section:
            found = "text before the first '##' section"
            expected = "move it under a section such as '## Summary'"
        else:
            continue
        problems.append(Problem(source, "layout", found, expected, line=line + 1))
    return problems


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _heading_index(targets: Mapping[str, str]) -> dict[str, set[str]]:
    """Every accepted heading (normalised) → the keys it may mean."""
    index: dict[str, set[str]] = {h: {key} for h, key in SECTION_HEADINGS.items()}
    for key, name in targets.items():
        for h in (key, key.split("/", 1)[1], name):
            index.setdefault(_norm(h), set()).add(key)
    return index


def _resolve(
    heading: str,
    index: dict[str, set[str]],
    targets: Mapping[str, str],
    source: str,
    line: int,
    problems: list[Problem],
) -> str | None:
    """The key a heading means; None (and a problem) when it means none or several."""
    keys = index.get(_norm(heading), set())
    if len(keys) == 1:
        return next(iter(keys))
    where = f"section '## {heading}'"
    if keys:
        options = ", ".join(sorted(keys))
        problems.append(
            Problem(
                source,
                where,
                f"names several targets ({options})",
                "write the target as agreement/id",
                line=line,
            )
        )
    else:
        problems.append(
            Problem(
                source,
                where,
                "is neither a target in force in the period nor a section",
                f"use one of: {valid_headings(targets)}",
                line=line,
            )
        )
    return None


def _twice(source: str, heading: str, line: int, first: Comment) -> Problem:
    return Problem(
        source,
        f"section '## {heading}'",
        f"is the same section as '## {first.heading}' on line {first.line}",
        "write each target or section once",
        line=line,
    )


def valid_headings(targets: Mapping[str, str]) -> str:
    """The headings a review file may use, for messages: ``id (name)``, then the sections."""
    named = [f"{k.split('/', 1)[1]} ({name})" for k, name in targets.items()]
    return ", ".join([*named, *SECTIONS.values()])


def unexplained(current: pd.DataFrame, commentary: Commentary | None) -> pd.DataFrame:
    """The rows of an attainment table (``agreement``, ``id``, ``status``) that are *Missed*
    and have no comment in ``commentary``."""
    keys = current["agreement"] + "/" + current["id"]
    explained = keys.isin(list(commentary.targets) if commentary else [])
    return current[(current["status"] == Status.MISSED) & ~explained].reset_index(drop=True)


def unexplained_note(missed: pd.DataFrame, commentary: Commentary) -> str:
    """What the pack's data-quality notes and ``slm check`` say of missed targets with no
    comment: their names and ids, and where to write the reasons."""
    names = ", ".join(f"{r['name']} ({r['id']})" for _, r in missed.iterrows())
    where = commentary.name if commentary.exists else f"a new file {commentary.name}"
    beside = "" if Path(commentary.name).is_absolute() else " beside the catalogue"
    return (
        f"{names}: write the reason for each miss under a '## <target id or name>' heading "
        f"in {where}{beside}"
    )
