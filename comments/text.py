"""Comment text is plain text: shown escaped, line breaks kept, links made clickable."""

from django.utils.html import linebreaks, urlize

# urlize() escapes the text first, so the only literal quotes left in its output are in
# the attributes it writes itself: this cannot match anything a commenter typed.
_URLIZE_REL = ' rel="nofollow"'
_UGC_REL = ' rel="nofollow ugc"'


def render_comment_text(text):
    """Plain text in, safe HTML out: paragraphs, line breaks, ``rel="nofollow ugc"`` links."""
    linked = urlize(text.strip(), trim_url_limit=60, nofollow=True, autoescape=True)
    return linebreaks(linked.replace(_URLIZE_REL, _UGC_REL), autoescape=False)
