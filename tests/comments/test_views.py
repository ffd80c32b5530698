import datetime
import re
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from blog.post_page import menu_pages
from comments.conf import discussion_settings
from comments.models import Comment
from site_settings.conf import site_settings
from tests.blog.test_views import POST_PAGE_QUERIES
from tests.comments.helpers import comment_data, comment_endpoint, form_token
from tests.factories import (
    CommentFactory,
    DraftFactory,
    PostFactory,
    PostTrackFactory,
    ScheduledFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def post():
    return PostFactory(title="Rocky training in Russia")


def _post(client, post, /, **overrides):
    return client.post(comment_endpoint(), comment_data(post, **overrides))


def test_form_says_email_is_not_published_and_marks_required_fields(client, post):
    """The form carries WordPress's notice and asks for name, email and comment."""
    content = client.get(post.get_absolute_url()).content.decode()
    assert "Your email address will not be published. Required fields are marked" in content
    assert "Leave a Reply" in content
    for field in ("name", "email", "text"):
        assert re.search(rf'name="{field}"[^>]*required', content), field
    assert 'Website <span class="optional">(optional)</span>' in content
    assert 'type="checkbox" name="remember"' in content
    assert "checked" not in re.search(r'<input[^>]*name="remember"[^>]*>', content).group(0)


def test_new_comment_redirects_to_its_anchor_and_waits_for_moderation(client, post):
    """Posting answers 303 to the post at #comment-ID; the comment is held."""
    response = _post(client, post)
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert comment.status == Comment.Status.PENDING


def test_pending_comment_is_shown_to_its_writer_only(client, post):
    """The writer sees their pending comment, marked; another browser does not."""
    _post(client, post, text="My pending thought.")
    mine = client.get(post.get_absolute_url()).content.decode()
    theirs = Client().get(post.get_absolute_url()).content.decode()
    assert "My pending thought." in mine
    assert "Awaiting moderation — only you can see this." in mine
    assert "My pending thought." not in theirs


def test_forged_pending_cookie_shows_nothing(client, post):
    """A hand-made cookie naming someone else's pending comment reveals nothing."""
    other = CommentFactory(target=post, status=Comment.Status.PENDING, text="Not yours.")
    client.cookies["comments_pending"] = str(other.pk)
    assert "Not yours." not in client.get(post.get_absolute_url()).content.decode()


def test_approved_comment_shows_to_everyone_with_name_date_and_permalink(client, post):
    """An approved comment is public: name, date as a permalink, text."""
    comment = CommentFactory(target=post, name="Apollo", text="Going the distance.")
    content = client.get(post.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in content
    assert f'href="#comment-{comment.pk}"' in content
    assert "Apollo" in content and "Going the distance." in content
    assert "1 comment</h2>" in content


def test_comment_text_is_escaped_with_line_breaks_and_nofollow_links(client, post):
    """HTML is shown as typed, lines are kept, and links get rel="nofollow ugc"."""
    CommentFactory(target=post, text="<b>bold</b>\nsecond line https://example.com/x")
    content = client.get(post.get_absolute_url()).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;<br>second line" in content
    assert '<a href="https://example.com/x" rel="nofollow ugc">' in content


def test_commenter_website_links_their_name_with_nofollow_ugc(client, post):
    """A given website links the commenter's name, marked as user content."""
    CommentFactory(target=post, name="Duke", url="https://duke.example/")
    content = client.get(post.get_absolute_url()).content.decode()
    assert '<a href="https://duke.example/" rel="nofollow ugc">Duke</a>' in content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter your name."),
        ("email", "", "Enter your email address: it is never published."),
        ("text", "", "Write your comment."),
        ("text", "   \n  ", "Write your comment."),
        ("email", "not-an-email", "Enter an email address like name@example.com."),
        ("name", "N" * 246, "Ensure this value has at most 245 characters"),
        ("email", f"{'e' * 96}@x.io", "Ensure this value has at most 100 characters"),
        (
            "url",
            "https://example.com/" + "u" * 190,
            "Ensure this value has at most 200 characters",
        ),
        ("url", "javascript:alert(1)", "Enter a web address such as https://example.com."),
        (
            "url",
            "ftp://example.com/file",
            "Enter a web address such as https://example.com.",
        ),
        ("text", "t" * 65526, "Ensure this value has at most 65525 characters"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_what_was_typed_is_kept(
    client, post, field, value, message
):
    """Each mistake is named beside its field and in the summary; nothing typed is lost."""
    typed = {"name": "Paulie", "text": "Yo, Rocky!", "email": "paulie@example.com"}
    typed[field] = value
    response = _post(client, post, **typed)
    content = response.content.decode()
    assert response.status_code == 400
    assert message in content
    assert "There is a problem" in content
    assert 'aria-invalid="true"' in content
    assert "<title>Error:" in content
    for name, typed_value in typed.items():
        if name != field and typed_value:
            assert typed_value in content
    assert not Comment.objects.exists()


def test_reply_to_a_comment_of_another_post_is_refused(client, post):
    """A reply cannot hang from a comment on another page."""
    elsewhere = CommentFactory(target=PostFactory())
    response = _post(client, post, parent=str(elsewhere.pk), text="Misplaced reply")
    assert response.status_code == 400
    assert "not on this page any more" in response.content.decode()
    assert "Misplaced reply" in response.content.decode()


def test_reply_to_a_pending_comment_is_refused(client, post):
    """Only approved comments can be answered."""
    pending = CommentFactory(target=post, status=Comment.Status.PENDING)
    response = _post(client, post, parent=str(pending.pk))
    assert response.status_code == 400
    assert not Comment.objects.filter(parent=pending).exists()


def test_reply_is_threaded_under_its_parent(client, post, settings):
    """A reply is saved with its parent and shown nested under it."""
    settings.COMMENTS_FLOOD_SECONDS = 0
    parent = CommentFactory(target=post, name="Adrian", email="adrian@example.com")
    _post(client, post, parent=str(parent.pk), name="Adrian", email="adrian@example.com")
    reply = Comment.objects.get(parent=parent)
    assert reply.status == Comment.Status.APPROVED  # a returning commenter
    content = client.get(post.get_absolute_url()).content.decode()
    assert re.search(
        rf'id="comment-{parent.pk}".*?<ol class="comment-list comment-list--replies">\s*'
        rf'<li class="comment" id="comment-{reply.pk}"',
        content,
        re.DOTALL,
    )


def test_reply_link_works_without_javascript(client, post):
    """?replytocom=ID renders the form answering that comment."""
    parent = CommentFactory(target=post, name="Mickey")
    content = client.get(post.get_absolute_url(), {"replytocom": parent.pk}).content.decode()
    assert "Leave a Reply to Mickey" in content
    assert f'name="parent" value="{parent.pk}"' in content


def test_closed_comments_refuse_new_ones_and_keep_the_text(client):
    """The author's switch closes the discussion; a late comment is refused, not lost."""
    post = PostFactory(comments_enabled=False)
    response = _post(client, post, text="Too late?")
    assert response.status_code == 403
    assert "Comments are closed." in response.content.decode()
    assert "Too late?" in response.content.decode()
    assert "Comments are closed." in Client().get(post.get_absolute_url()).content.decode()


def test_comments_close_after_the_configured_number_of_days(client, settings):
    """With "close after N days", an older post takes no new comments."""
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    old = PostFactory(published_at=timezone.now() - datetime.timedelta(days=15))
    recent = PostFactory(published_at=timezone.now() - datetime.timedelta(days=13))
    assert _post(client, old).status_code == 403
    assert _post(client, recent).status_code == 303


def test_duplicate_comment_is_refused_with_wordpress_message(client, post, settings):
    """The same text from the same email on the same post is refused, text kept."""
    settings.COMMENTS_FLOOD_SECONDS = 0
    _post(client, post, text="Drago is a machine.")
    response = _post(client, post, text="Drago is a machine.")
    assert response.status_code == 409
    content = response.content.decode()
    assert (
        "Duplicate comment detected; it looks as though you&#x27;ve already said that!" in content
    )
    assert "Drago is a machine." in content
    assert Comment.objects.count() == 1


def test_posting_again_within_15_seconds_is_refused_with_429(client, post):
    """A second comment from the same address at once is refused; the text stays."""
    _post(client, post, text="First.")
    response = _post(client, post, text="Second, right away.", email="other@example.com")
    assert response.status_code == 429
    content = response.content.decode()
    assert "You are posting comments too quickly. Wait 15 seconds, then send it again." in content
    assert "Second, right away." in content


def test_a_filled_honeypot_is_spam_answered_exactly_as_a_person_is(client, post):
    """A bot filling the hidden field is kept as spam and told nothing different."""
    response = _post(client, post, homepage="http://spam.example")
    person = _post(Client(REMOTE_ADDR="198.51.100.9"), post, email="person@example.com")
    spam = Comment.objects.get(status=Comment.Status.SPAM)
    assert response.status_code == person.status_code == 303
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{spam.pk}"
    assert sorted(response.cookies) == sorted(person.cookies)
    assert spam.text not in Client().get(post.get_absolute_url()).content.decode()


TOO_FAST = "Your comment was sent very soon after the page opened."


def test_a_comment_sent_too_fast_comes_back_with_its_text_and_asks_to_wait(client, post):
    """Sent a moment after the page opened: the form returns, text kept, nothing stored."""
    token = form_token(post, age_seconds=0)
    response = _post(client, post, token=token, text="Quick, but human.")
    content = response.content.decode()
    assert response.status_code == 429
    assert TOO_FAST in content and "Wait a moment, then send it again." in content
    assert "Quick, but human." in content
    assert f'name="token" value="{token}"' in content  # the first timestamp, kept
    assert not Comment.objects.exists()


def test_a_comment_sent_too_fast_passes_when_sent_again_after_the_wait(client, post):
    """Sending the returned form again a few seconds later stores the comment."""
    token = form_token(post, age_seconds=0)
    assert _post(client, post, token=token).status_code == 429
    real_time = time.time
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: real_time() + 5)
        response = _post(client, post, token=token)
    assert response.status_code == 303
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_tampered_form_token_is_a_400_that_keeps_the_text(client, post):
    """A forged token is refused with a 400; the reader's text is still in the form."""
    response = _post(client, post, token="forged:token", text="Keep me")
    assert response.status_code == 400
    content = response.content.decode()
    assert "could not be checked" in content
    assert "Keep me" in content
    assert not Comment.objects.exists()


def test_token_for_another_post_is_refused(client, post):
    """A token signed for one post cannot be replayed on another."""
    response = _post(client, post, token=form_token(PostFactory()))
    assert response.status_code == 400


def test_expired_form_asks_to_post_again_and_keeps_the_text(client, post, settings):
    """A form left open too long is refused with a fresh token and the text kept."""
    settings.COMMENTS_MAX_FORM_AGE_SECONDS = 60
    old_token = form_token(post, age_seconds=0)
    real_time = time.time
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: real_time() + 120)
        response = _post(client, post, token=old_token, text="Written slowly")
    content = response.content.decode()
    assert response.status_code == 400
    assert "Check your comment and post it again" in content
    assert "Written slowly" in content
    assert old_token not in content


def test_staff_author_is_published_at_once_with_an_author_badge(client, post):
    """The logged-in author's comment is approved and marked as the author's."""
    client.force_login(StaffFactory())
    _post(client, post, text="Thanks for reading! https://a.example https://b.example")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED and comment.is_author
    content = Client().get(post.get_absolute_url()).content.decode()
    assert '<span class="badge">Author</span>' in content


def test_remember_me_fills_the_form_next_time(client, post):
    """With consent, name, email and website come back on the next visit."""
    _post(client, post, remember="on", name="Rocky", url="https://rocky.example")
    content = client.get(post.get_absolute_url()).content.decode()
    assert 'value="Rocky"' in content
    assert 'value="ivan@example.com"' in content
    assert 'value="https://rocky.example"' in content


def test_without_consent_nothing_is_remembered(client, post):
    """Unticked, the browser keeps no name or email, and an earlier one is forgotten."""
    _post(client, post, remember="on", name="Rocky")
    client.post(
        comment_endpoint(),
        comment_data(post, name="Rocky", email="r2@example.com", text="Second, unticked."),
        REMOTE_ADDR="192.0.2.44",
    )
    content = Client().get(post.get_absolute_url()).content.decode()
    assert 'value="Rocky"' not in content
    response = client.get(post.get_absolute_url())
    assert 'value="Rocky"' not in response.content.decode()


def test_comment_counts_show_on_the_home_page_and_the_post(client, post):
    """Lists and the post say how many approved comments there are."""
    CommentFactory.create_batch(3, target=post)
    CommentFactory(target=post, status=Comment.Status.PENDING)
    assert "3 comments</a>" in client.get("/").content.decode()
    assert "3 comments</h2>" in client.get(post.get_absolute_url()).content.decode()


def test_threads_follow_the_depth_setting(client, post, settings):
    """Replies past the depth limit are shown at the deepest level, not deeper."""
    settings.COMMENTS_THREAD_DEPTH = 2
    top = CommentFactory(target=post)
    reply = CommentFactory(target=post, parent=top)
    CommentFactory(target=post, parent=reply)
    content = client.get(post.get_absolute_url()).content.decode()
    assert content.count('<ol class="comment-list comment-list--replies">') == 1


def test_comments_are_paginated_by_thread(client, post, settings):
    """Past the page size, older threads stay on page 1 and newer move on."""
    settings.COMMENTS_PER_PAGE = 2
    for index in range(5):
        CommentFactory(target=post, text=f"Thread number {index}.")
    first = client.get(post.get_absolute_url()).content.decode()
    third = client.get(post.get_absolute_url(), {"cpage": 3}).content.decode()
    assert "Thread number 0." in first and "Thread number 2." not in first
    assert "Thread number 4." in third
    assert f'href="{post.get_absolute_url()}?cpage=3#comments"' in first


@pytest.mark.parametrize("count", [1, 200])
def test_post_page_queries_do_not_grow_with_comments(client, django_assert_num_queries, count):
    """One comment or two hundred threaded ones: the same number of queries."""
    post = PostFactory()
    PostTrackFactory(post=post)
    parents = [None]
    for index in range(count):
        parent = parents[index % len(parents)]
        parents.append(CommentFactory(target=post, parent=parent))
    ContentType.objects.get_for_model(post)  # looked up once per process, then cached
    discussion_settings()  # site-wide, read once and then cached (test_discussion_settings)
    site_settings()  # the same (tests/site_settings)
    menu_pages()  # the same (tests/blog/test_pages.py)
    with django_assert_num_queries(POST_PAGE_QUERIES):
        response = client.get(post.get_absolute_url())
    assert response.content.decode().count('class="comment') >= count


def test_cached_thread_shows_a_newly_approved_comment(client, post):
    """Approving a comment refreshes the cached thread at once."""
    from comments.services import comment_approve

    client.get(post.get_absolute_url())
    pending = CommentFactory(target=post, status=Comment.Status.PENDING, text="Now approved.")
    assert "Now approved." not in client.get(post.get_absolute_url()).content.decode()
    comment_approve(comments=[pending])
    assert "Now approved." in client.get(post.get_absolute_url()).content.decode()


def test_cached_thread_follows_changes_made_by_another_process(client, post):
    """The thread's cache key comes from the database, so a change made elsewhere shows."""
    comment = CommentFactory(
        target=post, status=Comment.Status.PENDING, text="Approved elsewhere."
    )
    client.get(post.get_absolute_url())
    Comment.objects.filter(pk=comment.pk).update(
        status=Comment.Status.APPROVED, updated_at=timezone.now()
    )
    assert "Approved elsewhere." in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("factory", [DraftFactory, ScheduledFactory])
def test_a_post_not_yet_published_takes_no_comment_and_says_so(client, factory):
    """Staff see a draft's page with no comment form; a forced post keeps its text."""
    client.force_login(StaffFactory())
    post = factory()
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Comments open once this is published." in page
    assert 'class="comment-form"' not in page
    response = _post(client, post, text="Typed before publication.")
    assert response.status_code == 403
    assert "Comments open once this is published." in response.content.decode()
    assert "Typed before publication." in response.content.decode()
    assert not Comment.objects.exists()


_text = st.text(max_size=300)
_fields = ["name", "email", "url", "text", "parent", "target", "token", "homepage", "remember"]
_post_bodies = st.dictionaries(
    st.sampled_from(_fields), st.one_of(_text, st.integers().map(str), st.just(""))
)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=_post_bodies, starts_valid=st.booleans())
def test_no_post_body_causes_a_server_error(client, post, body, starts_valid):
    """Whatever a POST holds, the answer is a redirect or a page with an error."""
    if starts_valid:
        body = {**comment_data(post, email=f"{len(body)}@example.com"), **body}
    response = client.post(comment_endpoint(), body)
    assert response.status_code in {303, 400, 403, 409, 429}


def test_comments_behind_a_trusted_proxy_are_told_apart_by_forwarded_address(
    client, post, settings
):
    """Behind one proxy, two readers at once are two addresses, not a flood."""
    settings.COMMENTS_TRUSTED_PROXIES = 1
    first = client.post(
        comment_endpoint(),
        comment_data(post, email="a@example.com"),
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    second = client.post(
        comment_endpoint(),
        comment_data(post, email="b@example.com", text="Another reader."),
        HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.2",
    )
    assert first.status_code == second.status_code == 303
    assert sorted(Comment.objects.values_list("ip_address", flat=True)) == [
        "198.51.100.1",
        "198.51.100.2",
    ]


def test_a_name_on_two_lines_is_refused(client, post):
    """Control characters in the name are refused; they would break the author's email."""
    response = _post(client, post, name="Ivan\r\nBcc: everyone@example.com")
    assert response.status_code == 400
    assert "Write your name on one line." in response.content.decode()


def test_closed_discussion_shows_no_reply_links(client):
    """Once comments close, the thread stays but offers no Reply."""
    post = PostFactory(comments_enabled=False)
    CommentFactory(target=post, text="Still here.")
    content = client.get(post.get_absolute_url()).content.decode()
    assert "Still here." in content
    assert "comment__reply" not in content


def test_staff_replying_at_once_are_not_taken_for_bots(client, post):
    """The author's quick reply is published, not marked as spam."""
    client.force_login(StaffFactory())
    _post(client, post, token=form_token(post, age_seconds=0))
    assert Comment.objects.get().status == Comment.Status.APPROVED


def test_error_summary_lists_each_problem_once(client, post):
    """A bad website and a missing name are two lines in the summary, not three."""
    response = _post(client, post, name="", url="javascript:alert(1)")
    summary = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S)
    items = re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
    assert len(items) == 2
    assert "Enter a web address such as https://example.com." in items[1]


def test_form_posts_to_the_comment_endpoint_and_comes_back_at_the_form(client, post):
    """The form's action is the comments app's own address, naming the page, then #respond."""
    content = client.get(post.get_absolute_url()).content.decode()
    assert f'action="{reverse("comments:post")}?on=blog.post%3A{post.pk}#respond"' in content
    assert f'name="target" value="blog.post:{post.pk}"' in content


def test_the_comment_endpoint_has_no_page_of_its_own(client):
    """Opening the endpoint's address without a target leads home; PUT is refused."""
    response = client.get(comment_endpoint())
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.put(comment_endpoint()).status_code == 405


def test_refused_comment_comes_back_on_the_posts_own_page(client, post):
    """A refused comment is answered with the whole post page, at the form, text kept."""
    response = _post(client, post, name="", text="Typed on the post's page.")
    content = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Rocky training in Russia" in content
    assert f'<link rel="canonical" href="http://testserver{post.get_absolute_url()}">' in content
    assert "<h1>Rocky training in Russia</h1>" in content
    assert 'id="respond"' in content
    assert "Typed on the post&#x27;s page." in content
    assert "blog/post_detail.html" in [template.name for template in response.templates]


def test_links_on_a_refused_comments_page_lead_to_the_post(client, post, settings):
    """Reply, comment pages and Cancel reply point at the post, not at the endpoint."""
    settings.COMMENTS_PER_PAGE = 1
    first, _second = CommentFactory.create_batch(2, target=post)
    response = _post(client, post, parent=str(first.pk), name="")
    content = response.content.decode()
    url = post.get_absolute_url()
    assert f'href="{url}?replytocom={first.pk}#respond"' in content
    assert f'href="{url}?cpage=2#comments"' in content
    assert f'href="{url}#respond" data-cancel-reply' in content
    assert "Leave a Reply to" in content


@pytest.mark.parametrize(
    "target",
    [
        None, "", "blog.post", "blog.post:abc", "auth.user:1", "blog.post:999999",
        "blog.post:9999999999999999999", "nonsense:1",
    ],
)  # fmt: skip
def test_a_form_naming_no_page_that_takes_comments_is_a_400_that_shows_the_text(
    client, post, target
):
    """An altered or orphaned form is refused, saves nothing, and shows what was written."""
    response = _post(client, post, target=target, text="Words worth keeping.")
    content = response.content.decode()
    assert response.status_code == 400
    assert "Your comment was not sent" in content
    assert "Words worth keeping." in content
    assert not Comment.objects.exists()


def test_a_form_for_a_deleted_post_shows_what_was_written(client, post):
    """The post went away while the reader typed: the text is shown to keep."""
    data = comment_data(post, text="Written for a post now gone.")
    post.delete()
    response = client.post(comment_endpoint(), data)
    assert response.status_code == 400
    assert "Written for a post now gone." in response.content.decode()


def test_a_post_unpublished_while_the_reader_typed_keeps_what_they_wrote(client, post):
    """Its page is gone for readers; the comment comes back to keep, and nothing of the
    draft shows: the answer is the one a deleted post gets."""
    data = comment_data(post, text="Is anyone there?")
    post.status = post.Status.DRAFT
    post.save()
    response = client.post(comment_endpoint(), data)
    content = response.content.decode()
    assert response.status_code == 400
    assert "Your comment was not sent" in content
    assert "Is anyone there?" in content
    assert post.title not in content
    assert not Comment.objects.exists()


def test_reply_links_on_a_later_comment_page_stay_on_that_page(client, post, settings):
    """Without JavaScript, Reply on page 2 opens page 2 with the form, not page 1."""
    settings.COMMENTS_PER_PAGE = 1
    CommentFactory(target=post, text="On the first page.")
    second = CommentFactory(target=post, text="On the second page.")
    page = client.get(post.get_absolute_url(), {"cpage": 2}).content.decode()
    assert f'href="{post.get_absolute_url()}?cpage=2&amp;replytocom={second.pk}#respond"' in page
    reply_page = client.get(post.get_absolute_url(), {"cpage": 2, "replytocom": second.pk})
    content = reply_page.content.decode()
    assert "On the second page." in content and "On the first page." not in content
    assert f'name="parent" value="{second.pk}"' in content


def test_a_comments_own_address_leads_to_the_comment_page_that_shows_it(client, post, settings):
    settings.COMMENTS_PER_PAGE = 1
    earlier = timezone.now() - datetime.timedelta(hours=2)
    CommentFactory(target=post, created_at=earlier)
    second = CommentFactory(target=post)
    answer = client.get(reverse("comments:permalink", args=[second.pk]))
    assert answer.status_code == 302
    assert answer["Location"] == f"{post.get_absolute_url()}?cpage=2#comment-{second.pk}"


def test_a_comments_address_keeps_the_reader_on_their_page_when_it_is_not_there(client, post):
    """An old number from another site may now be another post's comment."""
    elsewhere = CommentFactory(target=PostFactory())
    page = post.get_absolute_url()
    answer = client.get(reverse("comments:permalink", args=[elsewhere.pk]), {"on": page})
    assert answer["Location"] == f"{page}?cpage=1"
    address = reverse("comments:permalink", args=[elsewhere.pk])
    off_site = client.get(address, {"on": "//x.example/"})
    assert off_site["Location"].startswith(elsewhere.target.get_absolute_url())


def test_a_comments_address_reveals_nothing_unpublished(client, post):
    pending = CommentFactory(target=post, status=Comment.Status.PENDING)
    answer = client.get(reverse("comments:permalink", args=[pending.pk]))
    assert answer["Location"] == f"{post.get_absolute_url()}?cpage=1"
    on_a_draft = CommentFactory(target=DraftFactory())
    assert client.get(reverse("comments:permalink", args=[on_a_draft.pk])).status_code == 404
    assert client.get("/comments/99999999/").status_code == 404


def test_a_pingback_is_shown_as_one(client, post):
    CommentFactory(
        target=post, kind=Comment.Kind.PINGBACK, name="Film Blog", url="https://films.example/"
    )
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'rel="nofollow ugc">Film Blog</a></span> <span class="badge">Pingback</span>' in page


def test_comments_in_right_to_left_scripts_keep_their_direction(client, post):
    CommentFactory(target=post, name="مريم", text="هذا مشهد رائع!")
    page = client.get(post.get_absolute_url()).content.decode()
    assert '<span class="comment__author" dir="auto">مريم</span>' in page
    assert '<div class="comment__text" dir="auto"><p>هذا مشهد رائع!</p></div>' in page


def test_coming_back_to_the_refused_comments_address_leads_to_its_page(client, post):
    """A reload declined or a revisit of /comments/post/ is sent to the post's form."""
    response = client.post(comment_endpoint(), comment_data(post, name=""))
    assert response.status_code == 400
    action = re.search(
        r'class="comment-form" method="post" action="([^"]+)"', response.content.decode()
    )
    address = action[1].replace("&amp;", "&").split("#")[0]
    again = client.get(address)
    assert again.status_code == 302
    assert again["Location"] == f"{post.get_absolute_url()}#respond"
    assert client.get(comment_endpoint()).status_code == 302


def _form_values(content):
    return dict(re.findall(r'name="(csrfmiddlewaretoken|token|target)" value="([^"]*)"', content))


def test_every_reader_gets_tokens_of_their_own_and_they_post(post, settings):
    """Two readers of the same page get different CSRF and form tokens, and each works."""
    settings.COMMENTS_MIN_SECONDS_TO_POST = 0
    settings.COMMENTS_FLOOD_SECONDS = 0  # both readers post from the test client's address
    readers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    forms = [
        _form_values(reader.get(post.get_absolute_url()).content.decode()) for reader in readers
    ]
    assert forms[0]["csrfmiddlewaretoken"] != forms[1]["csrfmiddlewaretoken"]
    assert forms[0]["token"] != forms[1]["token"]
    for reader, form, name in zip(readers, forms, ["Apollo Creed", "Ivan Drago"], strict=True):
        data = comment_data(post, name=name, text=f"{name} was here.", **form)
        response = reader.post(comment_endpoint(), data)
        assert response.status_code == 303
    assert sorted(Comment.objects.values_list("name", flat=True)) == ["Apollo Creed", "Ivan Drago"]


def test_each_page_shows_a_form_for_itself(client, post):
    """The form on a second post names that post, not the first one shown."""
    other = PostFactory(title="Rocky Balboa")
    client.get(post.get_absolute_url())
    form = _form_values(client.get(other.get_absolute_url()).content.decode())
    assert form["target"] == f"blog.post:{other.pk}"
    assert (
        f"?on=blog.post%3A{other.pk}#respond"
        in client.get(other.get_absolute_url()).content.decode()
    )
