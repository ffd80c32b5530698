"""The reader pages every quality check visits: axe in Chromium
(tests/browser/test_accessibility.py), the Nu HTML checker (tests/test_html_validity.py
and bench/quality.py) and Lighthouse (bench/quality.py). One line here adds a page to
all of them. In a path, ``{year}`` and ``{month}`` are the Rocky demo post's.
"""

from typing import NamedTuple

ROCKY_SLUG = "rocky-training-in-russia-rocky-iv"
ROCKY = f"/posts/{ROCKY_SLUG}/"
PLAY = "press play"
SUBMIT_EMPTY = "submit the comment form empty"


class ReaderPage(NamedTuple):
    path: str
    # What the reader does on the loaded page before it is checked: PLAY (the HTML the
    # server sent is unchanged) or SUBMIT_EMPTY (the server answers with a new page).
    action: str | None = None
    status: int = 200


READER_PAGES = {
    "home": ReaderPage("/"),
    "post": ReaderPage(ROCKY),
    "post after play": ReaderPage(ROCKY, PLAY),
    "comment form with errors": ReaderPage(ROCKY, SUBMIT_EMPTY, status=400),
    "category": ReaderPage("/category/training-montages/"),
    "tag": ReaderPage("/tag/rocky/"),
    "archive": ReaderPage("/archive/"),
    "archive year": ReaderPage("/archive/{year}/"),
    "archive month": ReaderPage("/archive/{year}/{month}/"),
    "search results": ReaderPage("/search/?q=montage"),
    "search without results": ReaderPage("/search/?q=zzzxqv"),
    "page": ReaderPage("/about/"),
    "categories": ReaderPage("/categories/"),
    "tags": ReaderPage("/tags/"),
    "subscribe": ReaderPage("/subscribe/"),
    "subscribe, check your inbox": ReaderPage("/subscribe/check-your-inbox/"),
    "404": ReaderPage("/no-such-page/", status=404),
}
