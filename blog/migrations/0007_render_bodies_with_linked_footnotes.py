"""Re-render every post's body with the current Markdown rules.

Footnotes now link both ways, a body ``#`` is an ``h2`` and table cells keep their
alignment; ``body_html`` is derived on save, so posts saved before keep the old HTML
until rendered again. ``updated_at`` moves for the posts whose HTML changes, so the
cached post pages (keyed by the latest change) are rebuilt too.
"""

from django.db import migrations
from django.utils import timezone

from blog.markup import render_markdown


def render_bodies(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    now = timezone.now()
    changed = []
    for post in Post.objects.only("pk", "body", "body_html").iterator():
        html = render_markdown(post.body)
        if html != post.body_html:
            post.body_html, post.updated_at = html, now
            changed.append(post)
    Post.objects.bulk_update(changed, ["body_html", "updated_at"], batch_size=200)


class Migration(migrations.Migration):
    dependencies = [("blog", "0006_plain_bounds")]

    operations = [migrations.RunPython(render_bodies, migrations.RunPython.noop)]
