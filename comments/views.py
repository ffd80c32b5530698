"""The comment section of any page: the form's POST, and what the section shows.

The host page's view owns the URL and the template and calls these two functions, so a
rejected comment comes back on the same page, in the same form, with what was typed:

    result = comment_post(request, target=post)      # on POST
    if result.redirect: return result.redirect
    section = comment_section(request, target=post, form=result.form)
"""

import ipaddress
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comments.checks import Submission
from comments.conf import discussion_settings
from comments.forms import CommentForm, FormTampered, make_form_token
from comments.models import Comment
from comments.services import Discussion, comment_submit, discussion_state
from comments.threads import thread_page

PENDING_COOKIE = "comments_pending"
COMMENTER_COOKIE = "comments_commenter"
PENDING_COOKIE_AGE = 30 * 24 * 3600
COMMENTER_COOKIE_AGE = 365 * 24 * 3600
MAX_PENDING_REMEMBERED = 20
PREVIEW = "preview"
# Said where the form would be, and to a comment sent anyway.
NO_COMMENTS_BECAUSE = {
    PREVIEW: gettext_lazy("The comment form is not shown in a preview."),
    Discussion.NOT_OPEN_YET: gettext_lazy("Comments open once this is published."),
    Discussion.CLOSED: gettext_lazy("Comments are closed."),
}


@dataclass
class PostResult:
    redirect: HttpResponseRedirect | None = None
    form: CommentForm | None = None
    status: int = 200


def _check_target(target, conf):
    if target._meta.label_lower not in {label.lower() for label in conf.target_models}:
        raise ImproperlyConfigured(
            f"Add {target._meta.label!r} to COMMENTS_TARGET_MODELS to allow comments on it."
        )


def client_ip(request, conf):
    """The reader's address, or None if it is not an IP address.

    Behind ``trusted_proxies`` proxies, it is the address the nearest of them saw: the
    entries further left in X-Forwarded-For are whatever the client chose to send.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if conf.trusted_proxies:
        header = request.META.get("HTTP_X_FORWARDED_FOR", "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= conf.trusted_proxies:
            address = forwarded[-conf.trusted_proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


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


def comment_post(request, *, target):
    conf = discussion_settings()
    _check_target(target, conf)
    form = CommentForm(request.POST, target=target, max_form_age=conf.max_form_age_seconds)
    try:
        valid = form.is_valid()
    except FormTampered:
        data = request.POST.copy()
        data["token"] = make_form_token(target)
        form = CommentForm(data, target=target, max_form_age=conf.max_form_age_seconds)
        form.is_valid()
        form.add_error(None, _("This form could not be checked. Please post your comment again."))
        return PostResult(form=form, status=400)
    state = discussion_state(target, conf)
    if state != Discussion.OPEN:
        form.add_error(None, NO_COMMENTS_BECAUSE[state])
        return PostResult(form=form, status=403)
    if not valid:
        return PostResult(form=form, status=400)

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
    )
    outcome = comment_submit(
        submission=submission, admin_base_url=request.build_absolute_uri("/").rstrip("/")
    )
    if outcome.refusal:
        form.add_error(None, outcome.refusal.message)
        return PostResult(form=form, status=outcome.refusal.http_status)
    return PostResult(redirect=_after_posting(request, target, outcome.comment, data, conf))


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


def comment_section(request, *, target, form=None, stamp=None, preview=False):
    """Everything the page's comment section shows, for its template.

    ``stamp`` is the target's (approved comment count, latest change among them), as
    read with ``Comment.objects.thread_stamp_for()``; without it, it costs a query.
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
        stamp=stamp,
    )
    replying_to = None
    if form is None:
        initial = _remembered(request)
        initial["remember"] = bool(initial)
        reply_id = request.GET.get("replytocom", "")
        if reply_id.isdigit() and len(reply_id) < 19:
            replying_to = Comment.objects.for_target(target).approved().filter(pk=reply_id).first()
            initial["parent"] = replying_to.pk if replying_to else None
        form = CommentForm(target=target, max_form_age=conf.max_form_age_seconds, initial=initial)
    elif form.is_bound and isinstance(form.cleaned_data.get("parent"), Comment):
        replying_to = form.cleaned_data["parent"]
    return {
        "thread_html": thread["html"],
        "count": thread["count"],
        "page": thread["page"],
        "pages": range(1, thread["pages"] + 1) if thread["pages"] > 1 else None,
        "form": form,
        "is_open": is_open,
        "no_comments_because": NO_COMMENTS_BECAUSE.get(state),
        # A refused comment is shown back with its text even once comments have closed.
        "shows_form": is_open or form.is_bound,
        "replying_to": replying_to,
    }
