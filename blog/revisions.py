"""Versions of a post: what is kept on each save, and what changed between two.

django-reversion keeps each admin save of a post as a revision: the post and its
videos, soundtrack entries, details and links (the admin's inlines). Tags are not
kept (taggit's through model is not serialised with the post). Nor are the poster
and the pictures in the body: a replaced image's files are deleted.

Restoring a version (``post_restore_keeping_today``) brings back what was kept and
leaves as they are now the poster, the pictures, the tags, and whether, when and at
which address the post is live: restoring an old text must never unpublish a post,
publish a draft, or move it to an address readers' links do not know.
The restore form shows those values as they are today, and the author may change them.

This module also compares a revision with the one before it, field by field, so the
author can see what a save changed before restoring an older version.
"""

import difflib
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property

import reversion
from django.db import models
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.timezone import template_localtime
from reversion.models import Version

from blog.embeds import format_timestamp
from blog.models import POSTER, Page, Post, PostDetail, PostLink, PostTrack, Video

POSTER_FIELDS = POSTER.fields
# What a restore leaves as it is now, besides what is not versioned at all: whether,
# when and where (the slug) readers find the post, and the poster.
KEPT_ON_RESTORE = ("status", "published_at", "slug", "in_menu", "menu_position", *POSTER_FIELDS)
VERSIONED_PARTS = {
    "videos": Video,
    "soundtrack": PostTrack,
    "details": PostDetail,
    "links": PostLink,
}

# Registered on import, before the admin's VersionAdmin would register Post its own way
# (the admin is autodiscovered before BlogConfig.ready runs).
reversion.register(Post, exclude=POSTER_FIELDS, follow=tuple(VERSIONED_PARTS))
for part in VERSIONED_PARTS.values():
    reversion.register(part)
# A page's versions are its own (the proxy's content type), so a deleted page is
# recovered among pages, never among posts; a page has no versioned parts.
reversion.register(Page, exclude=POSTER_FIELDS, for_concrete_model=False)

_restoring = ContextVar("restoring_post", default=None)


@contextmanager
def post_restore_keeping_today(post_pk):
    """While a version of the post ``post_pk`` is restored, keep its ``KEPT_ON_RESTORE``.

    Reversion writes the version back, then the restore form reads the post; the form
    calls ``restored_post_keep_today`` in between, so it starts from today's values.
    A deleted post being recovered has no today.
    """
    today = Post.everything.filter(pk=post_pk).values(*KEPT_ON_RESTORE).first()
    token = _restoring.set((str(post_pk), today))
    try:
        yield
    finally:
        _restoring.reset(token)


def restored_post_keep_today(post_pk):
    """Lay today's ``KEPT_ON_RESTORE`` values over the version just written back."""
    restoring = _restoring.get()
    if restoring is None:
        return
    restoring_pk, today = restoring
    if today is not None and str(post_pk) == restoring_pk:
        Post.everything.filter(pk=post_pk).update(**today)


# Long text is compared line by line, short text word by word.
LINE_DIFF_FIELDS = {"body"}
LINE_CONTEXT = 1
# Seconds into a video, shown as the author types them: 1:35.
TIMESTAMP_FIELDS = {(PostTrack, "starts_at"), (Video, "duration_seconds")}


@dataclass
class FieldChange:
    """One field's old and new value; the diff is worked out only when shown."""

    field: models.Field
    old: object
    new: object
    is_new: bool = False

    @property
    def label(self):
        return capfirst(self.field.verbose_name)

    @cached_property
    def diff_html(self):
        old = "" if self.is_new else _display(self.field, self.old)
        return _diff_html(self.field, old, _display(self.field, self.new))


@dataclass
class PartChanges:
    """Changes to one kind of part (videos, soundtrack entries...) within a revision."""

    label: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[FieldChange]]] = field(default_factory=list)


@dataclass
class VersionChanges:
    version: Version
    previous: Version | None
    fields: list[FieldChange]
    parts: list[PartChanges]

    @property
    def is_first(self):
        return self.previous is None


def _versions_of(post):
    return (
        Version.objects.get_for_object(post)
        .select_related("revision__user")
        .prefetch_related("revision__version_set")
        .order_by("-pk")
    )


def post_history(post):
    """Every saved version of ``post``, newest first, each with what it changed.

    Three queries whatever the number of versions: which fields and parts changed is
    told by comparing values; nothing is looked up or diffed until a change is shown.
    """
    versions = list(_versions_of(post))
    return [
        version_changes(version, previous)
        for version, previous in zip(versions, [*versions[1:], None], strict=True)
    ]


def post_version_changes(post, version_id):
    """What one saved version of ``post`` changed, or None if it has no such version."""
    version = _versions_of(post).filter(pk=version_id).first()
    if version is None:
        return None
    return version_changes(version, _versions_of(post).filter(pk__lt=version.pk).first())


def version_changes(version, previous):
    """What ``version`` changed from ``previous`` (None for the first version)."""
    before = previous.field_dict if previous else {}
    parts = _part_changes(previous.revision if previous else None, version)
    return VersionChanges(
        version=version,
        previous=previous,
        fields=_field_changes(version._model, before, version.field_dict),
        parts=[part for part in parts if part.added or part.removed or part.changed],
    )


def _compared_fields(model, parent_model=None):
    """Fields an author edits: no key, no derived data, no link back to the parent."""
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or not model_field.editable:
            continue
        if parent_model and model_field.is_relation and model_field.related_model is parent_model:
            continue
        yield model_field


def _field_changes(model, before, after, parent_model=None):
    changes = []
    for model_field in _compared_fields(model, parent_model):
        old, new = before.get(model_field.attname), after.get(model_field.attname)
        if old != new:
            is_new = model_field.attname not in before
            changes.append(FieldChange(model_field, old, new, is_new=is_new))
    return changes


def _display(model_field, value):
    """A value as the author knows it: a related row by its name, a choice by its label."""
    if value is None or value == "":
        return ""
    if (model_field.model, model_field.name) in TIMESTAMP_FIELDS:
        return format_timestamp(value)
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"(deleted #{value})"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "yes" if value else "no"
    if isinstance(model_field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    if isinstance(model_field, models.DateTimeField):
        return localize(template_localtime(value))
    return str(value)


def _diff_html(model_field, old, new):
    if model_field.name in LINE_DIFF_FIELDS:
        return _line_diff_html(old.splitlines(), new.splitlines())
    return _word_diff_html(old, new)


def _word_diff_html(old, new):
    pieces = []
    old_words, new_words = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    for operation, removed, added in _opcodes(old_words, new_words):
        if operation == "equal":
            pieces.append(format_html("{}", "".join(removed)))
            continue
        changed = [format_html(tag, "".join(words)) for tag, words in _del_ins(removed, added)]
        pieces.append(format_html_join(" ", "{}", ((piece,) for piece in changed)))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def _line_diff_html(old_lines, new_lines):
    """Changed lines with a line of context either side; the unchanged rest elided."""
    rows = []
    gap = format_html('<span class="diff-gap">{}</span>', "…")
    opcodes = list(_opcodes(old_lines, new_lines))
    for index, (operation, removed, added) in enumerate(opcodes):
        if operation == "equal":
            after_a_change = removed[:LINE_CONTEXT] if index > 0 else []
            before_a_change = removed[-LINE_CONTEXT:] if index < len(opcodes) - 1 else []
            if len(after_a_change) + len(before_a_change) >= len(removed):
                rows.extend(removed)
            else:
                rows.extend([*after_a_change, gap, *before_a_change])
            continue
        if operation == "replace" and len(removed) == len(added):
            # A line edited in place: mark the words that changed within it.
            rows.extend(map(_word_diff_html, removed, added))
            continue
        for tag, lines in _del_ins(removed, added):
            rows.extend(format_html(tag, line) for line in lines)
    return format_html_join("\n", "{}", ((row,) for row in rows))


def _opcodes(old_tokens, new_tokens):
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        yield operation, old_tokens[old_start:old_end], new_tokens[new_start:new_end]


def _del_ins(removed, added):
    return [
        (tag, tokens)
        for tag, tokens in (("<del>{}</del>", removed), ("<ins>{}</ins>", added))
        if tokens
    ]


def _part_changes(previous_revision, version):
    """Added, removed and edited parts, by kind, between two revisions of one post."""
    parent_model = version._model

    def parts_of(revision):
        if revision is None:
            return {}
        return {
            (part._model, part.object_id): part
            for part in revision.version_set.all()
            if part.content_type_id != version.content_type_id
        }

    before, after = parts_of(previous_revision), parts_of(version.revision)
    by_model = {}
    for key in before.keys() | after.keys():
        model = key[0]
        changes = by_model.setdefault(
            model, PartChanges(label=capfirst(model._meta.verbose_name_plural))
        )
        if key not in before:
            changes.added.append(after[key].object_repr)
        elif key not in after:
            changes.removed.append(before[key].object_repr)
        else:
            edits = _field_changes(
                model, before[key].field_dict, after[key].field_dict, parent_model
            )
            if edits:
                changes.changed.append((after[key].object_repr, edits))
    for changes in by_model.values():
        changes.added.sort()
        changes.removed.sort()
        changes.changed.sort(key=lambda change: change[0])
    return sorted(by_model.values(), key=lambda changes: changes.label)


def changes_summary_html(changes):
    """One line for the history list: which fields and parts a save changed."""
    names = [change.label for change in changes.fields] + [part.label for part in changes.parts]
    if changes.is_first:
        return format_html("{}", "First saved version")
    if not names:
        return format_html("{}", "No visible change")
    return format_html_join(", ", "{}", ((name,) for name in names))
