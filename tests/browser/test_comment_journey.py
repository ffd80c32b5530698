"""Comment journeys in a real browser: posting, moderation, replies, errors and remembering.

Each journey drives the comment form under the Rocky post as a reader would, then checks
what other readers, the writer and the moderator see. Screenshots of a threaded comment
section are saved to tests/browser/screenshots/ (gitignored) for a person to look at.
"""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.urls import reverse
from playwright.sync_api import expect

from blog.models import Post
from comments.models import Comment
from comments.services import comment_approve
from comments.views import PENDING_COOKIE

ROCKY = "/posts/rocky-training-in-russia-rocky-iv/"
ROCKY_SLUG = "rocky-training-in-russia-rocky-iv"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
AWAITING = "Awaiting moderation — only you can see this."
REMEMBER = "Save my name, email, and website in this browser for the next time I comment."
ADMIN_PASSWORD = "correct horse battery staple"
# Characters a line holds in an element's text: its width over the mean advance of a
# sentence of English in the element's own font.
CHARACTERS_PER_LINE = """element => {
  const style = getComputedStyle(element);
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const sample = "If I can change, and you can change, everybody can change.";
  return element.clientWidth / (context.measureText(sample).width / sample.length);
}"""
RECORD_SUBMITS = """
window.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches(".comment-form")) return;
  const button = form.querySelector("[type=submit]");
  const submits = JSON.parse(sessionStorage.getItem("submits") || "[]");
  submits.push({
    button: button.textContent,
    live: form.querySelector("[data-form-status]").textContent,
    prevented: event.defaultPrevented,
  });
  sessionStorage.setItem("submits", JSON.stringify(submits));
  if (submits.length === 1) setTimeout(() => button.click(), 0);
});
"""


@pytest.fixture
def comments_site(demo_site, settings):
    """The demo site, with the "posted too fast" rule off so a test may post at once."""
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    return demo_site


def _rocky():
    return Post.objects.get(slug=ROCKY_SLUG)


def _seed(name, text, *, parent=None, status=Comment.Status.APPROVED, **fields):
    """A comment on the Rocky post, saved straight through the ORM."""
    return Comment.objects.create(
        target=_rocky(),
        parent=parent,
        name=name,
        email=f"{name.split()[0].lower()}@example.com",
        text=text,
        status=status,
        **fields,
    )


def _pending_cookie(comment_ids, url):
    """The signed cookie that tells the site which pending comments this browser wrote."""
    response = HttpResponse()
    response.set_signed_cookie(
        PENDING_COOKIE, ",".join(map(str, comment_ids)), salt=PENDING_COOKIE
    )
    return {"name": PENDING_COOKIE, "value": response.cookies[PENDING_COOKIE].value, "url": url}


def _fill_comment(page, *, text, name, email, website="", remember=False):
    form = page.locator("form.comment-form")
    form.get_by_role("textbox", name="Comment", exact=True).fill(text)
    form.get_by_role("textbox", name="Name", exact=True).fill(name)
    form.get_by_role("textbox", name="Email", exact=True).fill(email)
    if website:
        form.get_by_role("textbox", name="Website (optional)").fill(website)
    if remember:
        form.get_by_role("checkbox", name=REMEMBER).check()
    return form


def _post_comment(page):
    """Press "Post Comment" and wait for the redirect to the new comment's anchor."""
    with page.expect_navigation(url=re.compile(r"#comment-\d+$")):
        page.get_by_role("button", name="Post Comment").click()
    return int(page.url.rsplit("#comment-", 1)[1])


def _log_in_to_admin(page, base_url):
    get_user_model().objects.create_superuser("moderator", "mod@example.com", ADMIN_PASSWORD)
    page.goto(base_url + "/admin/")
    page.get_by_label("Username").fill("moderator")
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()


def test_reader_comment_waits_for_moderation_then_shows_to_everyone_once_approved(
    comments_site, open_page
):
    """A new comment shows only to its writer until a moderator approves it in the admin."""
    writer = open_page()
    # Playwright waits out a navigation under way before it reads the page, so the page
    # itself notes what each submit met, and presses the button again at once.
    writer.add_init_script(RECORD_SUBMITS)
    writer.goto(comments_site + ROCKY)
    _fill_comment(
        writer,
        text="Drago never stood a chance against that montage.",
        name="Adrian Balboa",
        email="adrian@example.com",
    )
    requests = []
    writer.on("request", lambda request: requests.append(request))
    _post_comment(writer)
    submits = writer.evaluate("JSON.parse(sessionStorage.getItem('submits'))")
    assert submits == [
        {"button": "Posting…", "live": "Posting your comment…", "prevented": False},
        {"button": "Posting…", "live": "Posting your comment…", "prevented": True},
    ]
    posts = [request for request in requests if request.method == "POST"]
    assert len(posts) == 1, "a second press posted the form again"

    comment_id = int(writer.url.rsplit("#comment-", 1)[1])
    assert Comment.objects.get().pk == comment_id
    assert Comment.objects.get().status == Comment.Status.PENDING
    expect(writer).to_have_url(comments_site + ROCKY + f"#comment-{comment_id}")
    mine = writer.locator(f"#comment-{comment_id}")
    expect(mine.locator(".comment__body--pending")).to_contain_text(AWAITING)
    expect(mine).to_contain_text("Drago never stood a chance against that montage.")
    expect(mine.locator("a.comment__reply")).to_have_count(0)

    other = open_page()
    other.goto(comments_site + ROCKY)
    expect(other.locator("#comments-heading")).to_have_text("Comments")
    expect(other.locator(f"#comment-{comment_id}")).to_have_count(0)
    expect(other.get_by_text("Drago never stood a chance")).to_have_count(0)

    admin = open_page()
    _log_in_to_admin(admin, comments_site)
    notice = admin.get_by_role("link", name="1 comment awaiting moderation")
    expect(notice).to_be_visible()
    notice.click()
    expect(admin).to_have_url(re.compile(r"/admin/comments/comment/\?status=pending$"))
    expect(admin.locator("h1")).to_have_text("Comments: 1 awaiting moderation")
    expect(admin.locator("#result_list tbody tr")).to_have_count(1)
    expect(admin.locator("#result_list td.field-moderation_reason")).to_have_text(
        "Held: no rule published it"
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    admin.set_viewport_size({"width": 1280, "height": 800})
    admin.screenshot(path=SCREENSHOTS / "admin-comment-queue-reason-1280.png")
    admin.locator(f'input[name="_selected_action"][value="{comment_id}"]').check()
    admin.locator('select[name="action"]').select_option(label="Approve")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 comment approved.")
    expect(admin.locator("h1")).to_have_text("Comments: 0 awaiting moderation")
    assert Comment.objects.get().status == Comment.Status.APPROVED

    other.reload()
    theirs = other.locator(f"#comment-{comment_id}")
    expect(theirs).to_contain_text("Drago never stood a chance against that montage.")
    expect(theirs.locator(".comment__body--pending")).to_have_count(0)
    expect(theirs.get_by_text(AWAITING)).to_have_count(0)
    expect(theirs.locator("a.comment__reply")).to_be_visible()
    expect(other.locator("#comments-heading")).to_have_text("1 comment")

    writer.reload()
    expect(writer.locator(f"#comment-{comment_id} .comment__body--pending")).to_have_count(0)


def test_reply_with_javascript_moves_the_form_under_the_comment_and_nests_the_reply(
    comments_site, open_page
):
    """With JavaScript, Reply moves the form under the comment; the reply is nested under it."""
    parent = _seed("Apollo Creed", "You're going to need a bigger gym, Rocky.")
    page = open_page()
    page.goto(comments_site + ROCKY)
    respond = page.locator("#respond")
    heading = respond.locator("h3")
    hidden_parent = page.locator('form.comment-form input[name="parent"]')
    reply = page.locator(f"#comment-{parent.pk} a.comment__reply")
    expect(reply).to_have_accessible_name("Reply to Apollo Creed")

    reply.click()
    expect(page.locator(f"#comment-{parent.pk} > #respond")).to_have_count(1)
    expect(heading).to_have_text("Leave a Reply to Apollo Creed")
    expect(hidden_parent).to_have_value(str(parent.pk))
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_be_focused()
    assert page.url == comments_site + ROCKY, "Reply with JavaScript should not navigate"

    page.get_by_role("link", name="Cancel reply").click()
    expect(page.locator(f"#comment-{parent.pk} #respond")).to_have_count(0)
    expect(page.locator("#comments > #respond")).to_have_count(1)
    expect(heading).to_have_text("Leave a Reply")
    expect(hidden_parent).to_have_value("")
    expect(page.get_by_role("link", name="Cancel reply")).to_have_count(0)

    reply.click()
    expect(heading).to_have_text("Leave a Reply to Apollo Creed")
    _fill_comment(
        page, text="He did, and it was a barn.", name="Paulie Pennino", email="paulie@example.com"
    )
    reply_id = _post_comment(page)

    saved = Comment.objects.get(pk=reply_id)
    assert saved.parent_id == parent.pk
    nested = page.locator(f"#comment-{parent.pk} ol.comment-list--replies #comment-{reply_id}")
    expect(nested).to_contain_text("He did, and it was a barn.")
    expect(nested.locator(".comment__body--pending")).to_contain_text(AWAITING)

    comment_approve(comments=[saved])
    reader = open_page()
    reader.goto(comments_site + ROCKY)
    nested = reader.locator(f"#comment-{parent.pk} ol.comment-list--replies #comment-{reply_id}")
    expect(nested).to_contain_text("He did, and it was a barn.")
    expect(nested.locator(".comment__body--pending")).to_have_count(0)
    expect(reader.locator("#comments-heading")).to_have_text("2 comments")


def _post_with_errors(page, base_url):
    """Send the form with no name and a malformed email; return the response's status."""
    page.goto(base_url + ROCKY)
    _fill_comment(page, text="No pain.\n\nNo pain!", name="", email="not-an-email")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state("load")
    return posted.value.status


def test_errors_keep_what_was_typed_and_summarise_them_with_links_to_the_fields(
    comments_site, page
):
    """A refused comment comes back with its text, a summary of links and marked fields."""
    assert _post_with_errors(page, comments_site) == 400

    assert page.title().startswith("Error:")
    # The post's own page, answered at the comment endpoint's address, at the form.
    assert page.url.startswith(comments_site + reverse("comments:post") + "?on=blog.post")
    expect(page.locator("link[rel=canonical]")).to_have_attribute("href", comments_site + ROCKY)
    expect(page.locator("h1")).to_have_text(_rocky().title)
    summary = page.locator(".error-summary")
    expect(summary).to_have_role("alert")
    expect(summary).to_contain_text("There is a problem")
    assert Comment.objects.count() == 0

    form = page.locator("form.comment-form")
    text = form.get_by_role("textbox", name="Comment", exact=True)
    name = form.get_by_role("textbox", name="Name", exact=True)
    email = form.get_by_role("textbox", name="Email", exact=True)
    expect(text).to_have_value("No pain.\n\nNo pain!")
    expect(email).to_have_value("not-an-email")
    expect(text).not_to_have_attribute("aria-invalid", "true")
    for field, field_id in ((name, "id_name"), (email, "id_email")):
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_attribute(
            "aria-describedby", re.compile(rf"(^|\s){field_id}_error(\s|$)")
        )
        inline = page.locator(f"#{field_id}_error")
        expect(inline).to_be_visible()
        link = summary.locator(f'a[href="#{field_id}"]')
        expect(link).to_have_count(1)
        # The same words in the summary and under the field (after a hidden "Error:").
        expect(inline).to_have_text(re.compile(r"^\s*Error:\s*" + re.escape(link.inner_text())))
    assert summary.locator("a").count() == 2

    summary.locator('a[href="#id_email"]').click()
    expect(email).to_be_focused()
    expect(email).to_be_in_viewport()


def test_error_summary_has_focus_once_the_page_has_loaded(comments_site, page):
    """After a refused comment the error summary holds the focus, so it is read out first."""
    _post_with_errors(page, comments_site)
    page.wait_for_timeout(200)
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")


def test_remember_me_prefills_the_form_in_the_same_browser_only(comments_site, open_page):
    """Ticking "Save my name…" fills the form next time in this browser, and nowhere else."""
    page = open_page()
    page.goto(comments_site + ROCKY)
    expect(page.get_by_role("checkbox", name=REMEMBER)).not_to_be_checked()
    _fill_comment(
        page,
        text="Cut me, Mick.",
        name="Mickey Goldmill",
        email="mickey@example.com",
        website="https://example.com/mighty-mick",
        remember=True,
    )
    _post_comment(page)

    page.goto(comments_site + ROCKY)
    form = page.locator("form.comment-form")
    expect(form.get_by_role("textbox", name="Name", exact=True)).to_have_value("Mickey Goldmill")
    expect(form.get_by_role("textbox", name="Email", exact=True)).to_have_value(
        "mickey@example.com"
    )
    expect(form.get_by_role("textbox", name="Website (optional)")).to_have_value(
        "https://example.com/mighty-mick"
    )
    expect(form.get_by_role("checkbox", name=REMEMBER)).to_be_checked()
    expect(form.get_by_role("textbox", name="Comment", exact=True)).to_have_value("")
    (commenter,) = [c for c in page.context.cookies() if c["name"] == "comments_commenter"]
    assert commenter["httpOnly"]

    stranger = open_page()
    stranger.goto(comments_site + ROCKY)
    form = stranger.locator("form.comment-form")
    expect(form.get_by_role("textbox", name="Name", exact=True)).to_have_value("")
    expect(form.get_by_role("textbox", name="Email", exact=True)).to_have_value("")
    expect(form.get_by_role("textbox", name="Website (optional)")).to_have_value("")
    expect(form.get_by_role("checkbox", name=REMEMBER)).not_to_be_checked()


def test_reply_without_javascript_goes_through_replytocom_and_saves_the_parent(
    comments_site, open_page
):
    """Without JavaScript, Reply reloads the page with the form set to answer that comment."""
    parent = _seed("Ludmilla Drago", "My husband is not a bully.")
    page = open_page(java_script_enabled=False)
    page.goto(comments_site + ROCKY)

    page.locator(f"#comment-{parent.pk} a.comment__reply").click()
    expect(page).to_have_url(comments_site + ROCKY + f"?replytocom={parent.pk}#respond")
    expect(page.locator("#respond h3")).to_have_text("Leave a Reply to Ludmilla Drago")
    expect(page.locator('form.comment-form input[name="parent"]')).to_have_value(str(parent.pk))
    expect(page.get_by_role("link", name="Cancel reply")).to_have_attribute(
        "href", ROCKY + "#respond"
    )

    _fill_comment(
        page, text="He is when the cameras roll.", name="Duke Evers", email="duke@example.com"
    )
    reply_id = _post_comment(page)

    saved = Comment.objects.get(pk=reply_id)
    assert saved.parent_id == parent.pk
    assert saved.status == Comment.Status.PENDING
    nested = page.locator(f"#comment-{parent.pk} ol.comment-list--replies #comment-{reply_id}")
    expect(nested.locator(".comment__body--pending")).to_contain_text(AWAITING)
    expect(page.locator("#respond h3")).to_have_text("Leave a Reply")


def _seed_thread():
    """Five levels of replies with an author's answer, then a second thread; returns
    the depth-5 reply and the second thread's root."""
    root = _seed(
        "Apollo Creed",
        "The montage cuts between the barn and the lab so fast that you feel the "
        "difference before anyone says a word.",
        url="https://example.com/apollo",
    )
    author = _seed(
        "Montage Editor",
        "That is the point of the sequence: one man lifts logs, the other lifts numbers.",
        parent=root,
        is_author=True,
    )
    third = _seed("Paulie Pennino", "I still say the sled scene is the best part.", parent=author)
    fourth = _seed(
        "Duke Evers",
        "The sled, the snow, the mountain top: three locations, one song.",
        parent=third,
    )
    deepest = _seed(
        "Adrian Balboa",
        "At the deepest level a reply still needs room to breathe, so this one runs long "
        "enough to wrap over several lines on a phone.",
        parent=fourth,
    )
    second_root = _seed("Ivan Drago", "I must break you.")
    return {"deepest": deepest, "second_root": second_root}


def test_replies_five_deep_keep_30_characters_a_line_on_a_320px_phone(comments_site, open_page):
    """On a 320px phone the deepest reply still holds at least 30 characters a line."""
    deepest = _seed_thread()["deepest"]
    page = open_page(viewport={"width": 320, "height": 800})
    page.goto(comments_site + ROCKY)
    comment = page.locator(f"#comment-{deepest.pk}")
    expect(comment.locator("xpath=ancestor::ol")).to_have_count(5)
    assert comment.locator(":scope > article .comment__text").evaluate(CHARACTERS_PER_LINE) >= 30


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
def test_screenshot_threaded_comments_and_form_errors(comments_site, open_page, width, scheme):
    """The threaded comments and the form with errors are saved as screenshots for review."""
    second_root = _seed_thread()["second_root"]
    pending = _seed(
        "Rocky Balboa",
        "If I can change, and you can change, everybody can change!",
        parent=second_root,
        status=Comment.Status.PENDING,
    )
    page = open_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page.context.add_cookies([_pending_cookie([pending.pk], comments_site)])
    page.goto(comments_site + ROCKY, wait_until="load")

    section = page.locator("#comments")
    expect(section.locator(".badge", has_text="Author")).to_have_count(1)
    expect(section.locator(".comment__body--pending")).to_have_count(1)
    expect(section.locator("a[rel='nofollow ugc']")).to_have_attribute(
        "href", "https://example.com/apollo"
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    section.screenshot(path=SCREENSHOTS / f"comments-{width}-{scheme}.png")
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll_width <= client_width

    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator(".error-summary")).to_be_visible()
    page.wait_for_load_state("load")
    page.locator("#respond").screenshot(
        path=SCREENSHOTS / f"comment-form-errors-{width}-{scheme}.png"
    )


TOO_FAST = (
    "Your comment was sent very soon after the page opened. Wait a moment, then send it again."
)


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_comment_sent_too_fast_comes_back_at_the_form_and_passes_when_sent_again(
    demo_site, open_page, settings, javascript
):
    """Sent before the form's minimum age, the comment returns with its text and a
    sentence to wait; sent again once the wait is over, it is taken."""
    settings.COMMENTS_MIN_SECONDS_TO_POST = 600  # the page is always "too new" at first
    page = open_page(java_script_enabled=javascript, viewport={"width": 390, "height": 900})
    page.goto(demo_site + ROCKY)
    _fill_comment(page, text="Quick, but human.", name="Tony Evers", email="tony@example.com")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state("load")
    assert posted.value.status == 429
    assert page.url.startswith(demo_site + reverse("comments:post") + "?on=blog.post")
    expect(page.locator(".error-summary")).to_contain_text(TOO_FAST)
    form = page.locator("form.comment-form")
    expect(form.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "Quick, but human."
    )
    expect(form.get_by_role("textbox", name="Name", exact=True)).to_have_value("Tony Evers")
    assert Comment.objects.count() == 0
    SCREENSHOTS.mkdir(exist_ok=True)
    suffix = "js" if javascript else "nojs"
    page.locator("#respond").screenshot(path=SCREENSHOTS / f"comment-too-fast-{suffix}.png")

    settings.COMMENTS_MIN_SECONDS_TO_POST = 0  # as if the reader had waited
    comment_id = _post_comment(page)
    assert page.url == demo_site + ROCKY + f"#comment-{comment_id}"
    saved = Comment.objects.get()
    assert (saved.pk, saved.text, saved.status) == (comment_id, "Quick, but human.", "pending")


def test_errors_without_javascript_come_back_on_the_posts_page_at_the_form(
    comments_site, open_page
):
    """Without JavaScript a refused comment also returns on the post's page, text kept."""
    page = open_page(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    assert _post_with_errors(page, comments_site) == 400
    assert page.url.startswith(comments_site + reverse("comments:post") + "?on=blog.post")
    expect(page.locator("h1")).to_have_text(_rocky().title)
    expect(page.locator(".error-summary li")).to_have_count(2)
    form = page.locator("form.comment-form")
    expect(form.get_by_role("textbox", name="Comment", exact=True)).to_have_value(
        "No pain.\n\nNo pain!"
    )
    # The section's links lead back to the post, not to the endpoint's address.
    for link in page.locator("#comments a[href*='?']").all():
        assert link.get_attribute("href").startswith(ROCKY)
    page.locator("#respond").screenshot(path=SCREENSHOTS / "comment-form-errors-nojs.png")

    _fill_comment(page, text="No pain.", name="Rocky Balboa", email="rocky@example.com")
    comment_id = _post_comment(page)
    assert Comment.objects.get().pk == comment_id
