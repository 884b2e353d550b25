"""Data in Markdown shows as written; links only to http(s)."""

import pytest

from recommendations import markdown


def test_escape_neutralises_links_images_html_and_formatting():
    out = markdown.escape("[x](javascript:alert(1)) ![i](http://a/b.png) <b>hi</b> **bold** # head")
    for active in ("[x](", "![i](", "<b>", "**bold**"):
        assert active not in out
    assert out.startswith("\\[x\\](javascript\\:alert(1))")  # no link can form: its brackets are escaped


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Themes: Recruitment and fees.", "Themes: Recruitment and fees."),  # plain punctuation stays plain
        ("x = 1 + 2 - 3 (see p. 4)", "x = 1 + 2 - 3 (see p. 4)"),
        ("# not a heading", "\\# not a heading"),
        ("a # b", "a # b"),
        ("1. not a list", "1\\. not a list"),
        ("- not a list", "\\- not a list"),
        ("> not a quote", "\\> not a quote"),
        (":red[colour] :material/home: :smile:", "\\:red\\[colour\\] \\:material/home: \\:smile:"),
        ("$x^2$ and ~~struck~~ | a | b |", "\\$x^2\\$ and \\~\\~struck\\~\\~ \\| a \\| b \\|"),
        ("10:30 at 3:15", "10:30 at 3:15"),
    ],
)
def test_escape_only_what_markdown_needs(text, shown):
    assert markdown.escape(text) == shown


def test_bare_addresses_and_emails_never_become_links():
    out = markdown.escape("see http://evil.example, www.evil.example or write to a@evil.example")
    assert "http://" not in out and "www." not in out and "a@" not in out
    assert out.replace("\u2060", "") == "see http://evil.example, www.evil.example or write to a@evil.example"


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


def test_nested_documentation_moves_its_headings_below_the_page_heading_and_leaves_code_alone():
    doc = "# Data format\n\nText\n\n## Evidence\n\n```yaml\n# a YAML comment\nid: x\n```\n\n###### deepest\n#hashtag"
    out = markdown.nested(doc, under=2)
    assert out.split("\n")[0] == "### Data format"
    assert "\n#### Evidence\n" in out
    assert "\n# a YAML comment\n" in out  # inside the fence: untouched
    assert "\n###### deepest\n" in out  # no level beyond 6
    assert out.endswith("\n#hashtag")  # not a heading (no space): untouched
