"""Whatever Markdown a review file holds, its HTML has only CommonMark's own tags, no event
handler or style, and links only to http(s) or mailto addresses."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from slm_analysis.commentary import render_markdown

FRAGMENTS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    "javascript:alert(1)", "JaVaScRiPt:", "java&#115;cript:", "&#106;avascript:", "data:text/html,",
    "vbscript:", "[", "]", "(", ")", "![", "<", ">", '"', "'", "`", "\n", "\n\n", " ", "\t",
    "*", "_", "#", "> ", "- ", "1. ", "```", "\\", "&", ";", "%0a", "https://ok.example/",
    "mailto:a@b.c", "<https://x.example>", "<javascript:alert(1)>", " onmouseover=alert(1) ",
    "<a href='javascript:alert(1)'>", "</a>", "<iframe src=//x>", "style=background:url(x)",
    "text", "\u2028", "\x00", "|", "| --- |", "|:-:|", "~~",
]  # fmt: skip
TAGS = {"p", "em", "strong", "code", "pre", "a", "ul", "ol", "li", "blockquote", "h1", "h2",
        "h3", "h4", "h5", "h6", "hr", "br", "table", "thead", "tbody", "tr", "th", "td",
        "s"}  # fmt: skip


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, attrs))

    handle_startendtag = handle_starttag


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
def test_rendered_review_markdown_is_inert(parts: list[str]) -> None:
    parser = Tags()
    parser.feed(str(render_markdown("".join(parts))))
    for tag, attrs in parser.seen:
        assert tag in TAGS, tag
        for name, value in attrs:
            if tag == "a" and name == "href":
                assert (value or "").lower().startswith(("http://", "https://", "mailto:")), value
            else:
                allowed = {("a", "title"), ("ol", "start"), ("code", "class")}
                if (tag, name) in {("th", "style"), ("td", "style")}:  # a column's alignment
                    assert value in {"text-align:left", "text-align:right", "text-align:center"}
                else:
                    assert (tag, name) in allowed, name
