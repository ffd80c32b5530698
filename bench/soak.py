"""Load and faults: readers and commenters on gunicorn, PostgreSQL and Redis, while parts fail.

    .venv/bin/python bench/soak.py            # 50 readers, 10 commenters, 60 s
    .venv/bin/python bench/soak.py --short    # CI's: 20 readers, 5 commenters, 30 s

On this machine's PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379),
loopback only: a throwaway database is created and dropped, the demo loaded, gunicorn
started with 4 workers (deploy/gunicorn.conf.py) beside the Redis task worker, which is
started again whenever it exits, as a service manager would (RQ's worker exits when it
loses Redis; deploy/serve.sh does not restart it). Under load
it SIGKILLs one gunicorn worker, restarts PostgreSQL, and stops Redis for 10 s, each
once, and restores both whatever happens. Then it checks what readers and commenters
saw and what was stored and mailed, prints the counts, and exits 1 on any violation:

- readers get 200, or 503 with Retry-After; never a 500 or a traceback;
- within 5 s of each fault's end every answer is a 200 again (a request cut off by the
  killed worker counts against that fault);
- every comment answered 303 is stored exactly once; none answered with an error is;
- every moderation mail is delivered (a file of the file email backend) exactly once,
  including those kept while Redis (the task queue) was down, which go with the next mail
  delivered: a few comments are sent after the load for that.

PostgreSQL and Redis are shared with whatever else runs here: both go down once, briefly.
"""

import argparse
import collections
import contextlib
import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# Redis databases of their own: the test suite uses 1, 2, 7 and 1 + 8n per xdist worker.
CACHE_DB, TASKS_DB = 13, 14
POST_PATH = "/posts/rocky-training-in-russia-rocky-iv/"
READER_PATHS = [POST_PATH, "/", "/archive/", "/feed/", "/sitemap.xml"]
COMMENT_PATH = "/comments/post/"
MODERATOR = "moderator@soak.example"
RECOVERY_SECONDS = 5
# outbox.services.STRANDED_AFTER: queued mail older than this, with no task, is requeued.
STRANDED_SECONDS = 10
REDIS_DOWN_SECONDS = 10
NETWORK_TIMEOUT = 15
MIN_SECONDS_TO_POST = 1
# django-tasks' jobs on RQ run only through its own job class (as deploy/serve.sh says).
RQ_JOB_CLASS = ["--job-class", "django_tasks_rq.backend.Job"]

_TOKEN = re.compile(r'name="token" value="([^"]+)"')
_TARGET = re.compile(r'name="target" value="([^"]+)"')
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


@dataclass
class Answer:
    finished: float  # when the answer (or the failure) came: a request waits its turn
    status: int | None  # None: no answer (connection cut or refused)
    retry_after: bool = False
    traceback: bool = False


@dataclass
class Log:
    lock: threading.Lock = field(default_factory=threading.Lock)
    readers: list = field(default_factory=list)
    comments: dict = field(default_factory=dict)  # text -> status (None: no answer)
    faults: list = field(default_factory=list)  # (name, started, ended)
    began: float = field(default_factory=time.monotonic)

    def read(self, answer):
        with self.lock:
            self.readers.append(answer)


def request(port, method, path, *, source="127.0.0.1", body=None, headers=None):
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=NETWORK_TIMEOUT, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response, response.read().decode(errors="replace")
    finally:
        connection.close()


def reader(port, log, stop, number):
    paths = READER_PATHS[number % len(READER_PATHS) :] + READER_PATHS
    turn = 0
    while not stop.is_set():
        path = paths[turn % len(paths)]
        turn += 1
        try:
            response, body = request(port, "GET", path)
        except OSError:
            log.read(Answer(time.monotonic(), None))
            stop.wait(0.05)
            continue
        log.read(
            Answer(
                time.monotonic(),
                response.status,
                retry_after=bool(response.getheader("Retry-After")),
                traceback="Traceback" in body,
            )
        )


def commenter(port, log, stop, number):
    source = f"127.0.0.{number + 10}"
    sent = 0
    while not stop.is_set():
        try:
            response, page = request(port, "GET", POST_PATH, source=source)
        except OSError:
            stop.wait(0.2)
            continue
        if response.status != 200:
            stop.wait(0.2)
            continue
        cookie = _CSRF_COOKIE.search(response.getheader("Set-Cookie", "")).group(1)
        sent += 1
        text = f"Soak comment {number}-{sent}: the montage holds."
        body = urlencode(
            {
                "csrfmiddlewaretoken": _CSRF_FIELD.search(page).group(1),
                "name": f"Commenter {number}",
                "email": f"commenter{number}@soak.example",
                "url": "",
                "text": text,
                "parent": "",
                "target": _TARGET.search(page).group(1),
                "token": _TOKEN.search(page).group(1),
                "homepage": "",
            }
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
        }
        if stop.wait(MIN_SECONDS_TO_POST + 0.1):
            return
        try:
            answer, _ = request(
                port, "POST", COMMENT_PATH, source=source, body=body, headers=headers
            )
            status = answer.status
        except OSError:
            status = None
        with log.lock:
            log.comments[text] = status


def redis_up():
    try:
        return redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        return False


def postgres_up():
    try:
        with psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def wait_for(check, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def redis_start():
    subprocess.run(
        [
            "redis-server",
            "--daemonize", "yes",
            "--bind", REDIS_HOST,
            "--port", str(REDIS_PORT),
            "--save", "",
            "--appendonly", "no",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    wait_for(redis_up, 15)


def postgres_cluster_restart():
    version = os.listdir("/etc/postgresql")[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=60,
    )


def postgres_restore():
    """Start the cluster again if a fault, or this script's death, left it down."""
    if not wait_for(postgres_up, 5):
        version = os.listdir("/etc/postgresql")[0]
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
            capture_output=True,
            timeout=60,
        )
        wait_for(postgres_up, 30)


def gunicorn_workers(master):
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    return [int(pid) for pid in children.read_text().split()]


def faults(master, log, stop, duration):
    """Each fault once, spread over the run, each recorded with when it started and ended."""
    schedule = [(0.15, "worker killed"), (0.35, "PostgreSQL restarted"), (0.6, "Redis stopped")]
    began = time.monotonic()
    for fraction, name in schedule:
        if stop.wait(max(0, began + fraction * duration - time.monotonic())):
            return
        started = time.monotonic()
        if name == "worker killed":
            os.kill(gunicorn_workers(master)[0], signal.SIGKILL)
        elif name == "PostgreSQL restarted":
            postgres_cluster_restart()
        else:
            subprocess.run(
                ["redis-cli", "-h", REDIS_HOST, "-p", str(REDIS_PORT), "shutdown", "nosave"],
                capture_output=True,
                timeout=30,
            )
            stop.wait(REDIS_DOWN_SECONDS)
            redis_start()
        with log.lock:
            log.faults.append((name, started, time.monotonic()))


def environment(workdir, database):
    (workdir / "soak_settings.py").write_text(
        "from montage.settings import *  # noqa: F403\n"
        f"STATIC_ROOT = {str(workdir / 'static')!r}\n"
        f"EMAIL_FILE_PATH = {str(workdir / 'mail')!r}\n"
    )
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="soak_settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(workdir), env.get("PYTHONPATH")])),
        DATABASE_URL=f"{POSTGRES}/{database}",
        CACHE_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/{CACHE_DB}",
        TASKS_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/{TASKS_DB}",
        DEBUG="false",
        PRODUCTION="true",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        MEDIA_ROOT=str(workdir / "media"),
        WEB_CONCURRENCY="4",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        MONTAGE_MODERATION_EMAIL=MODERATOR,
        COMMENTS_MIN_SECONDS_TO_POST=str(MIN_SECONDS_TO_POST),
        COMMENTS_FLOOD_SECONDS="1",
        LOG_LEVEL="WARNING",
    )
    return env


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


@contextlib.contextmanager
def throwaway_database():
    name = f"montage_soak_{secrets.token_hex(4)}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        postgres_restore()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def running(command, env, log_path):
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@contextlib.contextmanager
def supervised(command, env, log_path):
    """``command`` started again a second after each exit, as a service manager would
    (systemd's Restart=always): RQ's worker exits when it loses Redis. Yields the list
    of its exit codes."""
    exits, done = [], threading.Event()
    current = []

    def keep_running():
        with log_path.open("a") as log:
            while not done.is_set():
                process = subprocess.Popen(
                    command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
                )
                current[:] = [process]
                while process.poll() is None and not done.wait(0.2):
                    pass
                if done.is_set():
                    break
                exits.append(process.returncode)
                done.wait(1)

    keeper = threading.Thread(target=keep_running)
    keeper.start()
    try:
        yield exits
    finally:
        done.set()
        keeper.join(timeout=10)
        for process in current:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def wait_serving(server, port, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"soak: gunicorn exited at start:\n{log_path.read_text()}")
        with contextlib.suppress(OSError):
            if request(port, "GET", POST_PATH)[0].status == 200:
                return
        time.sleep(0.2)
    sys.exit("soak: gunicorn did not serve the post page within 60 s")


def stored(database):
    with psycopg.connect(f"{POSTGRES}/{database}") as connection:
        texts = collections.Counter(
            text
            for (text,) in connection.execute(
                "SELECT text FROM comments_comment WHERE text LIKE 'Soak comment %%'"
            )
        )
        outbox = dict(
            connection.execute("SELECT status, count(*) FROM outbox_outgoingmail GROUP BY status")
        )
    return texts, outbox


def mailed(workdir):
    """Moderation mails delivered, by the comment they are about (the file backend
    writes one file per delivery)."""
    counts = collections.Counter()
    for path in (workdir / "mail").glob("*.log"):
        counts.update(re.findall(r"Soak comment \d+-\d+", path.read_text(errors="replace")))
    return counts


def judge(log, texts, outbox, mails, waited_out):
    """The violations, and the counts to print."""
    violations = []
    statuses = collections.Counter(answer.status for answer in log.readers)
    for answer in log.readers:
        if answer.status == 500 or answer.traceback:
            violations.append(f"a reader got {answer.status} with a traceback={answer.traceback}")
        elif answer.status == 503 and not answer.retry_after:
            violations.append("a reader got a 503 without Retry-After")
        elif answer.status not in (200, 503, None):
            violations.append(f"a reader got {answer.status}")
    recoveries = {name: 0.0 for name, _started, _ended in log.faults}
    for answer in log.readers:
        if answer.status == 200:
            continue
        during = [
            (name, ended)
            for name, started, ended in log.faults
            if started <= answer.finished <= ended + RECOVERY_SECONDS
        ]
        if not during:
            moment = answer.finished - log.began
            violations.append(
                f"a reader got {answer.status or 'no answer'} at {moment:.1f} s, outside any "
                "fault's window"
            )
            continue
        name, ended = during[-1]
        recoveries[name] = max(recoveries[name], answer.finished - ended)
    comment_statuses = collections.Counter(log.comments.values())
    for text, status in log.comments.items():
        if status == 303 and texts[text] != 1:
            violations.append(f"a comment answered 303 is stored {texts[text]} times")
        elif status is not None and status != 303 and texts[text]:
            violations.append(f"a comment answered {status} was stored")
    for count in texts.values():
        if count > 1:
            violations.append(f"a comment is stored {count} times")
    mail_count = sum(mails.values())
    for text in texts:
        label = text.split(":")[0]
        if mails[label] != 1:
            violations.append(f"the mail about {label!r} was delivered {mails[label]} times")
    if not waited_out:
        violations.append(f"mail still unsent after the wait: {outbox}")
    counts = {
        "reader answers": dict(sorted(statuses.items(), key=str)),
        "comments answered": dict(sorted(comment_statuses.items(), key=str)),
        "comments stored": sum(texts.values()),
        "outbox rows": outbox,
        "mails delivered": mail_count,
        "faults, seconds from end to the last non-200 answer": {
            name: round(seconds, 2) for name, seconds in recoveries.items()
        },
    }
    return violations, counts


def soak(args):
    if not (postgres_up() and redis_up()):
        print("soak: skipped: PostgreSQL at 127.0.0.1:5432 or Redis at 127.0.0.1:6379 is not up")
        return 0 if args.skip_missing else 2
    with tempfile.TemporaryDirectory(prefix="montage-soak-") as temporary:
        workdir = Path(temporary)
        try:
            with throwaway_database() as database:
                return soak_on(args, workdir, database)
        finally:
            if not redis_up():
                redis_start()


def soak_on(args, workdir, database):
    env = environment(workdir, database) | {"PORT": str(args.port)}
    redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=CACHE_DB).flushdb()
    redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=TASKS_DB).flushdb()
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput")
    log, stop = Log(), threading.Event()
    server_log, worker_log = workdir / "gunicorn.log", workdir / "worker.log"
    gunicorn = [BIN / "gunicorn", "--config", "deploy/gunicorn.conf.py"]
    with (
        running(gunicorn, env, server_log) as server,
        supervised(
            [
                sys.executable,
                "manage.py",
                "rqworker",
                "default",
                "--with-scheduler",
                *RQ_JOB_CLASS,
            ],
            env,
            worker_log,
        ) as worker_exits,
    ):
        wait_serving(server, args.port, server_log)
        threads = [
            threading.Thread(target=reader, args=(args.port, log, stop, n))
            for n in range(args.readers)
        ] + [
            threading.Thread(target=commenter, args=(args.port, log, stop, n))
            for n in range(args.commenters)
        ]
        fault_thread = threading.Thread(
            target=faults if args.faults else lambda *args: None,
            args=(server, log, stop, args.seconds),
        )
        print(
            f"soak: {args.readers} readers, {args.commenters} commenters, {args.seconds} s "
            f"on 127.0.0.1:{args.port}"
        )
        log.began = time.monotonic()
        try:
            for thread in [*threads, fault_thread]:
                thread.start()
            stop.wait(args.seconds)
        finally:
            stop.set()
            fault_thread.join(timeout=90)
            for thread in threads:
                thread.join(timeout=2 * NETWORK_TIMEOUT)
        # Comments after the load, once mail kept during the Redis outage counts as
        # stranded: as in life, the next mail delivered takes it along
        # (outbox.services.mail_requeue_stranded).
        time.sleep(STRANDED_SECONDS + 1)
        closing = Log()
        closing_stop = threading.Event()
        threading.Timer(MIN_SECONDS_TO_POST + 5, closing_stop.set).start()
        commenter(args.port, closing, closing_stop, args.commenters)
        log.comments.update(closing.comments)
        waited_out = wait_for(lambda: set(stored(database)[1]) <= {"sent"}, args.mail_wait)
    texts, outbox = stored(database)
    violations, counts = judge(log, texts, outbox, mailed(workdir), waited_out)
    counts["task worker restarts (exit codes)"] = worker_exits
    for name, value in counts.items():
        print(f"  {name}: {value}")
    for name, started, ended in log.faults:
        print(f"  fault {name!r}: from {started - log.began:.1f} s to {ended - log.began:.1f} s")
    if violations:
        print(f"soak: {len(violations)} violations, the first ten:")
        for violation in violations[:10]:
            print(f"  - {violation}")
        for path in (server_log, worker_log):
            lines = [line for line in path.read_text().splitlines() if '"' not in line]
            print(f"the end of {path.name}, without the access log:", *lines[-30:], sep="\n")
        return 1
    print("soak: no violation")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--short", action="store_true", help="CI's: 20 readers, 5 commenters, 30 s"
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--commenters", type=int, default=10)
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--mail-wait", type=int, default=60, help="seconds for mail to go out")
    parser.add_argument(
        "--no-faults", dest="faults", action="store_false", help="the load alone, no fault"
    )
    parser.add_argument(
        "--skip-missing",
        action="store_true",
        help="exit 0, saying so, without PostgreSQL or Redis",
    )
    args = parser.parse_args()
    if args.short:
        args.seconds, args.readers, args.commenters = 30, 20, 5
    sys.exit(soak(args))


if __name__ == "__main__":
    main()
