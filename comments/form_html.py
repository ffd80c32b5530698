"""The blank comment form's HTML, rendered once per page and process.

Most readers get the form as nobody has filled it: no remembered name, no reply, no
refused comment. Rendering it through crispy-forms took some 4 ms of every post page,
and only two values in it differ between requests: the CSRF token and the signed
token that says when the form was shown. So it is rendered once with a stand-in for
each, and the stand-ins are replaced on every request.

It is kept in this process, not in the cache: it depends only on the code and the
page, so a deploy, which restarts the processes, is the only change that can alter it.
"""

from collections import OrderedDict

from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from comments.forms import CommentForm
from page_cache.holes import hole

# Characters neither escaping nor a token can contain or produce.
CSRF_STAND_IN = "\x00csrf-token\x00"
FORM_TOKEN_STAND_IN = "\x00form-token\x00"
# One entry per page shown since the process started, up to this many.
MAX_PAGES = 500

_rendered = OrderedDict()


def blank_form_html(request, form, *, use_memo=True):
    """The unfilled ``form`` as ``comments/_form.html`` renders it, with this request's
    CSRF token and the form's own signed token."""
    key = (form.target_key, get_language(), get_script_prefix())
    html = _rendered.get(key) if use_memo else None
    if html is None:
        html = _render(form.target, form.max_form_age)
        if use_memo:
            _rendered[key] = html
            if len(_rendered) > MAX_PAGES:
                _rendered.popitem(last=False)
    # A hole, as the form token already is: a page rendered for the page cache keeps its
    # marker, to be filled for each reader (page_cache.holes).
    html = html.replace(CSRF_STAND_IN, hole(request, "csrf"), 1)
    return mark_safe(html.replace(FORM_TOKEN_STAND_IN, form.initial["token"], 1))


def _render(target, max_form_age):
    form = CommentForm(target=target, max_form_age=max_form_age, initial={"remember": False})
    form.initial["token"] = FORM_TOKEN_STAND_IN
    context = {"form": form, "replying_to": None, "csrf_token": CSRF_STAND_IN}
    html = render_to_string("comments/_form.html", context)
    if html.count(CSRF_STAND_IN) != 1 or html.count(FORM_TOKEN_STAND_IN) != 1:
        raise ValueError("comments/_form.html must show the CSRF token and form token once.")
    return html
