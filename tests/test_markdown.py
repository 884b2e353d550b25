"""Data in Markdown shows as written; links only to http(s)."""

import pytest

from recommendations import markdown


def test_escape_neutralises_links_images_html_and_formatting():
    out = markdown.escape("[x](javascript:alert(1)) ![i](http://a/b.png) <b>hi</b> **bold** # head")
    for active in ("[x](", "![i](", "<b>", "**bold**"):
        assert active not in out
    assert out.startswith("\\[x\\]\\(javascript\\:alert\\(1\\)\\)")


def test_escape_collapses_or_keeps_lines():
    assert markdown.escape("a\n\n  b") == "a b"
    assert markdown.escape("a\n- b", keep_lines=True) == "a\n\\- b"


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a?b=1", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("https://example.org/a b", False),
        ("", False),
        (None, False),
    ],
)
def test_links_only_to_http(url, safe):
    rendered = markdown.link("label", url)
    assert rendered.startswith("[label](") is safe
    if not safe:
        assert rendered == "label"


def test_link_keeps_parentheses_from_closing_the_target():
    assert markdown.link("x", "https://en.wikipedia.org/wiki/A_(b)") == "[x](https://en.wikipedia.org/wiki/A_%28b%29)"
