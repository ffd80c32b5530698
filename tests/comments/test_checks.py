import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from comments.checks import Decision, Submission, Verdict
from comments.conf import discussion_settings
from comments.models import Comment
from comments.services import (
    comment_approve,
    comment_mark_spam,
    comment_restore,
    comment_submit,
    comment_trash,
    comments_are_open,
)
from tests.factories import CommentFactory, PostFactory, StaffFactory

pytestmark = pytest.mark.django_db

ADMIN = "https://montage.example.com"
FLOOD_MESSAGE = "You are posting comments too quickly. Wait 15 seconds, then send it again."
DUPLICATE_MESSAGE = "Duplicate comment detected; it looks as though you've already said that!"
MODULE = "tests.comments.test_checks"


def refuse_everything(submission, conf):
    """A site's own check: refuses every comment."""
    return Decision(Verdict.REFUSE, "closed for maintenance", message="Not now.", http_status=503)


def hold_everything(submission, conf):
    """A site's own check: holds every comment."""
    return Decision(Verdict.HOLD, "held by site rule")


def approve_everything(submission, conf):
    """A site's own check: approves every comment (not final)."""
    return Decision(Verdict.APPROVE, "approved by site rule")


@pytest.fixture
def post():
    return PostFactory(title="Rocky training in Russia")


def _submission(target, **overrides):
    """What a reader's browser sends, with the defaults of an ordinary human visit."""
    values = {
        "target": target,
        "name": "Ivan Drago",
        "email": "ivan@example.com",
        "url": "",
        "text": "If he dies, he dies.",
        "parent": None,
        "user": AnonymousUser(),
        "ip_address": "198.51.100.20",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
        "seconds_since_form_shown": 30,
        "honeypot_filled": False,
    }
    values.update(overrides)
    return Submission(**values)


def _submit(target, **overrides):
    return comment_submit(submission=_submission(target, **overrides), admin_base_url=ADMIN)


def _age(comment, seconds):
    """Pretend ``comment`` was received ``seconds`` ago."""
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )


def _earlier_comment(target, **fields):
    """A comment received an hour ago, well outside the flood interval."""
    comment = CommentFactory(target=target, **fields)
    _age(comment, 3600)
    return comment


def _returning(target, **fields):
    """Ivan Drago has an approved comment from an hour ago."""
    values = {"name": "Ivan Drago", "email": "ivan@example.com", "text": "I must break you."}
    values.update(fields)
    return _earlier_comment(target, **values)


# Returning commenters and new ones


def test_new_commenter_is_held_for_moderation(post):
    """Someone never seen before waits for moderation."""
    outcome = _submit(post)
    assert outcome.refusal is None
    assert outcome.comment.status == Comment.Status.PENDING
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_returning_commenter_is_approved(post):
    """Same name and email as an approved comment: published at once."""
    _returning(post)
    outcome = _submit(post)
    assert outcome.comment.status == Comment.Status.APPROVED


def test_returning_commenter_email_matches_whatever_its_case(post):
    """The earlier comment's email in other letter case still counts as the same person."""
    _returning(post, email="Ivan@Example.COM")
    assert _submit(post, email="ivan@example.com").comment.status == Comment.Status.APPROVED


def test_returning_commenter_rule_switched_off_holds_them(post, settings):
    """With COMMENTS_APPROVE_RETURNING_COMMENTERS off, a returning commenter is held."""
    settings.COMMENTS_APPROVE_RETURNING_COMMENTERS = False
    _returning(post)
    assert _submit(post).comment.status == Comment.Status.PENDING


def test_returning_email_under_another_name_is_held(post):
    """The approved comment must be under the same name as well as the same email."""
    _returning(post, name="Ivan")
    assert _submit(post, name="Ivan Drago").comment.status == Comment.Status.PENDING


def test_pending_earlier_comment_does_not_make_a_returning_commenter(post):
    """Only an approved earlier comment counts, not one still in moderation."""
    _returning(post, status=Comment.Status.PENDING)
    assert _submit(post).comment.status == Comment.Status.PENDING


# Links


def test_returning_commenter_with_one_link_is_approved(post):
    """One link is below WordPress's limit of two."""
    _returning(post)
    outcome = _submit(post, text="My training log: https://example.com/log")
    assert outcome.comment.status == Comment.Status.APPROVED


def test_one_link_with_www_counts_as_one_link(post):
    """A single "https://www." link is one link, so a returning commenter is approved."""
    _returning(post)
    outcome = _submit(post, text="The scene: https://www.youtube.com/watch?v=abc")
    assert outcome.comment.status == Comment.Status.APPROVED


def test_two_links_hold_even_a_returning_commenter(post):
    """WordPress holds a comment when its link count reaches comment_max_links (2)."""
    _returning(post)
    outcome = _submit(post, text="See https://example.com/a and www.example.com/b")
    assert outcome.comment.status == Comment.Status.PENDING


def test_max_links_raised_lets_two_links_through(post, settings):
    """With COMMENTS_MAX_LINKS = 3, two links are fine for a returning commenter."""
    settings.COMMENTS_MAX_LINKS = 3
    _returning(post)
    outcome = _submit(post, text="See https://example.com/a and https://example.com/b")
    assert outcome.comment.status == Comment.Status.APPROVED


def test_max_links_zero_turns_the_link_limit_off(post, settings):
    """COMMENTS_MAX_LINKS = 0 disables the rule, as in WordPress."""
    settings.COMMENTS_MAX_LINKS = 0
    _returning(post)
    text = " ".join(f"https://example.com/{n}" for n in range(5))
    assert _submit(post, text=text).comment.status == Comment.Status.APPROVED


# Moderation and disallowed words


def test_moderation_word_holds_a_returning_commenter(post, settings):
    """A moderation word sends even a trusted commenter to the queue."""
    settings.COMMENTS_MODERATION_WORDS = ["casino"]
    _returning(post)
    outcome = _submit(post, text="Better odds than any casino.")
    assert outcome.comment.status == Comment.Status.PENDING


def test_moderation_word_ignores_letter_case(post, settings):
    """Words match whatever their case, on both sides."""
    settings.COMMENTS_MODERATION_WORDS = ["CaSiNo"]
    _returning(post)
    outcome = _submit(post, text="Better odds than any CASINO.")
    assert outcome.comment.status == Comment.Status.PENDING


def test_moderation_word_matches_inside_a_longer_word(post, settings):
    """As in WordPress, "press" also catches "WordPress"."""
    settings.COMMENTS_MODERATION_WORDS = ["press"]
    _returning(post)
    outcome = _submit(post, text="I read this on WordPress.")
    assert outcome.comment.status == Comment.Status.PENDING


@pytest.mark.parametrize(
    ("word", "field", "value"),
    [
        ("casino", "url", "https://casino.example.com/"),
        ("spambot", "user_agent", "Mozilla/5.0 SpamBot/2.1"),
        ("192.0.2.", "ip_address", "192.0.2.55"),
    ],
)
def test_moderation_word_outside_the_text_still_holds(post, settings, word, field, value):
    """The word is looked for in the website, user agent and IP address too."""
    settings.COMMENTS_MODERATION_WORDS = [word]
    _returning(post)
    assert _submit(post, **{field: value}).comment.status == Comment.Status.PENDING


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Viagra Seller"),
        ("email", "viagra@example.com"),
        ("url", "https://viagra.example.com/"),
        ("text", "Cheap VIAGRA here."),
        ("ip_address", "192.0.2.66"),
        ("user_agent", "ViagraBot/1.0"),
    ],
)
def test_disallowed_word_anywhere_sends_the_comment_to_trash(post, settings, field, value):
    """A disallowed word in any field saves the comment straight to the trash."""
    settings.COMMENTS_DISALLOWED_WORDS = ["viagra", "192.0.2.66"]
    outcome = _submit(post, **{field: value})
    assert outcome.refusal is None
    assert Comment.objects.get().status == Comment.Status.TRASH


def test_disallowed_word_trashes_even_a_returning_commenter(post, settings):
    """Being a trusted commenter does not save a comment with a disallowed word."""
    settings.COMMENTS_DISALLOWED_WORDS = ["viagra"]
    _returning(post)
    assert _submit(post, text="Try viagra.").comment.status == Comment.Status.TRASH


def test_blank_disallowed_word_matches_nothing(post, settings):
    """An empty line in the word list does not trash every comment."""
    settings.COMMENTS_DISALLOWED_WORDS = ["", "  "]
    assert _submit(post).comment.status == Comment.Status.PENDING


# Duplicates


def test_duplicate_comment_is_refused_with_wordpress_message(post):
    """Same post, same email, same text: refused with 409 and WordPress's sentence."""
    _earlier_comment(post, email="ivan@example.com", text="If he dies, he dies.")
    outcome = _submit(post)
    assert outcome.comment is None
    assert str(outcome.refusal.message) == DUPLICATE_MESSAGE
    assert outcome.refusal.http_status == 409


def test_duplicate_email_matches_whatever_its_case(post):
    """The earlier comment's email in capitals still makes it a duplicate."""
    _earlier_comment(post, email="IVAN@EXAMPLE.COM", text="If he dies, he dies.")
    assert str(_submit(post).refusal.message) == DUPLICATE_MESSAGE


def test_refused_duplicate_saves_nothing(post):
    """A refusal leaves the database as it was."""
    _earlier_comment(post, email="ivan@example.com", text="If he dies, he dies.")
    _submit(post)
    assert Comment.objects.count() == 1


def test_same_text_on_another_post_is_not_a_duplicate(post):
    """Saying the same thing under a different post is allowed."""
    _earlier_comment(PostFactory(), email="ivan@example.com", text="If he dies, he dies.")
    outcome = _submit(post)
    assert outcome.refusal is None
    assert Comment.objects.count() == 2


def test_different_text_from_same_email_is_not_a_duplicate(post):
    """A second, different comment from the same person on the same post is fine."""
    _earlier_comment(post, email="ivan@example.com", text="I must break you.")
    assert _submit(post, text="Whatever he wins, he wins.").refusal is None


# Flood


def test_second_comment_from_same_ip_within_15_seconds_is_refused(post):
    """WordPress's flood rule: one IP, two comments inside 15 s, the second is refused."""
    CommentFactory(target=post, email="someone@example.com", ip_address="198.51.100.20")
    outcome = _submit(post, email="other@example.com", text="Something new.")
    assert outcome.comment is None
    assert str(outcome.refusal.message) == FLOOD_MESSAGE
    assert outcome.refusal.http_status == 429


def test_second_comment_from_same_email_within_15_seconds_is_refused(post):
    """The flood rule also follows the email, whatever the IP address or letter case."""
    CommentFactory(target=post, email="IVAN@example.com", ip_address="203.0.113.99")
    outcome = _submit(post, text="Something new.")
    assert str(outcome.refusal.message) == FLOOD_MESSAGE
    assert outcome.refusal.http_status == 429


def test_flood_refusal_saves_nothing(post):
    """The refused comment is not stored in any status."""
    _submit(post)
    _submit(post, text="Something new.")
    assert Comment.objects.count() == 1


def test_comment_after_the_flood_interval_is_allowed(post):
    """Sixteen seconds later the same sender may comment again."""
    first = _submit(post).comment
    _age(first, 16)
    outcome = _submit(post, text="Something new.")
    assert outcome.refusal is None
    assert Comment.objects.count() == 2


# Bots


def test_filled_honeypot_is_saved_as_spam(post):
    """A bot fills the hidden field: kept as spam, not published nor refused."""
    outcome = _submit(post, honeypot_filled=True)
    assert outcome.refusal is None
    assert Comment.objects.get().status == Comment.Status.SPAM


def test_comment_sent_too_soon_is_refused_with_a_sentence_and_not_stored(post):
    """Sent in under COMMENTS_MIN_SECONDS_TO_POST seconds: refused, asking to wait, not spam."""
    outcome = _submit(post, seconds_since_form_shown=1)
    assert outcome.comment is None
    assert outcome.refusal.message == (
        "Your comment was sent very soon after the page opened. Wait a moment, then send it again."
    )
    assert outcome.refusal.http_status == 429
    assert not Comment.objects.exists()


def test_comment_sent_again_after_the_wait_is_taken(post):
    """The same comment, once the minimum age has passed, goes through as usual."""
    assert _submit(post, seconds_since_form_shown=1).refusal is not None
    outcome = _submit(post, seconds_since_form_shown=4)
    assert outcome.refusal is None
    assert outcome.comment.status == Comment.Status.PENDING


def test_honeypot_beats_being_a_returning_commenter(post):
    """A bot copying a trusted commenter's name and email is still spam."""
    _returning(post)
    assert _submit(post, honeypot_filled=True).comment.status == Comment.Status.SPAM


# Staff


def test_staff_comment_is_approved_and_marked_as_author(post, settings):
    """Staff are published at once with the author badge, despite links and words."""
    settings.COMMENTS_MODERATION_WORDS = ["casino"]
    staff = StaffFactory()
    text = "Casino links: https://a.example https://b.example https://c.example"
    outcome = _submit(post, user=staff, text=text)
    assert outcome.comment.status == Comment.Status.APPROVED
    assert outcome.comment.is_author is True
    assert outcome.comment.user == staff


def test_anonymous_comment_is_not_marked_as_author(post):
    """Even a returning commenter never gets the author badge."""
    _returning(post)
    comment = _submit(post).comment
    assert comment.is_author is False
    assert comment.user is None


# Custom checks and how decisions combine


def test_custom_check_from_settings_can_refuse(post, settings):
    """A site's own check listed in COMMENTS_CHECKS refuses, and nothing is saved."""
    settings.COMMENTS_CHECKS = [f"{MODULE}.refuse_everything"]
    outcome = _submit(post)
    assert str(outcome.refusal.message) == "Not now."
    assert outcome.refusal.http_status == 503
    assert not Comment.objects.exists()


def test_custom_check_from_settings_can_hold_a_returning_commenter(post, settings):
    """A site's own HOLD check added to the defaults holds someone otherwise approved."""
    settings.COMMENTS_CHECKS = [*discussion_settings().checks, f"{MODULE}.hold_everything"]
    _returning(post)
    assert _submit(post).comment.status == Comment.Status.PENDING


def test_hold_beats_a_later_approve(post, settings):
    """A HOLD then a plain APPROVE leaves the comment held."""
    settings.COMMENTS_CHECKS = [f"{MODULE}.hold_everything", f"{MODULE}.approve_everything"]
    assert _submit(post).comment.status == Comment.Status.PENDING


def test_approve_alone_approves(post, settings):
    """A plain APPROVE with no HOLD publishes the comment."""
    settings.COMMENTS_CHECKS = [f"{MODULE}.approve_everything"]
    assert _submit(post).comment.status == Comment.Status.APPROVED


def test_no_checks_at_all_holds_the_comment(post, settings):
    """With no decision from any check, the comment waits for moderation."""
    settings.COMMENTS_CHECKS = []
    assert _submit(post).comment.status == Comment.Status.PENDING


# comments_are_open


def test_comments_are_open_on_a_post_by_default(post):
    """A post with comments enabled and no closing rule accepts comments."""
    assert comments_are_open(post, discussion_settings()) is True


def test_comments_switched_off_on_the_post_are_closed(post):
    """Unticking "allow comments" closes the discussion."""
    post.comments_enabled = False
    assert comments_are_open(post, discussion_settings()) is False


def test_comments_close_after_the_configured_number_of_days(settings):
    """With COMMENTS_CLOSE_AFTER_DAYS = 14, a post published 15 days ago is closed."""
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    old = PostFactory(published_at=timezone.now() - datetime.timedelta(days=15))
    assert comments_are_open(old, discussion_settings()) is False


def test_comments_stay_open_within_the_configured_number_of_days(settings):
    """With COMMENTS_CLOSE_AFTER_DAYS = 14, a post published 13 days ago is open."""
    settings.COMMENTS_CLOSE_AFTER_DAYS = 14
    recent = PostFactory(published_at=timezone.now() - datetime.timedelta(days=13))
    assert comments_are_open(recent, discussion_settings()) is True


def test_close_after_days_zero_never_closes(settings):
    """COMMENTS_CLOSE_AFTER_DAYS = 0 (WordPress's default) keeps old posts open."""
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    ancient = PostFactory(published_at=timezone.now() - datetime.timedelta(days=3650))
    assert comments_are_open(ancient) is True


# Moderation services


def test_approve_publishes_pending_comments_and_counts_them(post):
    """comment_approve sets approved on each and returns how many changed."""
    comments = CommentFactory.create_batch(2, target=post, status=Comment.Status.PENDING)
    assert comment_approve(comments=comments) == 2
    assert set(Comment.objects.values_list("status", flat=True)) == {Comment.Status.APPROVED}


def test_approving_an_approved_comment_changes_nothing(post):
    """An already approved comment is not counted."""
    comment = CommentFactory(target=post, status=Comment.Status.APPROVED)
    assert comment_approve(comments=[comment]) == 0


def test_approve_counts_only_the_comments_it_changed(post):
    """In a mixed selection only the ones not yet approved are counted."""
    pending = CommentFactory(target=post, status=Comment.Status.PENDING)
    approved = CommentFactory(target=post, status=Comment.Status.APPROVED)
    assert comment_approve(comments=[pending, approved]) == 1


def test_mark_spam_sets_spam_status(post):
    """comment_mark_spam moves a comment to spam and counts it."""
    comment = CommentFactory(target=post, status=Comment.Status.APPROVED)
    assert comment_mark_spam(comments=[comment]) == 1
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM


def test_trash_sets_trash_status(post):
    """comment_trash moves a comment to the trash and counts it."""
    comment = CommentFactory(target=post, status=Comment.Status.PENDING)
    assert comment_trash(comments=Comment.objects.filter(pk=comment.pk)) == 1
    comment.refresh_from_db()
    assert comment.status == Comment.Status.TRASH


def test_restore_puts_a_spam_comment_back_in_the_queue(post):
    """comment_restore returns a wrongly marked comment to pending."""
    comment = CommentFactory(target=post, status=Comment.Status.SPAM)
    assert comment_restore(comments=[comment]) == 1
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_trashed_comment_may_be_sent_again(post):
    """A comment the author trashed is no duplicate (as in WordPress)."""
    _earlier_comment(
        post, text="Try again.", email="ivan@example.com", status=Comment.Status.TRASH
    )
    outcome = _submit(post, text="Try again.")
    assert outcome.refusal is None


def test_same_short_reply_to_two_comments_is_no_duplicate(post):
    """ "Thanks!" may answer two different comments on one page."""
    first, second = CommentFactory(target=post), CommentFactory(target=post)
    _earlier_comment(post, text="Thanks!", email="ivan@example.com", parent=first)
    assert _submit(post, text="Thanks!", parent=second).refusal is None


# Why: each comment keeps the rule that decided it


@pytest.mark.parametrize(
    ("conf", "overrides", "status", "reason"),
    [
        ({}, {"honeypot_filled": True}, "spam", "Spam: the hidden honeypot field was filled"),
        ({}, {"text": "https://a.example https://b.example"}, "pending", "Held: 2 links or more"),
        ({"COMMENTS_MAX_LINKS": 3}, {"text": "a.example " + "www.x.example " * 3}, "pending",
         "Held: 3 links or more"),
        ({"COMMENTS_MODERATION_WORDS": ["casino"]}, {"text": "Best CASINO odds"}, "pending",
         "Held: contains “casino”, a moderation word"),
        ({"COMMENTS_DISALLOWED_WORDS": ["viagra"]}, {"name": "Viagra Sales"}, "trash",
         "Trash: contains “viagra”, a disallowed word"),
        ({}, {}, "pending", "Held: no rule published it"),
    ],
    ids=["honeypot", "links", "links-setting", "moderation-word", "disallowed-word", "new"],
)  # fmt: skip
def test_a_held_spam_or_trashed_comment_records_the_rule_that_decided_it(
    post, settings, conf, overrides, status, reason
):
    """The moderator can read why a comment was not published."""
    for name, value in conf.items():
        setattr(settings, name, value)
    _submit(post, **overrides)
    comment = Comment.objects.get()
    assert (comment.status, comment.moderation_reason) == (status, reason)


def test_an_approved_comment_records_the_rule_that_published_it(post):
    """A returning commenter's comment says why it was published at once."""
    _returning(post)
    comment = _submit(post).comment
    assert comment.moderation_reason == "Approved: returning commenter with an approved comment"


def test_a_hold_by_a_later_rule_records_that_rule_over_an_approval(post, settings):
    """A trusted commenter held for links is recorded as held for links."""
    _returning(post)
    comment = _submit(post, text="See https://a.example and https://b.example").comment
    assert comment.moderation_reason == "Held: 2 links or more"


def test_a_sites_own_check_records_its_own_reason(post, settings):
    """A check added in COMMENTS_CHECKS explains itself in its own words."""
    settings.COMMENTS_CHECKS = [f"{MODULE}.hold_everything"]
    assert _submit(post).comment.moderation_reason == "held by site rule"
