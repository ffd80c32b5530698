"""A WordPress post's content as the author sees it in the body, and readers on the page."""

from hypothesis import given, settings
from hypothesis import strategies as st

from blog.markup import render_markdown
from blog.wordpress.content import convert, gallery_replace

ROCKY = "https://www.youtube.com/watch?v=ioE_O7Lm0I4"

BLOCK_EDITOR_POST = f"""<!-- wp:paragraph -->
<p>Drago trains in a lab; Rocky <em>runs up a mountain</em>.</p>
<!-- /wp:paragraph -->

<!-- wp:more -->
<!--more-->
<!-- /wp:more -->

<!-- wp:embed {{"url":"{ROCKY}","type":"video","providerNameSlug":"youtube"}} -->
<figure class="wp-block-embed is-type-video is-provider-youtube"><div class="wp-block-embed__wrapper">
{ROCKY}
</div></figure>
<!-- /wp:embed -->

<!-- wp:heading {{"level":3}} -->
<h3 class="wp-block-heading" id="the-cut">The cut</h3>
<!-- /wp:heading -->

<!-- wp:columns -->
<div class="wp-block-columns"><!-- wp:column -->
<div class="wp-block-column"><!-- wp:list -->
<ul class="wp-block-list"><!-- wp:list-item -->
<li>Hearts on Fire</li>
<!-- /wp:list-item --><!-- wp:list-item -->
<li>Training Montage</li>
<!-- /wp:list-item --></ul>
<!-- /wp:list --></div>
<!-- /wp:column --><!-- wp:column -->
<div class="wp-block-column"><!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph -->
<p>If he dies, he dies.</p>
<!-- /wp:paragraph --></blockquote>
<!-- /wp:quote --></div>
<!-- /wp:column --></div>
<!-- /wp:columns -->

<!-- wp:image {{"id":41,"sizeSlug":"large"}} -->
<figure class="wp-block-image size-large"><img src="https://old.example/wp-content/uploads/2019/05/snow.jpg" alt="Rocky in the snow" class="wp-image-41"/><figcaption class="wp-element-caption">Siberia</figcaption></figure>
<!-- /wp:image -->

<!-- wp:latest-posts /-->

<!-- wp:jetpack/slideshow {{"ids":[41]}} -->
<div class="wp-block-jetpack-slideshow">Three slides</div>
<!-- /wp:jetpack/slideshow -->"""  # noqa: E501


def test_a_block_editor_post_keeps_every_blocks_content_without_its_comments():
    converted = convert(BLOCK_EDITOR_POST)
    assert "<!-- wp:" not in converted.body and "<!-- /wp:" not in converted.body
    assert converted.more_lead == (
        "<p>Drago trains in a lab; Rocky <em>runs up a mountain</em>.</p>"
    )
    for kept in (
        '<h3 id="the-cut">The cut</h3>',
        "<li>Hearts on Fire</li>",
        "<li>Training Montage</li>",
        "<p>If he dies, he dies.</p>",
        '<img src="https://old.example/wp-content/uploads/2019/05/snow.jpg"',
        "<figcaption>Siberia</figcaption>",
        "Three slides",
    ):
        assert kept in converted.body
    assert "<div" not in converted.body and "class=" not in converted.body
    assert converted.images == ["https://old.example/wp-content/uploads/2019/05/snow.jpg"]


def test_a_youtube_embed_block_becomes_the_posts_video_and_leaves_the_body():
    converted = convert(BLOCK_EDITOR_POST)
    assert converted.videos == [ROCKY]
    assert "youtube" not in converted.body


def test_blocks_montage_cannot_show_are_kept_visibly_and_counted():
    converted = convert(BLOCK_EDITOR_POST)
    assert "(WordPress block “latest-posts”, not imported)" in converted.body
    assert converted.unknown == {"block latest-posts": 1, "block jetpack/slideshow": 1}


def test_an_embed_of_something_other_than_a_video_becomes_a_link_with_its_caption():
    converted = convert(
        '<!-- wp:embed {"url":"https://twitter.com/a/status/1","providerNameSlug":"twitter"} -->\n'
        '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n'
        "https://twitter.com/a/status/1\n</div><figcaption>The tweet</figcaption></figure>\n"
        "<!-- /wp:embed -->"
    )
    assert converted.videos == []
    assert '<a href="https://twitter.com/a/status/1">' in converted.body
    assert "<p>The tweet</p>" in converted.body
    assert converted.unknown == {"embed from twitter": 1}


CLASSIC_POST = """Gonna fly now.
Flying high now.

Rocky's *asterisks* stay as typed, and <b>old bold</b> is bold.

https://vimeo.com/76979871

[caption id="attachment_5" align="aligncenter" width="300"]<a href="https://old.example/a.jpg"><img src="https://old.example/wp-content/uploads/a.jpg" alt="Drago" width="300" /></a> Drago in the lab[/caption]

<ul>
<li>Hearts on Fire</li>
<li>No Easy Way Out</li>
</ul>
<pre>  indented

  code</pre>
A [sic] note, an escaped [[embed]] and [contact-form-7 id="9" title="Write to me"].
<!--nextpage-->
Page two."""  # noqa: E501


def test_a_classic_post_gets_wordpress_paragraphs_and_line_breaks():
    body = convert(CLASSIC_POST).body
    assert body.startswith("<p>Gonna fly now.<br>\nFlying high now.</p>\n\n")
    assert "<ul>\n<li>Hearts on Fire</li>\n<li>No Easy Way Out</li>\n</ul>" in body
    assert "<pre>  indented\n\n  code</pre>" in body
    assert "<p>Page two.</p>" in body and "nextpage" not in body


def test_a_classic_post_reads_as_it_did_on_wordpress_once_rendered():
    html = render_markdown(convert(CLASSIC_POST).body)
    assert "Rocky's *asterisks* stay as typed" in html
    assert "<strong>old bold</strong>" in html
    assert "<em>" not in html
    assert "<figcaption>Drago in the lab</figcaption>" in html


def test_shortcodes_become_figures_and_videos_and_unknown_ones_stay_and_are_listed():
    converted = convert(CLASSIC_POST)
    assert converted.videos == ["https://vimeo.com/76979871"]
    assert (
        '<figure><a href="https://old.example/a.jpg"><img '
        'src="https://old.example/wp-content/uploads/a.jpg" alt="Drago" width="300"></a>\n'
        "<figcaption>Drago in the lab</figcaption>\n</figure>"
    ) in converted.body
    # Readers see which shortcode was there; its words, which were WordPress's and may
    # hold what it never showed, are kept as written for the author only.
    assert '[contact-form-7 …]<!-- [contact-form-7 id="9" title="Write to me"] -->' in (
        converted.body
    )
    page = render_markdown(converted.body)
    assert "[contact-form-7 …]" in page and "Write to me" not in page
    assert "an escaped [embed] and" in converted.body
    assert converted.unknown == {"shortcode [contact-form-7]": 1}


def test_every_way_wordpress_writes_a_video_becomes_a_video_in_document_order():
    converted = convert(
        "Intro.\n\n"
        '<iframe width="560" src="https://www.youtube.com/embed/ioE_O7Lm0I4?start=30"></iframe>\n\n'
        "[embed]https://vimeo.com/1234567[/embed]\n\n"
        "[youtube=http://www.youtube.com/watch?v=abcdefghijk]\n\n"
        "[youtube https://youtu.be/bcdefghijkl]\n\n"
        "[vimeo 7654321]\n\n"
        '[video src="https://www.youtube.com/watch?v=cdefghijklm"]\n\n'
        "Outro."
    )
    assert converted.videos == [
        "https://www.youtube.com/embed/ioE_O7Lm0I4?start=30",
        "https://vimeo.com/1234567",
        "http://www.youtube.com/watch?v=abcdefghijk",
        "https://youtu.be/bcdefghijkl",
        "https://vimeo.com/7654321",
        "https://www.youtube.com/watch?v=cdefghijklm",
    ]
    assert converted.body == "<p>Intro.</p>\n\n<p>Outro.</p>"


def test_a_video_file_and_a_page_that_is_not_a_video_stay_as_links():
    converted = convert(
        '[video mp4="https://old.example/wp-content/uploads/clip.mp4"][/video]\n\n'
        "[embed]https://example.org/page[/embed]\n\n"
        '<iframe src="https://maps.example/embed?x=1"></iframe>'
    )
    assert converted.videos == []
    assert '<a href="https://old.example/wp-content/uploads/clip.mp4">' in converted.body
    assert '<a href="https://example.org/page">' in converted.body
    assert '<a href="https://maps.example/embed?x=1">' in converted.body


def test_an_unknown_shortcodes_private_words_never_reach_readers_and_its_text_stays():
    converted = convert(
        '[contact-form to="me@private.example" subject="Hi"]\n\n'
        '[su_box title="Note"]Boxed words stay.[/su_box]\n\nA -- dash.'
    )
    page = render_markdown(converted.body)
    assert "me@private.example" not in page and "[contact-form …]" in page
    assert "[su_box …]Boxed words stay.[/su_box]" in page and "A -- dash." in page
    assert "me@private.example" in converted.body


def test_a_video_address_inside_a_sentence_is_only_text():
    converted = convert(f"Watch {ROCKY} tonight.")
    assert converted.videos == []
    assert ROCKY in converted.body


def test_a_gallery_is_kept_for_the_importer_to_fill_in():
    converted = convert('Before.\n\n[gallery ids="3, 4,5" columns="2"]\n\n[gallery]\n\nAfter.')
    assert converted.galleries == [(3, 4, 5), ()]
    filled = gallery_replace(converted.body, ["<figure>three pictures</figure>", None])
    assert "<figure>three pictures</figure>" in filled
    assert "[gallery]" in filled and "ids=" not in filled


def test_the_more_marker_splits_a_classic_post_and_may_carry_its_own_text():
    converted = convert("The teaser.\n\n<!--more Read on-->\n\nThe rest.")
    assert converted.more_lead == "<p>The teaser.</p>"
    assert converted.body == "<p>The rest.</p>"


def test_scripts_and_handlers_never_reach_the_body():
    converted = convert(
        '<p onclick="steal()">Hi<script>alert(1)</script></p><a href="javascript:x()">x</a>'
    )
    assert "script" not in converted.body and "onclick" not in converted.body
    assert converted.unknown == {"<script>, left out: a post here runs no script": 1}
    assert "javascript" not in converted.body
    assert "Hi" in converted.body


def test_non_ascii_text_survives_every_step():
    text = "Ünïcödé 東京 עברית 🎵 [caption]<img src='a.jpg' alt='ß'> Unterschrift ä[/caption]"
    body = convert(text).body
    for kept in ("Ünïcödé", "東京", "עברית", "🎵", 'alt="ß"', "Unterschrift ä"):
        assert kept in body


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<!-- wp:paragraph -->", "<!-- /wp:paragraph -->", "<!-- wp:embed {\"url\":",
                "<!-- /wp:embed -->", "<!--more-->", "[caption", "[/caption]", "[embed]",
                "[gallery ids=\"", "]", "[[", "<p>", "</p>", "<img src=\"", "\n\n", "\n",
                "<pre>", "</pre>", ROCKY, "<iframe src='", "'>", "\x00", "&amp;", "<",
                "text", "東京",
            ]
        )
        | st.text(max_size=20)
    ).map("".join)
)  # fmt: skip
def test_any_content_converts_without_raising(content):
    converted = convert(content)
    assert isinstance(converted.body, str) and isinstance(converted.more_lead, str)
    render_markdown(converted.more_lead + "\n\n" + converted.body)


def test_thousands_of_unclosed_shortcodes_are_kept_as_written():
    content = "[caption]<img src='x.jpg'> a [embed] [/gallery] [unclosed <p>text\n\n" * 5_000
    body = convert(content).body
    assert body.count("[caption]") == 5_000 and body.count("[embed]") == 5_000


def test_a_youtube_shortcode_with_a_watch_address_is_the_video_it_names():
    """Jetpack's documented form: the address's own ``v=`` is not an attribute."""
    converted = convert("[youtube https://www.youtube.com/watch?v=btPJPFnesV4&t=30s]")
    assert converted.videos == ["https://www.youtube.com/watch?v=btPJPFnesV4&t=30s"]
    assert converted.body == ""
