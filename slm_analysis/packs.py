"""Render service review packs: execute the notebook → gate errors → offline HTML → manifest.

A pack is published only when every cell ran without error: the notebook is executed into a
staging folder, checked, rendered, and then moved into ``reports/<customer>/<period>/`` in one
rename. A failed run leaves the published pack (if any) untouched and keeps the failed notebook
under ``reports/_failed/`` for debugging.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape as html_unescape
from html.parser import HTMLParser
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor

from . import __version__
from .catalogue import load_catalogue
from .commentary import load_commentary
from .defaults import PLOTLY_MIME
from .errors import InputError, RenderError, SlmError, first_lines
from .measures import period_window
from .paths import DEFAULT_TEMPLATE, TEMPLATE_DIR, catalogue_path, db_path, inside, reports_path
from .periods import Period
from .warehouse import session

# attributes whose value a browser fetches; `href` too, on every element but the links a reader
# follows (<a>, <area>)
FETCHED = {"src", "srcset", "imagesrcset", "poster", "data", "background", "action",
           "formaction", "xlink:href", "icon", "manifest", "href"}  # fmt: skip
FOLLOWED = {"a", "area"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(?:url\()?\s*['"]?([^'")\s;]+)""",
                     re.IGNORECASE)  # fmt: skip
CSS_IMAGE_SET = re.compile(r"image-set\(([^)]*)\)", re.IGNORECASE)
CSS_STRING = re.compile(r"""(['"])(.*?)\1""")
CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", re.DOTALL)
META_REFRESH_URL = re.compile(r"""url\s*=\s*['"]?([^'"]+)""", re.IGNORECASE)


class _References(HTMLParser):
    """Every reference a browser would fetch from a page, outside its scripts: URL-bearing
    attributes (``src``, ``srcset``, ``poster``, ``href`` of ``<link>`` …) and CSS ``url(…)``
    and ``@import`` in ``<style>`` and ``style=""``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = tag == "style"
        given = {name: value for name, value in attrs if value is not None}
        for name, value in given.items():
            if name == "href" and tag in FOLLOWED:
                continue
            if name in FETCHED:
                self.found += _srcset_urls(value) if "srcset" in name else [value]
            elif name == "style":
                self._css(value)
            elif name == "srcdoc":  # a document of its own
                self.found += external_references(value)
        if tag == "meta" and given.get("http-equiv", "").lower() == "refresh":
            self.found += META_REFRESH_URL.findall(given.get("content", ""))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if self._style:
            self._css(data)

    def _css(self, text: str) -> None:
        text = CSS_ESCAPE.sub(_css_unescaped, text)
        for m in CSS_URL.finditer(text):
            self.found.append(m.group(2) if m.group(2) is not None else m.group(3))
        for m in CSS_IMAGE_SET.finditer(text):
            self.found += [s for _, s in CSS_STRING.findall(m.group(1))]


def _css_unescaped(m: re.Match[str]) -> str:
    """A CSS escape (``\\75 `` or ``\\u``) as the character it stands for."""
    if m.group(1):
        code = int(m.group(1), 16)
        return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
    return m.group(2)


def _srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` (HTML's parsing: a URL runs to whitespace, a candidate to the
    next comma), so a ``data:`` URI with commas stays whole."""
    urls, i, n = [], 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        j = i
        while j < n and not value[j].isspace():
            j += 1
        url = value[i:j]
        if url.endswith(","):
            url, i = url.rstrip(","), j
        else:
            i = value.find(",", j)
            i = n if i < 0 else i + 1
        if url:
            urls.append(url)
    return urls


def external_references(html: str) -> list[str]:
    """The references of a page that are neither ``data:`` URIs nor in-document (``#…``): each
    would make an offline pack fetch something (or fail to)."""
    parser = _References()
    parser.feed(html)
    parser.close()
    return [u for u in parser.found if u.strip() and not u.strip().startswith(("data:", "#"))]


class IPCKernelManager(AsyncKernelManager):
    """Kernel over local IPC sockets in a private temp folder: no TCP ports, no port races
    between parallel renders, no "running over TCP without encryption" warning."""

    def __init__(self, **kwargs: Any) -> None:
        self._socket_dir = tempfile.mkdtemp(prefix="slm-kernel-")
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", str(Path(self._socket_dir) / "kernel"))
        super().__init__(**kwargs)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources


@dataclass
class PackResult:
    customer: str
    period: str
    ok: bool
    html: str | None = None
    pdf: str | None = None
    notebook: str | None = None
    manifest: str | None = None
    error: str | None = None
    seconds: float = 0.0
    charts: int = 0
    exit_code: int = 0  # of a failed pack: 1 when the run failed, 2 for bad input (a period
    # after the data, an unknown customer)
    status: str | None = None  # the pack's overall status word (Met, Missed, …)
    extra: dict[str, Any] = field(default_factory=dict)


BASIC_BUNDLE = TEMPLATE_DIR / "pack" / "plotly-basic-4.1.1.min.js"
BASIC_TRACES = {"scatter", "bar", "pie"}


def plotly_bundle(trace_types: set[str]) -> str:
    """The smallest plotly.js that draws ``trace_types``: the shipped basic bundle (1.2 MB:
    scatter, bar, pie) when it matches plotly.py's own version, else the full one (4.8 MB)."""
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    basic_version = BASIC_BUNDLE.name.removeprefix("plotly-basic-").removesuffix(".min.js")
    if trace_types <= BASIC_TRACES and basic_version == get_plotlyjs_version():
        return BASIC_BUNDLE.read_text(encoding="utf-8")
    return str(get_plotlyjs())


class PlotlyOfflinePreprocessor(Preprocessor):
    """Turn plotly mimetype outputs into static divs; plotly.js goes once into <head>."""

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        import plotly.io as pio

        count = 0
        traces: set[str] = set()
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            kept = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    continue  # warnings stay in the executed notebook, not in the pack
                data = out.get("data", {})
                if PLOTLY_MIME in data:
                    count += 1
                    traces |= {t.get("type", "scatter") for t in data[PLOTLY_MIME].get("data", [])}
                    html = pio.to_html(
                        data[PLOTLY_MIME],
                        full_html=False,
                        include_plotlyjs=False,
                        include_mathjax=False,
                        div_id=f"slm-chart-{count}",
                        config={"displaylogo": False, "responsive": True},
                        validate=False,  # the kernel's plotly built it: checking again costs
                    )  # 0.1 s a chart
                    out["data"] = {"text/html": html}
                kept.append(out)
            cell["outputs"] = kept
        resources["plotly_js"] = plotly_bundle(traces) if count else ""
        resources["slm_charts"] = count
        return nb, resources


class TocPreprocessor(Preprocessor):
    """Collect the markdown ``##`` headings into ``resources['toc']``, each with the id nbconvert
    gives its heading, and mark the cells the template puts the contents before (the first
    section) and a printed page break before (the second: page 1 is the cover and the first
    section, the executive summary)."""

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        toc = []
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    title = line[3:].strip()
                    toc.append({"title": title, "anchor": heading_id(title)})
                    if len(toc) <= 2:
                        cell.metadata["slm_starts"] = "contents" if len(toc) == 1 else "page"
        resources["toc"] = toc
        return nb, resources


def heading_id(title: str) -> str:
    """The ``id`` nbconvert gives a markdown heading of plain text ``title``."""
    from markupsafe import escape
    from nbconvert.filters.strings import add_anchor

    found = re.search(r' id="([^"]*)"', add_anchor(f"<h2>{escape(title)}</h2>"))
    return html_unescape(found.group(1)) if found else ""


def render_pack(
    customer: str,
    period: str | Period,
    *,
    warehouse: str | Path | None = None,
    catalogue: str | Path | None = None,
    reports: str | Path | None = None,
    template: str | Path | None = None,
    pdf: bool = False,
    paper: str = "A4",
    timeout: int = 600,
    as_of: str | None = None,
    redact_people: bool = False,
) -> PackResult:
    """Execute and render one pack; raises ``RenderError`` (nothing published) on failure.
    ``pdf``: also print it to PDF on ``paper`` (``PAPERS``).
    ``as_of``: the instant the exports are complete to (ISO 8601), see ``open_review``.
    ``redact_people``: person names replaced by stable pseudonyms (``redact``)."""
    _check_positive(timeout=timeout)
    started = datetime.now(UTC)
    cat_path = catalogue_path(catalogue).resolve()
    db = db_path(warehouse).resolve()
    cat = load_catalogue(cat_path)
    cat.customer(customer)
    if not db.exists():
        raise RenderError(f"warehouse {db} does not exist; run `slm load` or `slm demo` first")
    with session(db, read_only=True) as con:  # a period after the data is refused up front
        p, moment, _ = period_window(con, cat, customer, period, as_of=as_of)
    if not cat.agreements_for(customer, p):
        raise RenderError(
            f"customer {customer!r} has no agreement in force in {p}; nothing to render"
        )
    review = load_commentary(cat, customer, p)  # a broken review file fails before the run
    tpl = Path(template) if template else DEFAULT_TEMPLATE
    _check_template(tpl)
    root = reports_path(reports).resolve()
    final = inside(root, customer, str(p))
    _remove_stale_staging(final.parent)
    staging = inside(root, customer, f"{STAGING}{p}-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        staging.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # --reports names a file, or a folder that cannot be written
        raise InputError(
            f"cannot make the folder {staging.parent} for the pack ({exc.strerror}); give "
            "--reports (or SLM_REPORTS) a folder you can write"
        ) from None
    executed = staging / "service_review.ipynb"
    params: dict[str, Any] = {
        "customer": customer,
        "period": str(p),
        "warehouse": str(db),
        "catalogue": str(cat_path),
        "as_of": moment.isoformat() if as_of else "",
        "redact_people": redact_people,
    }
    try:
        _execute(tpl, executed, params, timeout, root, customer, p)
        nb = nbformat.read(executed, as_version=4)
        _gate(nb, executed, root, customer, p)
        html, charts = _to_html(nb, tpl, started)
        problems = external_references(html)  # scripts (plotly.js among them) are not read
        if problems:
            raise RenderError(
                f"pack for {customer} {p} not published: it refers to {len(problems)} "
                f"resource(s) outside itself ({', '.join(repr(x) for x in problems[:3])}); "
                "packs must be self-contained — embed them as data: URIs or remove them from "
                "the template"
            )
        html_path = staging / "service_review.html"
        html_path.write_text(html, encoding="utf-8")
        pdf_path = None
        if pdf:
            pdf_path = staging / "service_review.pdf"
            print_pdf(html_path, pdf_path, paper)
        finished = datetime.now(UTC)
        manifest = _manifest(
            params,
            tpl,
            cat_path,
            db,
            customer,
            started,
            finished,
            [executed, html_path, *([pdf_path] if pdf_path else [])],
            charts,
        )
        status = overall_status(nb)
        manifest["summary"] = {
            "customer_name": cat.customer(customer).name,
            "period_label": p.label(),
            "overall": status,
        }
        if review.exists:
            manifest["inputs"]["review"] = {"file": review.name, "sha256": review.sha256}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        _publish(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return PackResult(
        customer,
        str(p),
        True,
        html=str(final / "service_review.html"),
        pdf=str(final / "service_review.pdf") if pdf else None,
        notebook=str(final / "service_review.ipynb"),
        manifest=str(final / "manifest.json"),
        seconds=(datetime.now(UTC) - started).total_seconds(),
        charts=charts,
        status=status,
    )


def _check_template(tpl: Path) -> None:
    """An ``InputError`` (bad input, exit 2) unless ``tpl`` is a notebook file (JSON with cells)."""
    if not tpl.exists():
        raise InputError(f"notebook template {tpl} not found; pass --template PATH")
    try:
        notebook = json.loads(tpl.read_bytes())
    except (OSError, ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not JSON"
        raise InputError(
            f"notebook template {tpl} is not a Jupyter notebook ({why}); pass --template "
            "a .ipynb file (the default is notebooks/service_review.ipynb)"
        ) from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise InputError(
            f"notebook template {tpl} is JSON but not a Jupyter notebook (no cells); pass "
            "--template a .ipynb file (the default is notebooks/service_review.ipynb)"
        )


def render_many(
    jobs: list[tuple[str, str]],
    *,
    workers: int = 1,
    on_result: Callable[[PackResult], None] | None = None,
    **kwargs: Any,
) -> list[PackResult]:
    """Render several packs; one failing pack never stops the others. ``on_result`` is called
    with each result as its pack finishes (in the calling process); the results come back in
    the order of ``jobs``. Afterwards the index page of each period with a published pack is
    rebuilt (``scheduling.write_index``) — after each published pack, so that an interrupted
    run leaves an index of the packs it published, and once more at the end."""
    _check_positive(workers=workers, timeout=kwargs.get("timeout", 1))
    report = on_result or (lambda _: None)
    results: list[PackResult] = []

    def finished(r: PackResult) -> None:
        with contextlib.suppress(RenderError):  # the rebuild after the run reports it
            _rebuild_indexes([r], kwargs.get("reports"))  # the index lists it at once
        report(r)

    if workers <= 1 or len(jobs) <= 1:
        for c, p in jobs:
            results.append(_safe_render(c, p, kwargs))
            finished(results[-1])
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:  # forks them all
            futures = {pool.submit(_safe_render, c, p, kwargs): i for i, (c, p) in enumerate(jobs)}
            done: dict[int, PackResult] = {}
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                finished(done[futures[future]])
            results = [done[i] for i in range(len(jobs))]
    _rebuild_indexes(results, kwargs.get("reports"))
    return results


def _rebuild_indexes(results: list[PackResult], reports: str | Path | None) -> None:
    from .scheduling import index_path, write_index

    root = reports_path(reports)
    for period in dict.fromkeys(r.period for r in results if r.ok):
        try:
            write_index(root, period)
        except OSError as exc:
            raise RenderError(
                f"the packs are published but the index {index_path(root.resolve(), period)} "
                f"could not be written ({exc.strerror or exc}); make its folder writable and "
                "render again"
            ) from None


def _check_positive(**numbers: int) -> None:
    """An ``InputError`` for a count or number of seconds below 1 (``--jobs 0``)."""
    for name, value in numbers.items():
        if value < 1:
            raise InputError(f"{name} is {value}; give a whole number of at least 1")


def _safe_render(customer: str, period: str, kwargs: dict[str, Any]) -> PackResult:
    started = time.monotonic()
    try:
        return render_pack(customer, period, **kwargs)
    except SlmError as exc:
        failed = PackResult(customer, str(period), False, error=str(exc), exit_code=exc.exit_code)
    except Exception as exc:  # a bug must not stop the other customers' packs either
        failed = PackResult(
            customer,
            str(period),
            False,
            error=f"pack for {customer} {period} not published: internal error "
            f"{type(exc).__name__}: {exc}",
            exit_code=1,
        )
    failed.seconds = time.monotonic() - started
    return failed


def _execute(
    tpl: Path, out: Path, params: dict[str, Any], timeout: int, root: Path, customer: str, p: Period
) -> None:
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    env_renderer = os.environ.pop("PLOTLY_RENDERER", None)
    try:
        pm.execute_notebook(
            str(tpl),
            str(out),
            parameters=params,
            kernel_name="python3",
            language="python",
            progress_bar=False,
            execution_timeout=timeout,
            cwd=str(tpl.parent),
            kernel_manager_class=IPCKernelManager,
            # stop the kernel at once afterwards (a graceful shutdown sometimes logs a
            # KeyboardInterrupt from the kernel and can take seconds)
            shutdown_kernel="immediate",
            # write the executed notebook once at the end (and on a failing cell), not twice
            # per cell: ~60 saves of a growing 0.3 MB notebook cost seconds per pack
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as exc:
        kept = _keep_failed(out, root, customer, p)
        raise RenderError(
            f"pack for {customer} {p} not published: cell {exc.exec_count} failed with "
            f"{exc.ename}: {exc.evalue}. The executed notebook is kept at {kept}"
        ) from None
    except CellTimeoutError as exc:
        cell = _timed_out_cell(str(exc))
        raise RenderError(
            f"pack for {customer} {p} not published: a cell ran longer than {timeout} s "
            f"({cell}); raise --timeout, or run the notebook in JupyterLab to see why it is slow"
        ) from None
    except Exception as exc:  # kernel death, missing kernel, bad notebook
        raise RenderError(
            f"pack for {customer} {p} not published: the notebook could not run "
            f"({type(exc).__name__}: {first_lines(exc)}); "
            "check that the .venv is complete (`make install`)"
        ) from None
    finally:
        if env_renderer is not None:
            os.environ["PLOTLY_RENDERER"] = env_renderer


def _timed_out_cell(message: str) -> str:
    """The first line of the cell that nbclient's timeout message previews."""
    preview = message.split("-------------------")
    lines = preview[1].strip().splitlines() if len(preview) > 2 else []
    return f"`{lines[0]}`" if lines else "cell unknown"


def _gate(nb: Any, executed: Path, root: Path, customer: str, p: Period) -> None:
    """Refuse a notebook whose run recorded an exception or any error output."""
    meta = nb.metadata.get("papermill", {})
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    if meta.get("exception") or errors:
        kept = _keep_failed(executed, root, customer, p)
        detail = f"{errors[0].get('ename')}: {errors[0].get('evalue')}" if errors else "exception"
        raise RenderError(
            f"pack for {customer} {p} not published: the notebook recorded an error "
            f"({detail}); see {kept}"
        )


OVERALL = re.compile(r'class="overall".*?<span class="rag[^"]*">([^<]+)</span>', re.DOTALL)


def overall_status(nb: Any) -> str | None:
    """The overall status word the executed pack shows in its executive summary (None when it
    shows none), read from the notebook so the index says what the pack says."""
    from .status import Status

    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            found = OVERALL.search(out.get("data", {}).get("text/html", ""))
            if found:
                word = html_unescape(found.group(1))
                return word if word in set(Status) else None
    return None


def _keep_failed(executed: Path, root: Path, customer: str, p: Period) -> Path:
    dest = inside(root, FAILED, f"{customer}-{p}.ipynb")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if executed.exists():
        shutil.copyfile(executed, dest)
    return dest


def _to_html(nb: Any, tpl: Path, started: datetime) -> tuple[str, int]:
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"notebook-only"}
    exporter = HTMLExporter(
        config=config,
        template_name="pack",
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=False,  # headings keep their ids: the contents link to them
    )
    exporter.register_preprocessor(PlotlyOfflinePreprocessor(), enabled=True)
    exporter.register_preprocessor(TocPreprocessor(), enabled=True)
    nb.metadata["title"] = "Service review"
    resources = {
        "metadata": {"name": "Service review", "path": str(tpl.parent)},
        "slm_version": __version__,
        "slm_generated": f"{started:%Y-%m-%d %H:%M} UTC",
    }
    body, res = exporter.from_notebook_node(nb, resources=resources)
    return body, int(res.get("slm_charts", 0))


STAGING = ".staging-"  # a pack being rendered: .staging-<period>-<pid>-<random>
REPLACED = ".old-"  # a published pack being replaced: .old-<period>-<random>
FAILED = "_failed"  # failed notebooks, kept for debugging (ids cannot start with "_")
STALE_AFTER = 24 * 3600  # seconds after which a staging folder of an unknown process is stale


def _remove_stale_staging(folder: Path) -> None:
    """Tidy what a render that was killed left behind: staging folders whose process is gone
    (same host) or that are more than a day old; replaced packs (``_publish``) once their
    successor is in place — and, when the kill came between the two renames, the replaced pack
    put back, so a published pack never stays missing."""
    if not folder.is_dir():
        return
    for old in folder.glob(f"{STAGING}*"):
        pid = old.name.rsplit("-", 2)[-2] if old.name.count("-") >= 2 else ""
        if not _running(pid) or time.time() - old.stat().st_mtime > STALE_AFTER:
            shutil.rmtree(old, ignore_errors=True)
    for old in sorted(folder.glob(f"{REPLACED}*"), key=lambda p: p.stat().st_mtime, reverse=True):
        final = folder / old.name.removeprefix(REPLACED).rsplit("-", 1)[0]
        if not final.exists():
            with contextlib.suppress(OSError):  # another render published it meanwhile
                old.rename(final)
                continue
        shutil.rmtree(old, ignore_errors=True)


def _running(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _publish(staging: Path, final: Path) -> None:
    """Swap the staged pack into place; the old one is removed only after the swap."""
    old = None
    if final.exists():
        old = final.with_name(f"{REPLACED}{final.name}-{uuid.uuid4().hex[:8]}")
        final.rename(old)
    staging.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "slm-workbench": __version__}
    for pkg in ("duckdb", "pandas", "plotly", "papermill", "nbconvert", "holidays"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:  # pragma: no cover
            out[pkg] = "unknown"
    return out


def _manifest(
    params: dict[str, Any],
    tpl: Path,
    cat_path: Path,
    db: Path,
    customer: str,
    started: datetime,
    finished: datetime,
    outputs: list[Path],
    charts: int,
) -> dict[str, Any]:
    from .warehouse import query

    with session(db, read_only=True) as con:
        loads = query(con, "review_loads", {"customer": customer})
    return {
        "parameters": {**params, "warehouse": db.name, "catalogue": cat_path.name},
        "template": {"path": tpl.name, "sha256": _sha256(tpl)},
        "inputs": {
            "catalogue": {"file": cat_path.name, "sha256": _sha256(cat_path)},
            "exports": [
                {
                    "file": r["file"],
                    "format": r["format"],
                    "sha256": r["sha256"],
                    "rows": int(r["rows_loaded"]),
                }
                for r in loads.to_dict(orient="records")
            ],
        },
        "outputs": [
            {"file": o.name, "sha256": _sha256(o), "bytes": o.stat().st_size} for o in outputs
        ],
        "charts": charts,
        "versions": _versions(),
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": finished.isoformat(timespec="seconds"),
    }


# Chromium on a closed network, as root in CI: no sandbox, no GPU, no background traffic
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def find_chromium() -> str | None:
    """The distribution's Chromium (``$SLM_CHROMIUM`` overrides)."""
    for candidate in (
        os.environ.get("SLM_CHROMIUM"),
        "chromium",
        "chromium-browser",
        "google-chrome",
    ):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


PAPERS = {"A4": "A4", "Letter": "letter"}  # --paper → CSS page size


def print_pdf(html: Path, pdf: Path, paper: str = "A4") -> None:
    """Print the pack to PDF on ``paper`` with headless Chromium (no network, no download).
    The pack's stylesheet sets A4 pages (a reader printing it chooses their own paper); for
    another paper a copy of the pack with that page size is printed."""
    if paper not in PAPERS:
        raise InputError(f"paper {paper!r} is not one of {', '.join(PAPERS)}")
    if paper != "A4":
        page = f"<style>@page {{ size: {PAPERS[paper]}; }}</style></head>"
        sized = html.with_name(f".{paper}-{html.name}")
        sized.write_text(html.read_text(encoding="utf-8").replace("</head>", page, 1), "utf-8")
        try:
            print_pdf(sized, pdf)
        finally:
            sized.unlink(missing_ok=True)
        return
    exe = find_chromium()
    if exe is None:
        raise RenderError(
            "--pdf needs Chromium: install the distribution's package "
            "(`sudo apt-get install chromium`) or set SLM_CHROMIUM to its path"
        )
    cmd = [
        exe,
        "--headless",
        *CHROMIUM_FLAGS,
        "--no-pdf-header-footer",
        "--generate-pdf-document-outline",  # bookmarks: the headings, as in the contents
        "--virtual-time-budget=15000",
        f"--user-data-dir={pdf.parent / '.chromium'}",
        f"--print-to-pdf={pdf}",
        html.resolve().as_uri(),
    ]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise RenderError(f"Chromium could not print {html.name} to PDF: {exc}") from None
    finally:
        shutil.rmtree(pdf.parent / ".chromium", ignore_errors=True)
    if not pdf.exists() or pdf.stat().st_size == 0:
        raise RenderError(f"Chromium wrote no PDF for {html.name}")


__all__ = ["PackResult", "find_chromium", "print_pdf", "render_many", "render_pack"]
