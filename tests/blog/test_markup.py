from blog.markup import render_markdown


def test_markdown_becomes_html():
    """Emphasis, links and lists render as a reader expects."""
    html = render_markdown("A *b* [c](https://example.com)\n\n- one\n- two")
    assert "<em>b</em>" in html
    assert '<a href="https://example.com" rel="noopener">c</a>' in html
    assert "<li>one</li>" in html


def test_raw_script_and_handlers_are_removed():
    """Injected scripts, event handlers and javascript: links are stripped."""
    html = render_markdown(
        '<script>alert(1)</script><img src=x onerror="alert(2)">[x](javascript:alert(3))'
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_iframes_and_styles_in_the_body_are_not_allowed():
    """A pasted embed cannot bypass the click-to-play facade from the body."""
    html = render_markdown(
        '<iframe src="https://www.youtube.com/embed/x"></iframe><style>*{}</style>'
    )
    assert "<iframe" not in html
    assert "<style" not in html


def test_empty_body_renders_empty():
    """No body, no markup."""
    assert render_markdown("") == ""
