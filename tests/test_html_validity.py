"""The Nu HTML checker finds no error in any reader page (tests/reader_pages.py's).

It needs Java and vnu.jar, which bench/quality.py installs under var/quality/ (or name
one in MONTAGE_VNU_JAR); without them the test is skipped. All pages go to one JVM run.
"""

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from blog.demo import demo_load
from blog.models import Post
from tests.reader_pages import PLAY, READER_PAGES, ROCKY_SLUG, SUBMIT_EMPTY

VNU_JAR = Path(
    os.environ.get(
        "MONTAGE_VNU_JAR",
        settings.BASE_DIR / "var/quality/npm/node_modules/vnu-jar/build/dist/vnu.jar",
    )
)
HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
FORM_ACTION = re.compile(r'<form class="comment-form" method="post" action="([^"]+)"')


def _rendered_pages(client):
    published_at = timezone.localtime(Post.objects.get(slug=ROCKY_SLUG).published_at)
    pages = {}
    for name, (path, action, status) in READER_PAGES.items():
        if action == PLAY:
            continue  # the same HTML as before play: the script changes only the DOM
        response = client.get(path.format(year=published_at.year, month=published_at.month))
        if action == SUBMIT_EMPTY:
            content = response.content.decode()
            hidden = {field: html.unescape(v) for field, v in HIDDEN_INPUT.findall(content)}
            action_url = html.unescape(FORM_ACTION.search(content)[1])
            response = client.post(action_url, hidden)
        assert response.status_code == status, name
        pages[name] = response.content.decode()
    return pages


@pytest.mark.skipif(not shutil.which("java"), reason="The Nu HTML checker needs Java")
@pytest.mark.skipif(not VNU_JAR.is_file(), reason=f"No {VNU_JAR}: run bench/quality.py once")
def test_every_reader_page_is_valid_html(db, client, tmp_path):
    """The Nu HTML checker reports no error on any reader page."""
    demo_load()
    files = {}
    for name, content in _rendered_pages(client).items():
        files[name] = tmp_path / f"{name.replace(' ', '-')}.html"
        files[name].write_text(content)

    result = subprocess.run(
        ["java", "-jar", VNU_JAR, "--errors-only", "--format", "json", *files.values()],
        capture_output=True,
        text=True,
        timeout=120,
    )

    errors = [m for m in json.loads(result.stderr)["messages"] if m["type"] == "error"]
    report = "\n".join(
        f"{Path(m['url']).name} line {m.get('lastLine')}: {m['message']}" for m in errors
    )
    assert errors == [], report
