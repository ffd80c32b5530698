"""The comment section a host page shows, and the endpoint its form posts to.

A host's page view only renders: it calls ``comment_section(request, target=obj)`` and
its template includes ``comments/_section.html``. The form posts to this app's own URL
(``comments:post``), never to the host page. A comment taken is answered 303 to the
target's page, at the new comment; a refused one (a mistake, comments closed, a
duplicate, a flood, a comment sent too soon) is answered with the target's own page,
rendered by the target's own view from a GET copy of the request that carries the bound
form, so it comes back at the form with what was typed and its errors, under the
refusal's status code.

A target model provides ``get_absolute_url()`` (served by a view that shows
``comment_section``) and ``comments_opened_at``; it may add ``comments_enabled``,
``comment_moderator_emails()`` and ``is_published`` (False: readers cannot open it, so
a comment's own address does not lead there). ``comments.system_checks`` reports a
target without the first two at ``manage.py check``.
"""

import copy
from urllib.parse import urlsplit

from django.apps import apps
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import get_script_prefix, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from comments.addresses import client_ip
from comments.checks import Submission
from comments.conf import discussion_settings
from comments.form_html import blank_form_html
from comments.forms import CommentForm, FormTampered, make_form_token, target_key
from comments.models import Comment
from comments.services import Discussion, comment_submit, discussion_state
from comments.threads import thread_page
from page_cache.holes import hole

PENDING_COOKIE = "comments_pending"
COMMENTER_COOKIE = "comments_commenter"
PENDING_COOKIE_AGE = 30 * 24 * 3600
COMMENTER_COOKIE_AGE = 365 * 24 * 3600
MAX_PENDING_REMEMBERED = 20
# The request attribute that hands a refused form to the target's view.
REFUSED_FORM = "comments_refused_form"
PREVIEW = "preview"
# Said where the form would be, and to a comment sent anyway.
NO_COMMENTS_BECAUSE = {
    PREVIEW: gettext_lazy("The comment form is not shown in a preview."),
    Discussion.NOT_OPEN_YET: gettext_lazy("Comments open once this is published."),
    Discussion.CLOSED: gettext_lazy("Comments are closed."),
}


def _check_target(target, conf):
    if target._meta.label_lower not in {label.lower() for label in conf.target_models}:
        raise ImproperlyConfigured(
            f"Add {target._meta.label!r} to COMMENTS_TARGET_MODELS to allow comments on it."
        )


def pending_ids(request):
    """Ids of the comments this browser sent that may still await moderation."""
    raw = request.get_signed_cookie(PENDING_COOKIE, default="", salt=PENDING_COOKIE)
    return [int(part) for part in raw.split(",") if part.isdigit()][-MAX_PENDING_REMEMBERED:]


def _remembered(request):
    try:
        data = signing.loads(request.COOKIES.get(COMMENTER_COOKIE, ""), salt=COMMENTER_COOKIE)
    except signing.BadSignature:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: str(data.get(key, ""))[:245] for key in ("name", "email", "url")}


def _posted_target(value, conf):
    """The object a posted form names ("app_label.model:pk"), if comments may be on it."""
    label, _colon, pk = value.rpartition(":")
    if label not in {name.lower() for name in conf.target_models}:
        return None
    if not pk.isdigit() or len(pk) >= 19:  # beyond a 64-bit key, the database would fail
        return None
    return apps.get_model(label)._default_manager.filter(pk=pk).first()


@require_http_methods(["GET", "POST"])
def comment_post(request):
    """Take a comment sent from a target's page: 303 back to it, or the page with the form.

    A form naming no page that takes comments (altered, or its page deleted since) gets
    a 400 page that still shows what was written. A GET is a reader back at the address
    a refused comment was shown at (a reload declined, a bookmark): it goes to the page
    the form was on, which the form's address names (``?on=``).
    """
    conf = discussion_settings()
    if request.method == "GET":
        target = _posted_target(request.GET.get("on", ""), conf)
        page = target.get_absolute_url() if target else get_script_prefix()
        return HttpResponseRedirect(f"{page}#respond" if target else page)
    target = _posted_target(request.POST.get("target", ""), conf)
    if target is None:
        return _not_sent(request)
    form = CommentForm(request.POST, target=target, max_form_age=conf.max_form_age_seconds)
    try:
        valid = form.is_valid()
    except FormTampered:
        data = request.POST.copy()
        data["token"] = make_form_token(target)
        form = CommentForm(data, target=target, max_form_age=conf.max_form_age_seconds)
        form.is_valid()
        form.add_error(None, _("This form could not be checked. Please post your comment again."))
        return _target_page(request, form, status=400)
    state = discussion_state(target, conf)
    if state != Discussion.OPEN:
        form.add_error(None, NO_COMMENTS_BECAUSE[state])
        return _target_page(request, form, status=403)
    if not valid:
        return _target_page(request, form, status=400)

    data = form.cleaned_data
    submission = Submission(
        target=target,
        name=data["name"],
        email=data["email"],
        url=data["url"],
        text=data["text"],
        parent=data["parent"],
        user=request.user,
        ip_address=client_ip(request, conf),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        seconds_since_form_shown=form.seconds_since_shown,
        honeypot_filled=bool(data["homepage"]),
        notify_replies=data["notify_replies"],
    )
    outcome = comment_submit(
        submission=submission, admin_base_url=request.build_absolute_uri("/").rstrip("/")
    )
    if outcome.refusal:
        form.add_error(None, outcome.refusal.message)
        return _target_page(request, form, status=outcome.refusal.http_status)
    return _after_posting(request, target, outcome.comment, data, conf)


def _target_page(request, form, *, status):
    """The target's own page, as its own view renders it, with the refused form in it.

    The view is found by resolving the target's address and is called with a GET copy
    of the request for that address, so it renders exactly as for a visit, except that
    ``comment_section`` shows the refused form. A page its view no longer shows (a post
    unpublished since the form was opened) gets the page that keeps what was written,
    as a form naming no page does: the text is never lost, and a draft's id is told
    from a missing one by nothing.
    """
    address = urlsplit(form.target.get_absolute_url())
    path_info = "/" + address.path.removeprefix(get_script_prefix())
    match = resolve(path_info)
    page_request = copy.copy(request)
    page_request.method = "GET"
    page_request.GET = QueryDict(address.query)
    page_request.POST = QueryDict()
    page_request.path, page_request.path_info = address.path, path_info
    page_request.resolver_match = match
    setattr(page_request, REFUSED_FORM, form)
    try:
        response = match.func(page_request, *match.args, **match.kwargs)
    except Http404:
        return _not_sent(request)
    if response.status_code == 404:
        return _not_sent(request)
    if response.status_code == 200:
        response.status_code = status
    return response


def _not_sent(request):
    """The 400 page for a comment with nowhere to go, showing what was written."""
    context = {"text": request.POST.get("text", "")}
    return render(request, "comments/not_sent.html", context, status=400)


def _after_posting(request, target, comment, data, conf):
    page = _page_of(comment, conf)
    query = f"?cpage={page}" if page > 1 else ""
    response = HttpResponseRedirect(f"{target.get_absolute_url()}{query}#comment-{comment.pk}")
    response.status_code = 303
    if not comment.is_approved:
        # Spam and trash are remembered too, so a bot is told nothing different.
        ids = [*pending_ids(request), comment.pk][-MAX_PENDING_REMEMBERED:]
        response.set_signed_cookie(
            PENDING_COOKIE,
            ",".join(map(str, ids)),
            salt=PENDING_COOKIE,
            max_age=PENDING_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    if data["remember"]:
        remembered = {key: data[key] for key in ("name", "email", "url")}
        response.set_cookie(
            COMMENTER_COOKIE,
            signing.dumps(remembered, salt=COMMENTER_COOKIE),
            max_age=COMMENTER_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(COMMENTER_COOKIE, samesite="Lax")
    return response


def comment_permalink(request, pk):
    """A comment's place: the page of its target that shows its thread.

    For a link that names a comment alone, such as an old site's ``#comment-N``, which
    the page's script sends here when the page it is on does not hold comment N, with
    that page as ``?on=``. A comment that is not on that page (an old number now worn
    by another site's comment), or that readers cannot see, leaves the reader there.
    """
    comment = Comment.objects.filter(pk=pk).first()
    target = comment.target if comment is not None else None
    shown_on = _local_path(request.GET.get("on", ""))
    # A target that readers cannot open (a draft, a private post) is not revealed.
    readable = target is not None and getattr(target, "is_published", True)
    if not readable or not comment.is_approved or shown_on not in ("", target.get_absolute_url()):
        if shown_on:
            return HttpResponseRedirect(f"{shown_on}?cpage=1")
        if not readable:
            raise Http404
        return HttpResponseRedirect(f"{target.get_absolute_url()}?cpage=1")
    page = _page_of(comment, discussion_settings())
    # The page named even when it is the first, so the script asks only once.
    return HttpResponseRedirect(f"{target.get_absolute_url()}?cpage={page}#comment-{comment.pk}")


def _local_path(value):
    """``value`` if it is a path on this site (``/posts/x/``), else ""."""
    is_local = value.startswith("/") and not value.startswith(("//", "/\\"))
    return value if is_local and "\n" not in value and len(value) < 2000 else ""


def _page_of(comment, conf):
    """The comment page that shows ``comment``'s thread (threads are paged oldest first)."""
    root = comment
    while root.parent_id is not None:
        root = root.parent
    earlier_roots = (
        Comment.objects.for_target(comment.target)
        .approved()
        .filter(parent__isnull=True, created_at__lt=root.created_at)
        .count()
    )
    return earlier_roots // conf.per_page + 1


def _requested_page(request):
    value = request.GET.get("cpage", "1")
    return int(value) if value.isdigit() and len(value) < 7 else 1


def _refused_form(request, target):
    form = getattr(request, REFUSED_FORM, None)
    if form is not None and target_key(form.target) == target_key(target):
        return form
    return None


def comment_section(request, *, target, approved_count=None, preview=False):
    """Everything the page's comment section shows, for its template.

    On the page that answers a refused comment, the form is that comment's, as typed.
    ``approved_count`` is the target's number of approved comments, when the host read
    it with the target (``Comment.objects.approved_count_for()``); without it, it
    costs a query.
    A ``preview`` of the target (changes not saved) shows its comments but takes none.
    """
    conf = discussion_settings()
    _check_target(target, conf)
    state = PREVIEW if preview else discussion_state(target, conf)
    is_open = state == Discussion.OPEN
    thread = thread_page(
        target,
        page=_requested_page(request),
        own_pending=pending_ids(request),
        can_reply=is_open,
        conf=conf,
        approved_count=approved_count,
    )
    replying_to = None
    form_html = None
    form = None if preview else _refused_form(request, target)
    if form is None:
        initial = _remembered(request)
        initial["remember"] = bool(initial)
        reply_id = request.GET.get("replytocom", "")
        if reply_id.isdigit() and len(reply_id) < 19:
            replying_to = Comment.objects.for_target(target).approved().filter(pk=reply_id).first()
            initial["parent"] = replying_to.pk if replying_to else None
        # The signed timestamp is the page's own moment: a hole in a cached page.
        initial["token"] = hole(request, "commenttoken", target_key(target))
        form = CommentForm(target=target, max_form_age=conf.max_form_age_seconds, initial=initial)
        if is_open and "parent" not in initial and not initial["remember"]:
            form_html = blank_form_html(
                request, form, use_memo=bool(conf.cache_seconds) and not preview
            )
    elif form.is_bound and isinstance(form.cleaned_data.get("parent"), Comment):
        replying_to = form.cleaned_data["parent"]
    return {
        "url": target.get_absolute_url(),
        "thread_html": thread["html"],
        "count": thread["count"],
        "page": thread["page"],
        "pages": range(1, thread["pages"] + 1) if thread["pages"] > 1 else None,
        # The approved comments on this page, for a host's structured data (JSON-LD),
        # and a key naming them (``comments.threads.thread_page``).
        "approved": thread["approved"],
        "approved_key": thread["approved_key"],
        "form": form,
        # The same form as HTML, when it is the blank one (``comments.form_html``).
        "form_html": form_html,
        "is_open": is_open,
        "no_comments_because": NO_COMMENTS_BECAUSE.get(state),
        # A refused comment is shown back with its text even once comments have closed.
        "shows_form": is_open or form.is_bound,
        "replying_to": replying_to,
    }
