"""LOOK.md's budgets: one stylesheet of at most 12 KB and one script of at most 5 KB,
minified. Stripping comments and spaces is less than a minifier does, so the sizes
measured here are upper bounds of the minified ones (csso and terser give less)."""

import re

from django.conf import settings

STATIC = settings.BASE_DIR / "static"


def _css_without_comments_and_spaces(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s*([{};:,>])\s*", r"\1", text).replace(";}", "}")


def _js_without_comment_lines_and_indent(text):
    """Roughly what a minifier leaves: no comments, no indentation, no blank lines."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def test_the_stylesheet_fits_in_12_kb():
    css = (STATIC / "css" / "site.css").read_text()
    assert len(_css_without_comments_and_spaces(css).encode()) <= 12 * 1024


def test_the_script_fits_in_5_kb():
    js = (STATIC / "js" / "site.js").read_text()
    assert len(_js_without_comment_lines_and_indent(js).encode()) <= 5 * 1024
