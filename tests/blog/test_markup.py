from blog.markup import body_removals, render_markdown


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


def test_a_quotes_source_and_a_spoiler_that_opens_on_request_are_kept():
    html = render_markdown(
        "<blockquote><p>If he dies, he dies.</p><cite>Ivan Drago</cite></blockquote>\n\n"
        "<details><summary>The ending</summary><p>Rocky wins.</p></details>"
    )
    assert "<cite>Ivan Drago</cite>" in html
    assert "<details><summary>The ending</summary><p>Rocky wins.</p></details>" in html


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


def test_footnotes_link_to_their_note_and_back():
    """A footnote reference jumps to its note, and the note's back link to the reference."""
    html = render_markdown("A claim.[^1]\n\n[^1]: The source.")
    assert '<sup id="body-fnref:1"><a href="#body-fn:1"' in html
    assert '<li id="body-fn:1">' in html
    assert 'href="#body-fnref:1"' in html


def test_body_headings_start_below_the_post_title():
    """The page's h1 is the title: # is an h2, ## an h3, and the deepest is an h6."""
    html = render_markdown("# Part\n\n## Section\n\n##### Deep\n\n###### Deeper")
    assert '<h2 id="body-part">Part</h2>' in html
    assert '<h3 id="body-section">Section</h3>' in html
    assert '<h6 id="body-deep">Deep</h6>' in html
    assert '<h6 id="body-deeper">Deeper</h6>' in html


def test_a_body_written_with_double_hash_sections_keeps_its_levels():
    """Sections written as ## stay h2, so earlier posts do not skip a level when re-rendered."""
    html = render_markdown("## Section\n\n### Detail")
    assert '<h2 id="body-section">Section</h2>' in html
    assert '<h3 id="body-detail">Detail</h3>' in html


def test_a_typed_h1_is_not_a_second_title():
    """Raw <h1> in the body loses its tag: the post's title is the only h1."""
    assert "<h1" not in render_markdown("<h1>Another title</h1>")


def test_every_id_in_the_body_is_prefixed_so_none_clashes_with_the_page():
    """An id the author types cannot take the name of the comment form or a comment."""
    html = render_markdown('<h2 id="respond">Mine</h2>\n\n## Comments {#comment-1}')
    assert 'id="respond"' not in html
    assert 'id="comment-1"' not in html
    assert 'id="body-respond"' in html
    assert 'id="body-comment-1"' in html


def test_tables_keep_their_column_alignment_and_nothing_else_styles_a_cell():
    """A Markdown table renders with its alignment; a pasted style is reduced to that."""
    html = render_markdown("| Track | Time |\n|---|--:|\n| Burning Heart | 3:51 |")
    assert '<table tabindex="0">' in html
    assert '<td style="text-align:right">3:51</td>' in html
    pasted = render_markdown(
        '<table><tr><td style="color:red;text-align:left">x</td></tr></table>'
    )
    assert "color" not in pasted


def test_removals_name_what_the_cleaner_took_out_and_why():
    """An iframe, a script, a video and a handler are each reported once with a reason."""
    removals = body_removals(
        "Intro\n\n"
        '<iframe src="https://www.youtube.com/embed/x"></iframe>\n\n'
        '<iframe src="https://player.vimeo.com/video/1"></iframe>\n\n'
        "<script>alert(1)</script>\n\n"
        '<video src="a.mp4"><source src="a.webm"></video>\n\n'
        '<p onclick="steal()">Hi</p>'
    )
    assert [removal.what for removal in removals] == [
        "<iframe>",
        "<script>",
        "<video>",
        "onclick attribute",
    ]
    assert str(removals[0]) == (
        "<iframe> (embedded frames are not allowed; add the video in the Videos section)"
    )
    assert "scripts" in removals[1].why
    assert "event handlers" in removals[3].why


def test_a_javascript_link_is_reported_as_a_removed_address():
    """A link whose address is a script keeps its text and is reported."""
    assert [str(removal) for removal in body_removals("[x](javascript:alert(1))")] == [
        "href attribute (only http, https and mailto addresses are allowed)"
    ]


def test_markdown_that_the_cleaner_keeps_reports_nothing():
    """Footnotes, headings, tables, code and links lose nothing, so nothing is reported."""
    text = (
        "# Part\n\nA claim.[^1] [link](https://example.com)\n\n"
        "| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n```python\nprint(1)\n```\n\n"
        "*[HTML]: HyperText\n\n[^1]: The note."
    )
    assert body_removals(text) == []
    assert body_removals("") == []


def test_a_link_to_a_heading_in_the_body_follows_its_prefixed_id():
    html = render_markdown("[see the part](#part)\n\n# Part")
    assert '<a href="#body-part" rel="noopener">see the part</a>' in html
    assert '<h2 id="body-part">Part</h2>' in html


def test_a_table_can_take_focus_so_a_keyboard_can_scroll_it():
    html = render_markdown("| Track | Peak |\n|---|--:|\n| Burning Heart | 2 |")
    assert html.startswith('<table tabindex="0">')
