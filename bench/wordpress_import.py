"""Time and memory of manage.py import_wordpress on a big generated export.

Writes an export of POSTS posts with COMMENTS comments in all (threaded, with every
status, categories, tags, a Gutenberg body and an embedded video), then imports it
into a fresh database in a child process and reports the wall time and the child's
peak resident memory. Results and how to read them: docs/benchmarks.md.

    .venv/bin/python bench/wordpress_import.py                 # 10,000 posts, 200,000 comments
    .venv/bin/python bench/wordpress_import.py --posts 500 --comments 10000
    DATABASE_URL=postgres://postgres@127.0.0.1/montage_bench .venv/bin/python bench/...
"""

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Big blog</title><link>https://big.example.org</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://big.example.org</wp:base_site_url>
	<wp:base_blog_url>https://big.example.org</wp:base_blog_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login>editor</wp:author_login>
	<wp:author_display_name>The Editor</wp:author_display_name></wp:author>
"""
CATEGORIES = 40
TAGS = 300
STATUSES = ["1"] * 16 + ["0", "0", "spam", "trash"]
PARAGRAPH = (
    "A training montage cuts between two men: one in a laboratory, one in the snow. "
    "The synthesisers rise as the mountain gets steeper, and the cut lands on the beat. "
)

EMBED = (
    '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=Wiwk3xO8PT4",'
    '"type":"video","providerNameSlug":"youtube"} -->\n'
    '<figure class="wp-block-embed is-type-video">'
    '<div class="wp-block-embed__wrapper">\n'
    "https://www.youtube.com/watch?v=Wiwk3xO8PT4\n</div></figure>\n<!-- /wp:embed -->\n"
)


def export_write(path, posts, comments):
    per_post, extra = divmod(comments, posts)
    comment_id = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for number in range(CATEGORIES):
            out.write(
                f"<wp:category><wp:term_id>{number + 2}</wp:term_id>"
                f"<wp:category_nicename>category-{number}</wp:category_nicename>"
                f"<wp:category_parent>{'category-0' if number else ''}</wp:category_parent>"
                f"<wp:cat_name>Category {number}</wp:cat_name></wp:category>\n"
            )
        for number in range(TAGS):
            out.write(
                f"<wp:tag><wp:term_id>{number + 100}</wp:term_id>"
                f"<wp:tag_slug>tag-{number}</wp:tag_slug><wp:tag_name>Tag {number}</wp:tag_name>"
                "</wp:tag>\n"
            )
        for number in range(1, posts + 1):
            count = per_post + (1 if number <= extra else 0)
            thread = []
            first_id = comment_id + 1
            for index in range(count):
                comment_id += 1
                # Every third comment answers the one before it.
                parent = comment_id - 1 if index % 3 == 2 else 0
                thread.append(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Reader {index}]]></wp:comment_author>"
                    f"<wp:comment_author_email>reader{index}@example.net</wp:comment_author_email>"
                    f"<wp:comment_author_IP>203.0.113.{index % 250}</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>2020-01-0{1 + index % 9} 10:00:00</wp:comment_date_gmt>"
                    f"<wp:comment_content><![CDATA[<p>{PARAGRAPH[: 80 + index % 80]}</p>]]>"
                    "</wp:comment_content>"
                    f"<wp:comment_approved>{STATUSES[index % len(STATUSES)]}</wp:comment_approved>"
                    f"<wp:comment_parent>{parent if parent >= first_id else 0}</wp:comment_parent>"
                    "</wp:comment>\n"
                )
            video = EMBED if number % 4 == 0 else ""
            body = "".join(
                f"<!-- wp:paragraph -->\n<p>{PARAGRAPH * 2}</p>\n<!-- /wp:paragraph -->\n\n"
                for _ in range(6)
            )
            out.write(
                f"<item><title>Post number {number}</title>"
                f"<link>https://big.example.org/2020/01/01/post-{number}/</link>"
                f'<guid isPermaLink="false">https://big.example.org/?p={number}</guid>'
                "<dc:creator>editor</dc:creator>"
                f"<content:encoded><![CDATA[{video}{body}]]></content:encoded>"
                "<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
                f"<wp:post_id>{number}</wp:post_id>"
                "<wp:post_date>2020-01-01 12:00:00</wp:post_date>"
                "<wp:post_date_gmt>2020-01-01 11:00:00</wp:post_date_gmt>"
                "<wp:comment_status>open</wp:comment_status>"
                f"<wp:post_name>post-{number}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type>"
                f'<category domain="category" nicename="category-{number % CATEGORIES}">'
                f"Category {number % CATEGORIES}</category>"
                f'<category domain="post_tag" nicename="tag-{number % TAGS}">'
                f"Tag {number % TAGS}</category>" + "".join(thread) + "</item>\n"
            )
        out.write("</channel>\n</rss>\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=200_000)
    options = parser.parse_args()

    VAR.mkdir(parents=True, exist_ok=True)
    export = VAR / f"wordpress-{options.posts}-{options.comments}.xml"
    if not export.exists():
        started = time.monotonic()
        export_write(export, options.posts, options.comments)
        print(f"wrote {export} in {time.monotonic() - started:.0f} s")
    print(f"export: {export.stat().st_size / 1e6:.0f} MB")

    env = dict(os.environ, DEBUG="false", PRODUCTION="false")
    database = VAR / "wordpress.sqlite3"
    if "DATABASE_URL" not in os.environ:
        database.unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{database}"
    python = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*python, "migrate", "--noinput", "--verbosity", "0"], env=env, check=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    subprocess.run([*python, "import_wordpress", str(export)], env=env, check=True)
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"import: {seconds:.0f} s, peak memory {max(peak, before) / 1024:.0f} MB")


if __name__ == "__main__":
    main()
