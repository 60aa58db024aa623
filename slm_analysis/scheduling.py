"""Production runs: which packs a run renders (``--all``, ``--shard i/n``) and the index page of
each period, rebuilt from what is published.

Shards are numbered from 0, like Kubernetes' ``JOB_COMPLETION_INDEX``: ``--shard 0/4`` to
``--shard 3/4``. Shard ``i`` of ``n`` takes every ``n``-th customer id of the catalogue, sorted,
starting at the ``i``-th — so the shards partition ``--all`` exactly, their sizes differ by at
most one, and a customer's shard depends only on the catalogue's ids (not on the period or the
clock). All shards of a run must read the same catalogue.

The index of a period (``reports/index-<period>.html``) lists every pack published under
``reports/<customer>/<period>/``, read from the packs' manifests, so shards that render on
different machines into one shared folder each leave a correct index behind (see
``write_index``).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .paths import TEMPLATE_DIR, inside

if TYPE_CHECKING:
    from .catalogue import Catalogue

SHARD = re.compile(r"(\d+)/(\d+)")
INDEX_TEMPLATE = "period.html.j2"
INDEX_ATTEMPTS = 5  # rebuilds of an index while other writers keep publishing under it
PACK_FILES = ("service_review.html", "service_review.pdf", "manifest.json")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (0-based) of ``count``."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"2/4"`` → ``Shard(2, 4)``; an ``InputError`` saying how to write it otherwise."""
        m = SHARD.fullmatch(text.strip())
        fix = (
            "give I/N with 0 <= I < N, shards numbered from 0 like Kubernetes' "
            "JOB_COMPLETION_INDEX (e.g. --shard 0/4 … --shard 3/4)"
        )
        if not m:
            raise InputError(f"--shard {text!r} is not of the form I/N; {fix}")
        index, count = int(m.group(1)), int(m.group(2))
        if count < 1 or index >= count:
            raise InputError(f"--shard {text!r} has no shard {index} of {count}; {fix}")
        return cls(index, count)

    def pick(self, customers: Iterable[str], every: Iterable[str]) -> list[str]:
        """The ``customers`` (in their order) that fall in this shard of the ids ``every``."""
        mine = set(sorted(every)[self.index :: self.count])
        return [c for c in customers if c in mine]

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def customers_to_render(cat: Catalogue, period: str, shard: Shard | None = None) -> list[str]:
    """``--all``: every customer with an agreement in force in ``period`` (resolved in the
    customer's own zone), in catalogue order; with ``shard``, only that shard's."""
    from .measures import resolve_period

    ids = [c.id for c in cat.customers]
    in_force = [c for c in ids if cat.agreements_for(c, resolve_period(cat, c, period))]
    return shard.pick(in_force, ids) if shard else in_force


# ---------------------------------------------------------------------------- index
@dataclass(frozen=True)
class Published:
    """One published pack, as its manifest describes it (paths relative to the reports root)."""

    customer: str
    name: str
    status: str | None
    html: str
    pdf: str | None
    finished_at: str


def index_path(reports: Path, period: str) -> Path:
    """``reports/index-<period>.html`` (customer ids hold no dot, so no customer folder can
    take that name)."""
    return inside(reports, f"index-{period}.html")


def published(reports: Path, period: str) -> list[Published]:
    """Every pack of ``period`` published under ``reports``, by customer id."""
    root = reports.resolve()
    if not root.is_dir():
        return []
    packs = []
    for folder in sorted(root.iterdir()):
        pack = folder / period
        if folder.name[:1] in "._" or not (pack / PACK_FILES[0]).is_file():
            continue  # staging, replaced and failed packs are not published
        summary = _summary(pack / PACK_FILES[2])
        packs.append(
            Published(
                customer=folder.name,
                name=str(summary.get("customer_name") or folder.name),
                status=summary.get("overall"),
                html=f"{folder.name}/{period}/{PACK_FILES[0]}",
                pdf=f"{folder.name}/{period}/{PACK_FILES[1]}"
                if (pack / PACK_FILES[1]).is_file()
                else None,
                finished_at=str(summary.get("finished_at") or ""),
            )
        )
    return packs


def _summary(manifest: Path) -> dict[str, str]:
    """The manifest's ``summary`` block and finish time; empty for a manifest that is missing,
    unreadable or from a version without one (the index then shows no status). Read once per
    version of the file: the index is rebuilt after every pack of a run."""
    try:
        st = manifest.stat()
    except OSError:
        return {}
    return dict(_summary_of(str(manifest), st.st_ino, st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=4096)
def _summary_of(manifest: str, inode: int, mtime_ns: int, size: int) -> dict[str, str]:
    """``_summary`` of the manifest file as it is (a published pack's is replaced, never
    changed in place: a new inode, time and size)."""
    try:
        data = json.loads(Path(manifest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    summary = data.get("summary")
    out = (
        {k: v for k, v in summary.items() if isinstance(v, str)}
        if isinstance(summary, dict)
        else {}
    )
    if isinstance(data.get("finished_at"), str):
        out["finished_at"] = data["finished_at"]
    return out


def render_index(period: str, packs: list[Published]) -> str:
    """The index page: self-contained HTML (the pack's stylesheet inlined, no script), every
    value from the manifests escaped by the template."""
    from .periods import Period
    from .status import RAG, Status

    env, css = _index_template()
    words = {str(s): RAG[s] for s in Status}
    counts = {w: sum(p.status == w for p in packs) for w in words}
    try:
        label = Period.parse(period).label()
    except InputError:  # a period folder named otherwise: show it as it is
        label = period
    return str(
        env.get_template(INDEX_TEMPLATE).render(
            period=period,
            label=label,
            packs=packs,
            rag=words,
            counts={w: n for w, n in counts.items() if n},
            css=css,
        )
    )


@cache
def _index_template() -> tuple[Any, str]:
    """The index page's Jinja environment and the pack's stylesheet, made once per process."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR / "index"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    return env, (TEMPLATE_DIR / "pack" / "pack.css").read_text(encoding="utf-8")


def write_index(reports: str | os.PathLike[str], period: str) -> Path:
    """Rebuild ``reports/index-<period>.html`` from the packs published now, atomically (a
    reader sees the old page or the new one, never half of one).

    Other runs may publish under the same folder meanwhile (shards on other machines). After
    writing, the packs are listed again; when the list changed, the page is written again. So
    the last index written was checked against the folder after it was written: a pack
    published before that check is in it, and a pack published after it is followed by its own
    run's rebuild."""
    root = Path(reports).resolve()
    target = index_path(root, period)
    for _ in range(INDEX_ATTEMPTS):
        packs = published(root, period)
        _write_atomically(target, render_index(period, packs))
        if published(root, period) == packs:
            break
    return target


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = [
    "Published",
    "Shard",
    "customers_to_render",
    "index_path",
    "published",
    "render_index",
    "write_index",
]
