"""The content version moves on every write readers could see, by any path, and on a
scheduled post falling due; it stays put for writes no reader page shows."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone
from freezegun import freeze_time

from blog.models import Category, Post, Redirect
from freshness import triggers, version
from freshness.models import ContentVersion
from tests.factories import CategoryFactory, PostFactory, ScheduledFactory

pytestmark = pytest.mark.django_db


def _moves(write):
    before = version.current()
    write()
    return version.current() != before


def test_a_save_an_update_a_bulk_create_and_a_delete_each_move_it():
    category = CategoryFactory()
    assert _moves(lambda: Category.objects.create(name="Chases", slug="chases"))
    assert _moves(lambda: Category.objects.filter(pk=category.pk).update(name="Dances"))
    assert _moves(
        lambda: Category.objects.bulk_create(
            [Category(name=f"Bulk {n}", slug=f"bulk-{n}") for n in range(3)]
        )
    )
    assert _moves(lambda: Category.objects.filter(name__startswith="Bulk").delete())


def test_raw_sql_moves_it_too():
    post = PostFactory()
    table = connection.ops.quote_name(Post._meta.db_table)

    def raw_update():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET title = %s WHERE id = %s", ["Raw", post.pk])

    assert _moves(raw_update)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statement triggers: PostgreSQL")
def test_on_postgresql_a_bulk_write_moves_it_once():
    def version_row_writes():
        # Updates of the row in this transaction (each test runs in one).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_stat_get_xact_tuples_updated(%s::regclass)",
                [ContentVersion._meta.db_table],
            )
            return cursor.fetchone()[0]

    before = version_row_writes()
    Category.objects.bulk_create([Category(name=f"C{n}", slug=f"c-{n}") for n in range(50)])
    assert version_row_writes() == before + 1


def test_a_rolled_back_write_leaves_a_version_no_later_write_reaches():
    """What was cached while a write that rolled back was in flight is never found."""
    started = version.current()
    try:
        with transaction.atomic():
            PostFactory(title="Never saved")
            rolled_back = version.current()
            raise RuntimeError
    except RuntimeError:
        pass
    assert version.current() == started
    PostFactory(title="Saved")
    assert version.current() not in {started, rolled_back}


def test_a_write_no_reader_sees_leaves_it_alone():
    assert not _moves(
        lambda: Session.objects.create(
            session_key="k" * 32, session_data="", expire_date=timezone.now()
        )
    )


def test_a_scheduled_post_falling_due_changes_it_without_a_write():
    scheduled = ScheduledFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
    before = version.current()
    with freeze_time(scheduled.published_at - datetime.timedelta(seconds=1)):
        assert version.current() == before
    with freeze_time(scheduled.published_at + datetime.timedelta(seconds=1)):
        assert version.current() != before


def test_a_model_named_unseen_loses_its_triggers_and_gets_them_back(settings):
    unseen = settings.FRESHNESS_UNSEEN_MODELS
    try:
        settings.FRESHNESS_UNSEEN_MODELS = [*unseen, "blog.Redirect"]
        triggers.install()
        assert not _moves(lambda: Redirect.objects.create(old_path="/a/", new_path="/b/"))
    finally:
        settings.FRESHNESS_UNSEEN_MODELS = unseen
        triggers.install()
    assert _moves(lambda: Redirect.objects.create(old_path="/c/", new_path="/d/"))


def test_installing_twice_changes_nothing():
    triggers.install()
    triggers.install()
    assert _moves(lambda: CategoryFactory())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="row triggers: SQLite")
def test_an_older_releases_trigger_is_made_again_on_migrate():
    """A database first migrated when the version counted up gets the random version."""
    name = f"{triggers.TRIGGER_PREFIX}_insert_{Category._meta.db_table}"
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER "{name}"')
        cursor.execute(
            f'CREATE TRIGGER "{name}" AFTER INSERT ON "{Category._meta.db_table}" '
            f"FOR EACH ROW BEGIN UPDATE {table} SET value = value + 1; END"
        )
    triggers.install()
    started = version.current()
    try:
        with transaction.atomic():
            CategoryFactory()
            raise RuntimeError
    except RuntimeError:
        pass
    CategoryFactory()
    assert version.current() != f"{int(started.split('.')[0]) + 1}.{started.split('.')[1]}"


def test_within_a_request_it_is_read_once(django_assert_num_queries):
    with version.held(), django_assert_num_queries(1):
        first = version.current()
        CategoryFactory.build()  # no write: the version held is still the version
        assert version.current() == first
    with django_assert_num_queries(2):
        version.current()
        version.current()
