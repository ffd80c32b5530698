"""`make bench`: the Rocky post page, side by side with its ceiling, in one run.

For SQLite (local-memory cache) and PostgreSQL + Redis, with 0, 50 and 500 approved
comments all on one page, it serves Montage under production settings with gunicorn
(2 sync workers, loopback) in three modes and measures each with ``wrk -t2 -c16``:

- (a) page cache: Montage's defaults;
- (b) fragments: ``PAGE_CACHE_SECONDS=0``, only the article, thread, menu and settings
  caches;
- (c) no cache: also ``CACHE_URL=dummy://`` and ``COMMENTS_CACHE_SECONDS=0``.

The ceiling is bench/ceiling/app.py under the same gunicorn options: one Django view
returning the bytes of the 500-comment page from memory. It prints requests/s, p50,
p99 and the ratio to the ceiling, the page's queries (cold and warm) and each
worker's resident memory, and writes them with the machine into docs/benchmarks.md
(between its ``bench:results`` markers). Everything it makes lives in a temporary
directory, a PostgreSQL database it creates and drops, and a Redis database of its own
(BENCH_REDIS_URL, emptied before and after).

    .venv/bin/python bench/run.py                    # about 8 minutes
    .venv/bin/python bench/run.py --duration 5 --databases sqlite --no-write
"""

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DOC = ROOT / "docs" / "benchmarks.md"
SLUG = "rocky-training-in-russia-rocky-iv"
PATH = f"/posts/{SLUG}/"
WORKERS = 2
# The targets: ratios to the ceiling at 500 comments (and at 0 for b).
TARGETS = {("a", 500): 0.50, ("b", 500): 0.20, ("c", 500): 0.03, ("b", 0): 0.20}
MODES = {
    "a": ("page cache", {}),
    "b": ("fragments only", {"PAGE_CACHE_SECONDS": "0"}),
    "c": (
        "no cache",
        {"PAGE_CACHE_SECONDS": "0", "CACHE_URL": "dummy://", "COMMENTS_CACHE_SECONDS": "0"},
    ),
}
MARK_START, MARK_END = "<!-- bench:results -->", "<!-- /bench:results -->"


@dataclass
class Result:
    label: str
    database: str = ""
    comments: int = 0
    mode: str = ""
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    requests: int = 0
    errors: str = ""
    queries: dict = field(default_factory=dict)
    rss_mb: list = field(default_factory=list)
    page_bytes: int = 0
    # The workers' CPU time (user and system) per request served: what a busy machine,
    # which slows every process alike, changes least.
    cpu_ms: float = 0.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up before it")
    parser.add_argument("--comments", default="0,50,500", help="comment counts, e.g. 0,500")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres")
    parser.add_argument("--modes", default="abc", help="which of a, b, c")
    parser.add_argument(
        "--rss-requests",
        type=int,
        default=20_000,
        help="requests served in mode (a) at 500 comments on SQLite before the workers' "
        "memory is read (0: skip)",
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md")
    args = parser.parse_args()
    args.comments = [int(n) for n in args.comments.split(",")]
    args.databases = args.databases.split(",")
    unknown = set(args.databases) - {"sqlite", "postgres"} or set(args.modes) - set(MODES)
    if unknown:
        parser.error(f"unknown database or mode: {', '.join(sorted(unknown))}")
    if 500 not in args.comments:
        parser.error("--comments must include 500: the ceiling serves that page")
    return args


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(command, env, **kwargs):
    return subprocess.run(command, env=env, cwd=ROOT, check=True, **kwargs)


class Server:
    """gunicorn with 2 sync workers on 127.0.0.1, the same options for Montage and ceiling."""

    def __init__(self, app, env, port, log):
        self.url = f"http://127.0.0.1:{port}{PATH}"
        command = [str(BIN / "gunicorn"), app, "--workers", str(WORKERS)]
        command += ["--bind", f"127.0.0.1:{port}", "--no-control-socket"]
        command += ["--error-logfile", str(log)]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                self.page = fetch(self.url)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit(f"gunicorn did not answer on {self.url}; see {log}")

    def workers(self):
        master = self.process.pid
        return Path(f"/proc/{master}/task/{master}/children").read_text().split()

    def worker_cpu_seconds(self):
        """User and system time the workers have used, from /proc/<pid>/stat."""
        ticks = 0
        for pid in self.workers():
            # Fields 14 and 15 (utime, stime), counted after the ")" that ends the name.
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def measure(self, seconds, result):
        """wrk for ``seconds``, with the workers' CPU time per request."""
        before = self.worker_cpu_seconds()
        wrk(self.url, seconds, result)
        if result.requests:
            result.cpu_ms = (self.worker_cpu_seconds() - before) * 1000 / result.requests
        return result

    def worker_rss_mb(self):
        sizes = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            kilobytes = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
            sizes.append(round(kilobytes / 1024))
        return sorted(sizes)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
        return response.read()


def duration_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def wrk(url, seconds, result):
    output = subprocess.run(
        # A request of the uncached 500-comment page can wait seconds in the queue: wrk's
        # default 2 s timeout would drop exactly the slow ones from the latencies.
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "30s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result.requests_per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    result.p50_ms = duration_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    result.p99_ms = duration_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    result.requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.findall(r"(Non-2xx or 3xx responses: \d+|Socket errors: .*)", output)
    result.errors = "; ".join(e.strip() for e in errors)
    return result


def comment_anchors(page):
    """Each comment's <li> carries id="comment-<pk>"; its other ids have a suffix."""
    return len(re.findall(rb'id="comment-\d+"', page))


class Bench:
    def __init__(self, args, scratch):
        self.args = args
        self.scratch = scratch
        self.port = args.port or free_port()
        self.results = []
        self.ceiling_page = None
        self.memory = None
        self.failed = []
        self.base_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "montage.settings",
            "PRODUCTION": "true",
            "DEBUG": "false",
            # Production refuses a short key; a new one each run signs nothing that outlives it.
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "MONTAGE_SITE_URL": f"http://127.0.0.1:{self.port}",
            "STATIC_ROOT": str(scratch / "static"),
            "MEDIA_ROOT": str(scratch / "media"),
            # Threads per comment page: all 500 comments (40 threads) on one.
            "COMMENTS_PER_PAGE": "500",
        }
        for name in ("PAGE_CACHE_SECONDS", "COMMENTS_CACHE_SECONDS", "TASKS_URL"):
            self.base_env.pop(name, None)

    def database(self, name):
        if name == "sqlite":
            env = {"DATABASE_URL": f"sqlite:///{self.scratch / 'db.sqlite3'}"}
            return env | {"CACHE_URL": "locmem://"}, lambda: None
        pg = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
        database = f"montage_bench_{os.getpid()}"
        admin = [f"{pg}/postgres", "--quiet", "--no-psqlrc", "--command"]
        run(["psql", *admin, f"CREATE DATABASE {database}"], self.base_env)
        redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
        self.flush_redis(redis_url)

        def drop():
            self.flush_redis(redis_url)
            drop_sql = f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"
            run(["psql", *admin, drop_sql], self.base_env)

        return {"DATABASE_URL": f"{pg}/{database}", "CACHE_URL": redis_url}, drop

    def flush_redis(self, url):
        run(["redis-cli", "-u", url, "FLUSHDB"], self.base_env, stdout=subprocess.DEVNULL)

    def main(self):
        print(f"== {machine()['summary']}")
        for database in self.args.databases:
            # The other databases' figures are kept when one fails (a server restarted by
            # other work on the machine): the run says so and goes on.
            try:
                env, drop = self.database(database)
                try:
                    self.bench_database(database, self.base_env | env)
                finally:
                    drop()
            except subprocess.CalledProcessError as error:
                self.failed.append(f"{database}: {' '.join(map(str, error.cmd[:3]))} failed")
                print(f"\n!! {self.failed[-1]}; going on without it", file=sys.stderr)
        self.bench_ceiling()
        self.report()

    def bench_database(self, database, env):
        python = str(BIN / "python")
        print(f"\n== {database}: migrate, load_demo, collectstatic")
        run([python, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env)
        run([python, "manage.py", "load_demo"], env, stdout=subprocess.DEVNULL)
        run([python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
        for comments in self.args.comments:
            run([python, "bench/seed_comments.py", str(comments)], env)
            for mode in self.args.modes:
                self.bench_mode(database, comments, mode, env | MODES[mode][1])

    def bench_mode(self, database, comments, mode, env):
        label = f"{database}, {comments} comments, ({mode}) {MODES[mode][0]}"
        print(f"\n== {label}")
        result = Result(label, database, comments, mode)
        if env["CACHE_URL"].startswith("redis"):
            self.flush_redis(env["CACHE_URL"])
        queries = subprocess.run(
            [str(BIN / "python"), "bench/query_count.py", PATH],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        result.queries = json.loads(queries.stdout)
        server = Server("montage.wsgi", env, self.port, self.scratch / "gunicorn.log")
        try:
            found = comment_anchors(server.page)
            if found != comments:
                sys.exit(f"Expected {comments} comments on one page, found {found}.")
            result.page_bytes = len(server.page)
            if database == "sqlite" and comments == 500 and self.ceiling_page is None:
                self.ceiling_page = server.page
            warm_up = wrk(server.url, self.args.warmup, Result("warm-up"))
            server.measure(self.args.duration, result)
            result.rss_mb = server.worker_rss_mb()
            print(line(result))
            self.results.append(result)
            if database == "sqlite" and comments == 500 and mode == "a":
                self.bench_memory(server, warm_up.requests + result.requests)
        finally:
            server.stop()

    def bench_memory(self, server, served):
        """Keep the server busy until it has served --rss-requests, then read its workers."""
        wanted = self.args.rss_requests
        if not wanted:
            return
        print(f"\n== memory: serving {wanted:,} requests")
        while served < wanted:
            chunk = wrk(server.url, 10, Result("memory"))
            served += chunk.requests
        self.memory = (served, server.worker_rss_mb())
        print(f"after {served:,} requests: workers at {self.memory[1]} MB")

    def bench_ceiling(self):
        print("\n== ceiling: bench/ceiling/app.py, the 500-comment page from memory")
        page = self.scratch / "page.html"
        page.write_bytes(self.ceiling_page)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.ceiling.app"}
        env["CEILING_PAGE"] = str(page)
        server = Server("bench.ceiling.app:application", env, self.port, self.scratch / "c.log")
        try:
            if server.page != self.ceiling_page:
                sys.exit("The ceiling answered other bytes than the page it was given.")
            wrk(server.url, self.args.warmup, Result("warm-up"))
            self.ceiling = server.measure(self.args.duration, Result("ceiling"))
            self.ceiling.rss_mb = server.worker_rss_mb()
            self.ceiling.page_bytes = len(self.ceiling_page)
            print(line(self.ceiling))
        finally:
            server.stop()

    def report(self):
        table = results_table(self.results, self.ceiling)
        memory = self.memory
        print("\n" + table)
        if memory:
            print(f"\nWorkers' memory after {memory[0]:,} requests: {memory[1]} MB")
        if self.args.no_write:
            return
        write_doc(table, memory, self.args, self.failed)
        print(f"\nWritten into {DOC.relative_to(ROOT)}.")


def line(result):
    return (
        f"{result.requests_per_second:8.1f} requests/s  p50 {result.p50_ms:7.1f} ms  "
        f"p99 {result.p99_ms:7.1f} ms  CPU {result.cpu_ms:.2f} ms/request  "
        f"{result.requests} requests  "
        f"workers {result.rss_mb} MB  {result.errors or 'no errors'}"
    )


def results_table(results, ceiling):
    rows = [
        "| database | comments | mode | requests/s | p50 | p99 | of ceiling | target | "
        "CPU a request (of ceiling) | queries cold / warm | workers' RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        f"| ceiling | 500 | one view, bytes from memory | "
        f"**{ceiling.requests_per_second:,.0f}** | {ceiling.p50_ms:.1f} ms | "
        f"{ceiling.p99_ms:.1f} ms | 100 % | | {ceiling.cpu_ms:.2f} ms | 0 | "
        f"{ceiling.rss_mb} MB |",
    ]
    for r in results:
        ratio = r.requests_per_second / ceiling.requests_per_second
        cpu_ratio = ceiling.cpu_ms / r.cpu_ms if r.cpu_ms else 0.0
        target = TARGETS.get((r.mode, r.comments))
        verdict = ""
        if target is not None:
            verdict = f"{target:.0%} {'met' if ratio >= target else 'missed'}"
        database = "SQLite" if r.database == "sqlite" else "PostgreSQL + Redis"
        errors = f" ({r.errors})" if r.errors else ""
        rows.append(
            f"| {database} | {r.comments} | ({r.mode}) {MODES[r.mode][0]} | "
            f"{r.requests_per_second:,.1f}{errors} | {r.p50_ms:.1f} ms | {r.p99_ms:.1f} ms | "
            f"**{ratio:.1%}** | {verdict} | {r.cpu_ms:.1f} ms ({cpu_ratio:.1%}) | "
            f"{r.queries['cold']} / {r.queries['warm']} | "
            f"{r.rss_mb} MB |"
        )
    return "\n".join(rows)


def machine():
    cpu = "unknown CPU"
    for text in Path("/proc/cpuinfo").read_text().splitlines():
        if text.startswith("model name"):
            cpu = text.split(":", 1)[1].strip()
            break
    cores = len(os.sched_getaffinity(0))
    django_version = subprocess.run(
        [str(BIN / "python"), "-m", "django", "--version"], capture_output=True, text=True
    ).stdout.strip()
    load = os.getloadavg()[0]
    summary = (
        f"{cpu}, {cores} cores, Python {platform.python_version()}, Django {django_version}, "
        f"load average {load:.1f}"
    )
    return {"summary": summary}


def write_doc(table, memory, args, failed):
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = subprocess.run(
        ["git", "log", "-1", "--format=%h %s"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    memory_line = (
        f"Each worker's resident memory after {memory[0]:,} requests in mode (a) at 500 "
        f"comments on SQLite: {memory[1]} MB (target: under 150 MB).\n\n"
        if memory
        else ""
    )
    page_cache = (
        ""
        if (ROOT / "page_cache").is_dir()
        else "This checkout has no page cache (`page_cache/`) yet: mode (a) is Montage's "
        "defaults without one, the same as (b).\n"
    )
    block = (
        f"{MARK_START}\n"
        f"Run {now}, commit `{commit}`: `make bench`, wrk -t2 -c16 for {args.duration} s after "
        f"{args.warmup} s of warm-up, {WORKERS} gunicorn sync workers.\n"
        f"Machine: {machine()['summary']} (at the end of the run).\n{page_cache}\n"
        f"{table}\n\n{memory_line}"
        + "".join(f"Not measured: {reason}.\n\n" for reason in failed)
        + MARK_END
    )
    text = DOC.read_text()
    start, end = text.index(MARK_START), text.index(MARK_END) + len(MARK_END)
    DOC.write_text(text[:start] + block + text[end:])


def main():
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    if not (BIN / "python").exists():
        sys.exit("No .venv: run 'make test' or 'make run' once first.")
    with tempfile.TemporaryDirectory(prefix="montage-bench-") as scratch:
        Bench(args, Path(scratch)).main()


if __name__ == "__main__":
    main()
