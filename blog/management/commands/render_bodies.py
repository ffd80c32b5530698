from django.core.management.base import BaseCommand

from blog.models import Post


class Command(BaseCommand):
    help = (
        "Render every post's and page's body again with the current rules and pictures: after the "
        "media address changes (MEDIA_URL, a move to object storage), or a rendering rule."
    )

    def handle(self, *args, **options):
        changed = 0
        posts = Post.everything.only("pk", "body", "body_html").prefetch_related("pictures")
        for post in posts.iterator(chunk_size=200):
            body_html = post.body_render()
            if body_html != post.body_html:
                post.body_render_again()
                changed += 1
        self.stdout.write(f"{changed} of {posts.count()} posts rendered again.")
