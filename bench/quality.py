"""Validity and Lighthouse scores of the reader pages, on a throwaway demo site.

    .venv/bin/python bench/quality.py              # vnu on every page, Lighthouse on home and post
    .venv/bin/python bench/quality.py --lighthouse-all   # Lighthouse on every page too

The site runs as `make run` runs it (DEBUG=false, PRODUCTION=false, so uploads are served)
under gunicorn on 127.0.0.1, from a database in var/quality/. The Nu HTML checker
(vnu-jar, needs Java) and Lighthouse are installed there with npm on first use, at the
pinned versions below. Each page's HTML is kept in var/quality/pages/ and each
Lighthouse report in var/quality/lighthouse/. Results and how to read them: docs/quality.md.
"""

import argparse
import html.parser
import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.reader_pages import PLAY, READER_PAGES, ROCKY, ROCKY_SLUG, SUBMIT_EMPTY  # noqa: E402

VAR = ROOT / "var" / "quality"
NPM_DIR = VAR / "npm"
# vnu-jar 26.9.27 is the newest release; Lighthouse 13 needs Node 22, this machine has 20.
NPM_PACKAGES = ["vnu-jar@26.9.27", "lighthouse@12.2.3"]
VNU_JAR = NPM_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = NPM_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("MONTAGE_CHROMIUM", "/usr/bin/chromium")
# The flags tests/browser/conftest.py gives Chromium: no network of its own, no sandbox.
CHROMIUM_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# Lighthouse runs on these two by default, on every page with --lighthouse-all.
LIGHTHOUSE_PAGES = ["home", "post"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def npm_tools():
    if VNU_JAR.is_file() and LIGHTHOUSE.is_file():
        return
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    package = NPM_DIR / "package.json"
    if not package.exists():
        package.write_text('{"private": true}\n')
    print(f"== Installing {' '.join(NPM_PACKAGES)} into {NPM_DIR}")
    # vnu-jar's install script only downloads a Java runtime; /usr/bin/java does instead.
    subprocess.run(
        [
            "npm",
            "install",
            "--save-exact",
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            *NPM_PACKAGES,
        ],
        cwd=NPM_DIR,
        check=True,
    )


def site_environment(bin_dir):
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{VAR / 'db.sqlite3'}",
        MEDIA_ROOT=str(VAR / "media"),
        CACHE_URL="locmem://",
        DEBUG="false",
        PRODUCTION="false",
        DJANGO_SETTINGS_MODULE="montage.settings",
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
    )
    return env


def load_demo(python, env):
    print(f"== Database {VAR / 'db.sqlite3'}")
    (VAR / "db.sqlite3").unlink(missing_ok=True)
    for command in (["migrate", "--noinput", "--verbosity", "0"], ["load_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    when = subprocess.run(
        [python, "manage.py", "shell", "--verbosity", "0", "-c", _ROCKY_MONTH],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    year, month = when.stdout.split()
    return {"year": year, "month": month}


_ROCKY_MONTH = (
    "from django.utils import timezone; from blog.models import Post; "
    f"d = timezone.localtime(Post.objects.get(slug={ROCKY_SLUG!r}).published_at); "
    "print(d.year, d.month)"
)


def start_server(bin_dir, env, base):
    server = subprocess.Popen(
        [bin_dir / "gunicorn", "montage.wsgi", "--workers", "2", "--bind", base[len("http://") :]],
        cwd=ROOT,
        env=env,
        stderr=(VAR / "gunicorn.log").open("w"),
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    server.kill()
    sys.exit(f"gunicorn did not answer on {base}; see {VAR / 'gunicorn.log'}")


def fetch(opener, url, expected_status, data=None):
    try:
        response = opener.open(url, data=data, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    body = response.read().decode()
    if response.status != expected_status:
        sys.exit(f"{url} answered {response.status}, expected {expected_status}.")
    return body


class HiddenInputs(html.parser.HTMLParser):
    """The hidden fields of the comment form: target, signed token, CSRF token."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.action = None
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "comment-form" in attrs.get("class", ""):
            self.in_form, self.action = True, attrs["action"]
        elif self.in_form and tag == "input" and attrs.get("type") == "hidden":
            self.fields[attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def fetch_pages(base, when):
    """Each page as an HTML file in var/quality/pages/, named after the page."""
    pages_dir = VAR / "pages"
    shutil.rmtree(pages_dir, ignore_errors=True)
    pages_dir.mkdir(parents=True)
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    files = {}
    for name, (path, action, status) in READER_PAGES.items():
        if action == PLAY:
            continue  # the same HTML as before play: the script changes only the DOM
        html_text = fetch(opener, base + path.format(**when), 200 if action else status)
        if action == SUBMIT_EMPTY:
            form = HiddenInputs()
            form.feed(html_text)
            empty_form = urllib.parse.urlencode(form.fields).encode()
            action_url = urllib.parse.urljoin(base + ROCKY, form.action)
            html_text = fetch(opener, action_url, status, empty_form)
            if "error-summary" not in html_text:
                sys.exit("Posting the comment form empty did not show its errors.")
        files[name] = pages_dir / f"{name.replace(' ', '-')}.html"
        files[name].write_text(html_text)
    return files


def run_vnu(files):
    """One JVM run over every file; returns the number of errors."""
    print(f"\n== Nu HTML checker over {len(files)} pages")
    result = subprocess.run(
        ["java", "-jar", VNU_JAR, "--format", "json", *map(str, files.values())],
        capture_output=True,
        text=True,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    by_file = {Path(urllib.parse.urlsplit(m["url"]).path).name: [] for m in messages}
    for message in messages:
        by_file[Path(urllib.parse.urlsplit(message["url"]).path).name].append(message)
    errors = 0
    for name, path in files.items():
        found = by_file.get(path.name, [])
        page_errors = [m for m in found if m["type"] == "error"]
        errors += len(page_errors)
        print(f"{name}: {len(page_errors)} errors, {len(found) - len(page_errors)} other")
        for message in found:
            kind = message.get("subType", message["type"])
            print(f"  {kind} line {message.get('lastLine', '?')}: {message['message']}")
    return errors


def run_lighthouse(base, names, when, cpu_slowdown):
    print(
        f"\n== Lighthouse {NPM_PACKAGES[1].split('@')[1]}: mobile, simulated slow 4G, "
        f"CPU slowed {cpu_slowdown}x"
    )
    reports = VAR / "lighthouse"
    reports.mkdir(exist_ok=True)
    print(f"{'page':<24}" + "".join(f"{c:>16}" for c in CATEGORIES) + "  benchmarkIndex")
    lowest = 100
    for name in names:
        path = READER_PAGES[name].path.format(**when)
        report = reports / f"{name.replace(' ', '-')}.json"
        command = [
            LIGHTHOUSE,
            base + path,
            f"--chrome-flags={CHROMIUM_FLAGS}",
            "--only-categories=" + ",".join(CATEGORIES),
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            f"--throttling.cpuSlowdownMultiplier={cpu_slowdown}",
        ]
        # On a loaded machine Lighthouse now and then loses its trace (NO_NAVSTART) and
        # asks to be run again; a second failure is reported.
        environment = dict(os.environ, CHROME_PATH=CHROMIUM)
        if subprocess.run(command, env=environment).returncode:
            subprocess.run(command, env=environment, check=True)
        result = json.loads(report.read_text())
        scores = {c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES}
        lowest = min(lowest, *scores.values())
        benchmark = result["environment"]["benchmarkIndex"]
        print(
            f"{name:<24}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES) + f"{benchmark:>16.0f}"
        )
        for category in CATEGORIES:
            for ref in result["categories"][category]["auditRefs"]:
                audit = result["audits"][ref["id"]]
                if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                    print(f"    {category}: {audit['id']} {audit['score']}: {audit['title']}")
    return lowest


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse-all", action="store_true", help="Lighthouse every page")
    parser.add_argument(
        "--cpu-slowdown",
        type=float,
        default=4,
        help="Lighthouse's CPU throttling: its default, 4, suits a host of benchmarkIndex "
        "about 1530; below 800 use 1 + (benchmarkIndex - 150) / 650 (docs/quality.md)",
    )
    args = parser.parse_args()
    if not shutil.which("java"):
        sys.exit("The Nu HTML checker needs Java: apt-get install default-jre-headless")
    if not Path(CHROMIUM).is_file():
        sys.exit(f"Lighthouse needs Chromium at {CHROMIUM}: apt-get install chromium")
    VAR.mkdir(parents=True, exist_ok=True)
    npm_tools()

    bin_dir = Path(sys.executable).parent
    env = site_environment(bin_dir)
    when = load_demo(sys.executable, env)
    base = f"http://127.0.0.1:{free_port()}"
    server = start_server(bin_dir, env, base)
    try:
        files = fetch_pages(base, when)
        errors = run_vnu(files)
        # Lighthouse loads a URL and audits it: no page after an action, none answering an
        # error status (it refuses the 404).
        names = [n for n, page in READER_PAGES.items() if page.status == 200 and not page.action]
        names = names if args.lighthouse_all else LIGHTHOUSE_PAGES
        lowest = run_lighthouse(base, names, when, args.cpu_slowdown)
    finally:
        server.terminate()
        server.wait()
    print(f"\nvnu errors: {errors}; lowest Lighthouse score: {lowest}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
