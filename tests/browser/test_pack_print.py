"""Both demo packs printed: on A4 and on US letter nothing is wider than the page, page 1 is the
cover, the contents and the executive summary, the PDF has the expected number of pages, every
chart draws and every contents link leads to its section. Real headless Chromium, every network
request blocked; the packs are rendered (with their PDF) once for this module."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from offline import block_network
from pdfminer.high_level import extract_text
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from playwright.sync_api import Browser, Page

from slm_analysis.errors import InputError
from slm_analysis.packs import PackResult, print_pdf, render_pack

pytestmark = pytest.mark.browser
CUSTOMERS = {"acme": "Acme Retail Ltd", "globex": "Globex Logistics GmbH"}
PX_PER_MM = 96 / 25.4
MARGIN_MM = 14  # pack.css: @page { margin: 14mm }
PAPERS = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}  # width, height in mm
SECTIONS = [
    "Executive-summary",
    "Service-level-targets",
    "Availability",
    "Response-and-resolution",
    "Breaches",
    "Major-incidents",
    "Volumes-and-backlog",
    "Customer-satisfaction",
    "Improvement",
    "Appendix",
]
CHARTS = 9  # per demo pack (the satisfaction scores chart is the ninth)
PAGES = range(12, 21)  # a demo pack prints on 12 to 20 pages, A4 or letter
PRINT_WIDTH = 680  # index.html.j2: charts are redrawn this wide for print


def content_box(paper: str) -> tuple[int, int]:
    """Width and height in CSS px of the page box inside the margins (rounded down)."""
    w, h = PAPERS[paper]
    return int((w - 2 * MARGIN_MM) * PX_PER_MM), int((h - 2 * MARGIN_MM) * PX_PER_MM)


@pytest.fixture(scope="module")
def packs(demo_env: dict[str, Path]) -> dict[str, PackResult]:
    """Both demo packs of 2026-10 with their PDF, as `slm render --pdf` makes them."""
    return {
        c: render_pack(
            c,
            "2026-10",
            warehouse=demo_env["db"],
            catalogue=demo_env["catalogue"],
            reports=demo_env["root"] / "printed",
            pdf=True,
        )
        for c in CUSTOMERS
    }


def open_pack(browser: Browser, pack: PackResult, width: int, height: int) -> Page:
    """The pack in a window of ``width`` × ``height`` px, offline, charts drawn."""
    page = browser.new_page(viewport={"width": width, "height": height})
    requests = block_network(page)
    page.goto(Path(pack.html or "").resolve().as_uri())
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {2 * CHARTS}"
    )
    assert requests == []
    return page


# every visible element of each section wider than the page, or a box whose content is wider
# than itself (a scrollbar on screen, a cut on paper); the sections seen
OVERFLOWS = """(width) => {
  const found = {}, seen = [];
  let section = "cover";
  for (const e of document.querySelectorAll("main *")) {
    if (e.tagName === "H2") { section = e.id; seen.push(section); }
    const style = getComputedStyle(e);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const r = e.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const what = e.tagName.toLowerCase() + (e.classList.length ? "." + [...e.classList].join(".") : "");
    const problems = [];
    if (r.right > width + 1 || r.left < -1) problems.push(`${what} spans ${Math.round(r.left)}..${Math.round(r.right)}`);
    if (e instanceof HTMLElement && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
      problems.push(`${what} holds ${e.scrollWidth} px in ${e.clientWidth}`);
    if (problems.length) (found[section] = found[section] || []).push(...problems);
  }
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) found.page = [`page scrolls: ${root.scrollWidth} px`];
  return {found, seen};
}"""


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("customer", CUSTOMERS)
def test_nothing_is_wider_than_the_printed_page(
    browser: Browser, packs: dict[str, PackResult], customer: str, paper: str
) -> None:
    """Opened on a wide screen, then printed: in print media at the page's width no element of
    any section reaches past the page box and nothing scrolls; the charts are redrawn at the
    printed width, and at the screen's again afterwards."""
    width, height = content_box(paper)
    page = open_pack(browser, packs[customer], 1280, 900)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(
        f"[...document.querySelectorAll('.js-plotly-plot')].every(e => e.offsetWidth <= {width})"
    )
    result = page.evaluate(OVERFLOWS, width)
    assert result["seen"] == SECTIONS
    assert result["found"] == {}
    widths = page.eval_on_selector_all(
        ".js-plotly-plot svg.main-svg", "els => els.map(e => e.getBoundingClientRect().width)"
    )
    assert set(widths) == {PRINT_WIDTH}
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function(
        "[...document.querySelectorAll('.js-plotly-plot')].every(e => e.offsetWidth > 1000)"
    )
    page.close()


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("customer", CUSTOMERS)
def test_every_chart_draws_in_print(
    browser: Browser, packs: dict[str, PackResult], customer: str, paper: str
) -> None:
    width, height = content_box(paper)
    page = open_pack(browser, packs[customer], width, height)
    page.emulate_media(media="print")
    charts = page.eval_on_selector_all(
        ".js-plotly-plot",
        """(els, width) => els.map(e => {
          const svg = e.querySelector("svg.main-svg"), r = svg.getBoundingClientRect();
          const marks = e.querySelectorAll(".scatterlayer path, .barlayer path").length;
          return [r.width > 0 && r.width <= width, r.height > 0, marks > 0];
        })""",
        width,
    )
    assert packs[customer].charts == CHARTS
    assert charts == [[True, True, True]] * CHARTS
    page.close()


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("customer", CUSTOMERS)
def test_page_one_is_the_cover_contents_and_summary(
    browser: Browser, packs: dict[str, PackResult], customer: str, paper: str
) -> None:
    """Measured in the DOM, in print media at the page's width: the executive summary ends
    inside the first page's height, and the next section starts page 2."""
    width, height = content_box(paper)
    page = open_pack(browser, packs[customer], width, height)
    page.emulate_media(media="print")
    layout = page.evaluate(
        """() => {
          const SHOWN = "section.cover, nav.toc, h2, .summary";
          const cells = [...document.querySelectorAll("main > *")];
          const brk = cells.findIndex(e => e.classList.contains("page-break"));
          const bottoms = cells.slice(0, brk).map(e => e.getBoundingClientRect().bottom);
          return {
            first: cells.slice(0, brk).map(e => e.matches(SHOWN) ? e : e.querySelector(SHOWN))
                     .filter(e => e).map(e => e.tagName.toLowerCase() + "." + e.className),
            bottom: Math.max(...bottoms) - document.querySelector("main").getBoundingClientRect().top,
            breaks: getComputedStyle(cells[brk]).breakBefore,
            next: cells[brk + 1].querySelector("h2").id,
          };
        }"""
    )
    assert layout["first"] == [
        "section.cover",
        "nav.toc",
        "h2.",
        "div.summary",
    ]
    assert 0 < layout["bottom"] <= height, layout
    assert (layout["breaks"], layout["next"]) == ("page", "Service-level-targets")
    page.close()


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, whitespace removed (line breaks differ from the screen's)."""
    text = extract_text(BytesIO(pdf))
    return [re.sub(r"\s+", "", p) for p in text.split("\f") if p.strip()]


def pdf_bookmarks(pdf: bytes) -> list[tuple[int, str]]:
    """The PDF's outline: (level, title) of each bookmark."""
    document = PDFDocument(PDFParser(BytesIO(pdf)))
    return [(level, title) for level, title, *_ in document.get_outlines()]


@pytest.mark.parametrize("customer", CUSTOMERS)
def test_the_pdf_of_slm_render_is_a4_with_page_one_the_summary(
    browser: Browser, packs: dict[str, PackResult], customer: str
) -> None:
    """The PDF `slm render --pdf` prints through the distribution's Chromium: A4 pages, as many
    as expected, a bookmark per section; page 1 holds the cover and the whole summary (its last
    headline), page 2 starts with the target table's section."""
    pdf = Path(packs[customer].pdf or "").read_bytes()
    sizes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
    assert sizes == {(b"594.95996", b"841.91998")}  # A4 in points
    page = open_pack(browser, packs[customer], 1280, 900)
    last = page.locator(".summary li").last.inner_text()
    page.close()
    pages = pdf_pages(pdf)
    assert len(pages) in PAGES
    assert pdf_bookmarks(pdf)[:2] == [(1, CUSTOMERS[customer]), (2, "Executive summary")]
    assert [t.replace(" ", "-") for level, t in pdf_bookmarks(pdf) if level == 2] == SECTIONS
    assert pages[0].startswith("SERVICEREVIEW·OCTOBER2026" + CUSTOMERS[customer].replace(" ", ""))
    assert re.sub(r"\s+", "", last) in pages[0]
    assert pages[1].startswith("Serviceleveltargets")


def test_slm_render_prints_the_pdf_on_letter_when_asked(
    packs: dict[str, PackResult], tmp_path: Path
) -> None:
    """`--paper Letter`: letter pages, the same sections, page 1 still the summary; the copy
    of the pack it printed is gone, and a paper it does not know is an error."""
    html = Path(packs["acme"].html or "")
    pdf = tmp_path / "letter.pdf"
    print_pdf(html, pdf, "Letter")
    data = pdf.read_bytes()
    assert set(re.findall(rb"/MediaBox\s*\[\s*0 0 (\d+) (\d+)\s*\]", data)) == {(b"612", b"792")}
    pages = pdf_pages(data)
    assert len(pages) in PAGES
    assert [t.replace(" ", "-") for level, t in pdf_bookmarks(data) if level == 2] == SECTIONS
    assert pages[1].startswith("Serviceleveltargets")
    assert sorted(p.name for p in html.parent.iterdir()) == sorted(
        ["manifest.json", "service_review.html", "service_review.ipynb", "service_review.pdf"]
    )
    with pytest.raises(InputError, match="paper 'A3' is not one of A4, Letter"):
        print_pdf(html, pdf, "A3")


@pytest.mark.parametrize("customer", CUSTOMERS)
def test_the_pack_prints_on_us_letter(
    browser: Browser, packs: dict[str, PackResult], customer: str
) -> None:
    """Printed on letter paper from the browser (the paper chosen over the pack's A4): letter
    pages, page 1 still the cover and whole summary, page 2 the target table's section."""
    page = open_pack(browser, packs[customer], 1280, 900)
    last = page.locator(".summary li").last.inner_text()
    margin = f"{MARGIN_MM}mm"
    pdf = page.pdf(
        format="Letter",
        margin={"top": margin, "right": margin, "bottom": margin, "left": margin},
        print_background=True,
    )
    page.close()
    assert set(re.findall(rb"/MediaBox\s*\[\s*0 0 (\d+) (\d+)\s*\]", pdf)) == {(b"612", b"792")}
    pages = pdf_pages(pdf)
    assert len(pages) in PAGES
    assert re.sub(r"\s+", "", last) in pages[0]
    assert pages[1].startswith("Serviceleveltargets")


@pytest.mark.parametrize("customer", CUSTOMERS)
def test_every_contents_link_leads_to_its_section(
    browser: Browser, packs: dict[str, PackResult], customer: str
) -> None:
    page = open_pack(browser, packs[customer], 1280, 900)
    links = page.eval_on_selector_all(
        "nav.toc a", "els => els.map(a => [a.getAttribute('href'), a.textContent])"
    )
    assert [h for h, _ in links] == [f"#{s}" for s in SECTIONS]
    for href, title in links:
        assert page.locator(f"h2{href}").inner_text() == title
        page.click(f"nav.toc a[href='{href}']")
        page.wait_for_function(
            f"Math.abs(document.getElementById('{href[1:]}').getBoundingClientRect().top) <= 1"
        )
        assert page.evaluate("location.hash") == href
        page.evaluate("window.scrollTo(0, 0)")
    page.close()
