"""Montage settings: one module, environment-driven, with defaults that run on a bare machine.

Everything that differs between a laptop and a server is read through ``env()``.
``PRODUCTION`` is the one switch that selects production: there a missing ``SECRET_KEY``
or ``ALLOWED_HOSTS`` stops startup instead of falling back to a default, and only HTTPS
is served. ``DEBUG`` only chooses Django's debug pages over the site's own 404 and 500;
``PRODUCTION`` follows it unless set, so ``DEBUG=false`` alone still means production
and ``make run`` (``DEBUG=false PRODUCTION=false``) shows readers' error pages locally.
"""

import base64
import hashlib
import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import redis.connection
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name, default=None, *, cast=str):
    """Read one setting from the environment; ``default=None`` means it is required."""
    raw = os.environ.get(name)
    if raw is None:
        if default is None:
            raise ImproperlyConfigured(f"Set the {name} environment variable.")
        return default
    if cast is bool:
        value = raw.strip().lower()
        if value not in _TRUE | _FALSE:
            raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")
        return value in _TRUE
    if cast is list:
        return [item.strip() for item in raw.split(",") if item.strip()]
    try:
        return cast(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} has an invalid value {raw!r}: {error}") from None


DEBUG = env("DEBUG", True, cast=bool)
PRODUCTION = env("PRODUCTION", not DEBUG, cast=bool)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "PRODUCTION=true needs DEBUG=false: debug pages show every visitor your settings."
    )


def _hosts_checked(hosts):
    """Host names as Django matches them: one with a scheme, port or path matches nothing,
    and every request would be refused with a 400."""
    if not hosts:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is empty: name the site's host, e.g. ALLOWED_HOSTS=blog.example.com."
        )
    for host in hosts:
        if "/" in host or ":" in host.rpartition("]")[2]:
            raise ImproperlyConfigured(
                f"ALLOWED_HOSTS lists host names without scheme, port or path: {host!r} "
                "should be written like blog.example.com."
            )
    return hosts


def _secret_key_checked(key):
    """Refuse a key that could be guessed, by the rule of Django's deploy check W009."""
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY is too short or too simple to sign sessions safely: use 50 or more "
            "random characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    return key


_LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
if not PRODUCTION:
    SECRET_KEY = env("SECRET_KEY", "insecure-local-development-key-never-used-in-production")
    ALLOWED_HOSTS = _hosts_checked(env("ALLOWED_HOSTS", _LOCAL_HOSTS, cast=list))
    if "SECRET_KEY" not in os.environ and set(ALLOWED_HOSTS) - set(_LOCAL_HOSTS):
        # The development key is public: anyone could sign sessions for such a site.
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS names a host other than this machine: set PRODUCTION=true "
            "with a SECRET_KEY, or set SECRET_KEY to serve it as it is."
        )
else:
    SECRET_KEY = _secret_key_checked(env("SECRET_KEY"))
    ALLOWED_HOSTS = _hosts_checked(env("ALLOWED_HOSTS", cast=list))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "axes",
    "crispy_forms",
    "taggit",
    "reversion",
    "django_tasks",
    "django_tasks_db",
    "comments",
    "site_settings",
    "blog",
    "outbox",
    "subscriptions",
    "freshness",
    "page_cache",
]

# What no reader page or feed shows: writes to these models leave the content version
# (``freshness``) alone, so they never empty the page caches. Everything else is watched.
FRESHNESS_UNSEEN_MODELS = [
    "admin",
    "auth.Permission",
    "auth.Group",
    "auth.Group_permissions",
    "auth.User_groups",
    "auth.User_user_permissions",
    "contenttypes",
    "sessions",
    "reversion",
    "django_tasks_database",
    "comments.ModerationMailFailure",
    "comments.SpamToken",
    "comments.SpamLesson",
    "blog.ImportedItem",
    "blog.ImportRun",
    "outbox",
    "subscriptions",
    "axes",
]
# The next moment a page changes with no write: a scheduled post falling due.
FRESHNESS_SCHEDULE = "blog.models.next_publication"

# Whole pages for readers without a cookie of their own, under the content version
# (page_cache/middleware.py). The time only bounds what changes with no write at all
# (comments closing after some days); 0 turns the page cache off.
PAGE_CACHE_SECONDS = env("PAGE_CACHE_SECONDS", 600, cast=int)
# Names the code's release in page cache keys (a commit id); empty: a digest of the code.
MONTAGE_RELEASE = env("MONTAGE_RELEASE", "")
# Cookies, besides the CSRF cookie, that change no page: a reader holding only these
# shares the cached page.
PAGE_CACHE_IGNORED_COOKIES = []
# What a cached page fills in for each reader, by the hole's kind (page_cache/holes.py).
PAGE_CACHE_HOLES = {
    "csrf": "page_cache.holes.csrf_token",
    "commenttoken": "comments.forms.form_token_for",
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session and CSRF middleware, to see the cookies they set and the Vary
    # they add: a response for one reader alone is private (page_cache/personal.py).
    "page_cache.personal.PersonalResponsesPrivateMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The time zone the author chose in the admin's Site settings, for every request.
    "site_settings.middleware.SiteTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
    # Inside everything that sets headers per response (CSRF cookie, CSP, security):
    # what it stores is the page alone (page_cache/middleware.py).
    "page_cache.middleware.PageCacheMiddleware",
    # Last, so it sees a 404 first: old addresses answer 301 or 410 (blog/redirects.py).
    "blog.redirects.RedirectMiddleware",
]

ROOT_URLCONF = "montage.urls"
WSGI_APPLICATION = "montage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.site",
                "page_cache.context_processors.holes",
            ],
        },
    },
    {
        # The thread of comments, rendered once per comment on the page: Jinja2 compiles
        # it to Python, and a page of 500 took 11 ms instead of 49 (comments/threads.py).
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "OPTIONS": {"keep_trailing_newline": True},
    },
]

_DATABASE_ENGINES = {"django.db.backends.sqlite3", "django.db.backends.postgresql"}


def _database_from_url(url):
    """The database, from a URL for one of the two engines Montage is tested on."""
    try:
        # Connections are kept a minute, and checked before each request's first query: one
        # a PostgreSQL restart broke is replaced, not failed on (montage/unavailable.py).
        database = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError:
        # Not dj-database-url's message: it lists a dozen engines Montage never runs on.
        raise ImproperlyConfigured(
            "DATABASE_URL is not a database URL: write sqlite:///path/to/db.sqlite3 or "
            "postgres://user:password@host:5432/name, with any special character in the "
            "password %-encoded."
        ) from None
    if database["ENGINE"] not in _DATABASE_ENGINES:
        raise ImproperlyConfigured(
            f"DATABASE_URL names a {urlsplit(url).scheme} database: Montage runs on SQLite "
            "(sqlite:///...) or PostgreSQL (postgres://...)."
        )
    return database


DATABASES = {
    "default": _database_from_url(env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock
    # at BEGIN so concurrent writers wait out the timeout instead of failing with
    # "database is locked" on lock upgrade (Django 5.1 release notes, SQLite options).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


def _redis_url_checked(name, url):
    """A Redis URL read now, as redis-py reads it: not at the first request that uses it."""
    try:
        redis.connection.parse_url(url)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{name} is not a Redis URL redis-py can read: {error}."
        ) from None
    return url


def _cache_from_url(url):
    scheme = urlsplit(url).scheme
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    # Keeps nothing: every cached part is built on each request (bench/run.py's "no cache").
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if scheme in {"redis", "rediss"}:
        # Redis down is a miss, not an error (montage/cache.py): the site serves uncached.
        return {
            "BACKEND": "montage.cache.DegradingRedisCache",
            "LOCATION": _redis_url_checked("CACHE_URL", url),
        }
    raise ImproperlyConfigured(
        f"CACHE_URL must start with locmem://, redis://, rediss:// or dummy://, not {scheme}://."
        if scheme
        else f"CACHE_URL must be a URL such as redis://127.0.0.1:6379/1, not {url!r}."
    )


CACHES = {"default": _cache_from_url(env("CACHE_URL", "locmem://"))}

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))


def _origin_checked(name, value):
    """An origin as CSP names one: scheme and host (and port), no path."""
    if not value:
        return value
    parts = urlsplit(value)
    if parts.scheme not in {"https", "http"} or not parts.netloc or parts.path not in {"", "/"}:
        raise ImproperlyConfigured(
            f"{name} is an origin such as https://media.example.com (scheme and host, "
            f"no path), not {value!r}."
        )
    return f"{parts.scheme}://{parts.netloc}"


# A CDN in front of the uploads, when the deployer names one: it wins over the bucket's
# own origin (MONTAGE_MEDIA_ORIGIN, below).
_MEDIA_ORIGIN_GIVEN = _origin_checked("MONTAGE_MEDIA_ORIGIN", env("MONTAGE_MEDIA_ORIGIN", ""))
# Uploaded WordPress exports wait here for the task worker (blog.wordpress.models.
# ImportsStorage): outside MEDIA_ROOT and static files, so nothing serves them (an
# export holds every commenter's email and IP address).
MONTAGE_IMPORTS_ROOT = Path(env("MONTAGE_IMPORTS_ROOT", str(BASE_DIR / "var" / "imports")))
# The largest export the admin takes; a web server in front needs as much (nginx:
# client_max_body_size). Bigger exports go through `manage.py import_wordpress`.
MONTAGE_IMPORT_MAX_BYTES = env("MONTAGE_IMPORT_MAX_BYTES", 512 * 1024 * 1024, cast=int)


# S3's rule for a bucket name (3 to 63 lowercase letters, digits, dots and hyphens).
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# Every upload gets a name of its own (montage.storage), so an object never changes
# under its URL and browsers and proxies may keep it for a year.
_MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


def _media_storage_from_env():
    """The uploads' storage and the origin pages load them from ('' for the site itself).

    MEDIA_STORAGE is local (MEDIA_ROOT), s3, or s3://bucket/prefix; unset, it is s3
    when AWS_STORAGE_BUCKET_NAME is set. The S3 options are django-storages' own names.
    """
    bucket = env("AWS_STORAGE_BUCKET_NAME", "")
    kind = env("MEDIA_STORAGE", "s3" if bucket else "local").strip()
    kind = kind.lower() if kind.lower() in {"local", "s3"} else kind
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}, ""
    prefix = ""
    if kind.startswith("s3://"):
        address = urlsplit(kind)
        if bucket and address.hostname != bucket:
            raise ImproperlyConfigured(
                f"MEDIA_STORAGE names the bucket {address.hostname!r} and "
                f"AWS_STORAGE_BUCKET_NAME names {bucket!r}: set only one of them."
            )
        bucket, prefix = address.hostname or "", address.path.strip("/")
    elif kind != "s3":
        raise ImproperlyConfigured(
            f"MEDIA_STORAGE must be local, s3 or an s3://bucket URL, not {kind!r}."
        )
    if not bucket:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs a bucket: set AWS_STORAGE_BUCKET_NAME, or write "
            "MEDIA_STORAGE=s3://bucket-name."
        )
    if not _BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
        raise ImproperlyConfigured(
            f"AWS_STORAGE_BUCKET_NAME {bucket!r} is not an S3 bucket name: 3 to 63 lowercase "
            "letters, digits, dots and hyphens."
        )
    endpoint = env("AWS_S3_ENDPOINT_URL", "").rstrip("/")
    if endpoint and (
        urlsplit(endpoint).scheme not in {"http", "https"} or not urlsplit(endpoint).hostname
    ):
        raise ImproperlyConfigured(
            "AWS_S3_ENDPOINT_URL must be an address such as https://s3.example.com, "
            f"not {endpoint!r}."
        )
    custom_domain = env("AWS_S3_CUSTOM_DOMAIN", "").strip("/")
    if "://" in custom_domain:
        raise ImproperlyConfigured(
            "AWS_S3_CUSTOM_DOMAIN is a host name such as media.example.com, without "
            f"https://: not {custom_domain!r}."
        )
    access_key, secret_key = env("AWS_ACCESS_KEY_ID", ""), env("AWS_SECRET_ACCESS_KEY", "")
    if bool(access_key) != bool(secret_key):
        missing = "AWS_SECRET_ACCESS_KEY" if access_key else "AWS_ACCESS_KEY_ID"
        raise ImproperlyConfigured(
            f"{missing} is missing: the storage's key needs both AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY (or neither, for credentials boto3 finds itself)."
        )
    # Imported here: boto3 costs a worker some 35 MB, and local media never need it.
    from botocore.config import Config

    options = {
        "bucket_name": bucket,
        "location": prefix,
        "endpoint_url": endpoint or None,
        "region_name": env("AWS_S3_REGION_NAME", "") or None,
        "custom_domain": custom_domain or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        # Readers load uploads by plain public URLs: a signed one expires, and a cached
        # page would keep linking to it.
        "querystring_auth": False,
        # montage.storage gives each file a new name: none is ever overwritten.
        "file_overwrite": False,
        "object_parameters": {"CacheControl": _MEDIA_CACHE_CONTROL},
        # An author waits on an upload: a bucket that does not answer fails in seconds,
        # not after boto3's default of a minute per attempt.
        "client_config": Config(
            connect_timeout=5, read_timeout=30, retries={"mode": "standard", "max_attempts": 3}
        ),
    }
    if custom_domain:
        origin = f"https://{custom_domain.split('/')[0]}"
    elif endpoint:
        # boto3 addresses a bucket on an endpoint by path: endpoint/bucket/name.
        origin = f"{urlsplit(endpoint).scheme}://{urlsplit(endpoint).netloc}"
    elif "." in bucket:
        # A dotted name cannot be a host under AWS's certificate, so boto3 uses the path.
        origin = "https://s3.amazonaws.com"
    else:
        origin = f"https://{bucket}.s3.amazonaws.com"
    return {"BACKEND": "montage.storage.MediaS3Storage", "OPTIONS": options}, origin


# Where uploads are kept, and the scheme and host pages load them from when that is not
# the site itself (a CDN, a bucket or its custom domain; empty for local media): the
# one origin besides the site's own that the CSP's img-src names.
_media_storage, _storage_origin = _media_storage_from_env()
MONTAGE_MEDIA_ORIGIN = _MEDIA_ORIGIN_GIVEN or _storage_origin
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Off production WhiteNoise serves static/ as it is edited, debug pages or not, with no
# collectstatic.
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = not PRODUCTION
# Django serves MEDIA_ROOT's uploads itself (montage/uploads.py), in production too;
# false when the web server in front (deploy/nginx.conf) or object storage serves them.
MONTAGE_SERVE_MEDIA = env("MONTAGE_SERVE_MEDIA", not MONTAGE_MEDIA_ORIGIN, cast=bool)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every mail is kept in the outbox and sent by the task worker, never in a request: the
# environment's EMAIL_BACKEND names the backend that worker delivers through.
EMAIL_BACKEND = "outbox.backends.QueuedEmailBackend"
OUTBOX_DELIVERY_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
if OUTBOX_DELIVERY_BACKEND == EMAIL_BACKEND:
    raise ImproperlyConfigured(
        "EMAIL_BACKEND names the backend that delivers mail (smtp, console...): the outbox "
        "queue is always in front of it, so it cannot be the queue itself."
    )
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "montage@localhost")
# The SMTP server, for EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env("EMAIL_PORT", 25, cast=int)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", False, cast=bool)


def _tasks_from_url(url):
    """The task queue: in the database unless TASKS_URL names a Redis broker."""
    scheme = urlsplit(url).scheme
    if not url:
        return {"BACKEND": "django_tasks_db.DatabaseBackend"}, {}
    if scheme in {"redis", "rediss"}:
        _redis_url_checked("TASKS_URL", url)
        return {"BACKEND": "django_tasks_rq.RQBackend"}, {"default": {"URL": url}}
    if scheme in {"amqp", "amqps"}:
        raise ImproperlyConfigured(
            "TASKS_URL names RabbitMQ, which the task queue's broker backend "
            "(django-tasks-rq) does not speak: use a redis:// URL, or leave TASKS_URL "
            "unset for the database queue."
        )
    raise ImproperlyConfigured(
        f"TASKS_URL must start with redis:// or rediss://, or be unset, not {scheme}://."
        if scheme
        else f"TASKS_URL must be a URL such as redis://127.0.0.1:6379/2, not {url!r}."
    )


# Slow work (mail above all) runs in a task worker, never in a reader's request.
# Embedded default: a queue kept in the database, worked by `manage.py db_worker`;
# TASKS_URL=redis://... puts it on Redis, worked by `manage.py rqworker --with-scheduler`
# (the scheduler runs deferred tasks: mail's retries).
_tasks_backend, RQ_QUEUES = _tasks_from_url(env("TASKS_URL", ""))
TASKS = {"default": _tasks_backend}
if RQ_QUEUES:
    INSTALLED_APPS.append("django_rq")

CRISPY_ALLOWED_TEMPLATE_PACKS = ["montage"]
CRISPY_TEMPLATE_PACK = "montage"

TAGGIT_CASE_INSENSITIVE = True

# The site's own address, for links in what leaves without a request to read it from:
# mail sent by the task worker (a scheduled post's announcement has no request at all).
MONTAGE_SITE_URL = env("MONTAGE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Starting values of the admin's Site settings (site_settings.conf): once the author
# saves that page, it wins over these and TIME_ZONE.
MONTAGE_SITE_TITLE = env("MONTAGE_SITE_TITLE", "Montage")
MONTAGE_SITE_TAGLINE = env("MONTAGE_SITE_TAGLINE", "Videos and the music behind them")
MONTAGE_AUTHOR_NAME = env("MONTAGE_AUTHOR_NAME", "")
MONTAGE_MODERATION_EMAIL = env("MONTAGE_MODERATION_EMAIL", "")
MONTAGE_FEED_CONTENT = env("MONTAGE_FEED_CONTENT", "full")
MONTAGE_POSTS_PER_PAGE = env("MONTAGE_POSTS_PER_PAGE", 5, cast=int)
MONTAGE_IMAGE_MAX_BYTES = env("MONTAGE_IMAGE_MAX_BYTES", 15_000_000, cast=int)
# Pillow's own bomb guard trips at 89 megapixels; posters never need more than this.
MONTAGE_IMAGE_MAX_PIXELS = env("MONTAGE_IMAGE_MAX_PIXELS", 40_000_000, cast=int)

# The discussion options are declared in comments/options.py: each can also be set
# here or in the environment as COMMENTS_<NAME> (comments/conf.py says which wins).
COMMENTS_TARGET_MODELS = ["blog.Post", "blog.Page"]
# The name the author's replies are signed with: the Site settings' public name.
COMMENTS_AUTHOR_NAME = "site_settings.authors.public_name"
# A person's privacy request (export, erase) covers their subscriptions too.
COMMENTS_PRIVACY_EXPORTERS = [
    "subscriptions.privacy.subscriber_export",
    "outbox.privacy.person_mail_export",
]
COMMENTS_PRIVACY_ERASERS = [
    "subscriptions.privacy.subscriber_erase",
    "outbox.privacy.person_mail_erase",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}


def _proxy_ssl_header(name):
    """The header the web server in front sets to ``https``, as Django reads it; none
    when gunicorn faces readers itself (else any client could claim HTTPS)."""
    if not name:
        return None
    letters = name.replace("-", "")
    if not (letters.isascii() and letters.isalnum()):
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER names a header such as X-Forwarded-Proto, not {name!r}."
        )
    return (f"HTTP_{name.upper().replace('-', '_')}", "https")


# Security headers, on every response in every environment. Pages run only the site's
# own script and stylesheet and frame only the two video players; nothing may frame them.
_VIDEO_PLAYERS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]


def _style_attribute_hash(declaration):
    digest = hashlib.sha256(declaration.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # The only inline styles allowed, by exact value: a Markdown table column's
        # alignment, as nh3 writes it in a post's body (blog/markup.py).
        "style-src-attr": [
            "'unsafe-hashes'",
            *(_style_attribute_hash(f"text-align:{side}") for side in ("left", "center", "right")),
        ],
        "img-src": ["'self'", *filter(None, [MONTAGE_MEDIA_ORIGIN])],
        "frame-src": _VIDEO_PLAYERS,
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# No page asks for the camera, microphone, location or the like; the players may play,
# go full screen and decode protected media (site.js's iframe allow= list). Only features
# Chromium knows: it logs an error for any other (tests/browser/test_content_security_policy.py).
PERMISSIONS_POLICY = {
    **dict.fromkeys(
        [
            "accelerometer",
            "browsing-topics",
            "camera",
            "display-capture",
            "geolocation",
            "gyroscope",
            "hid",
            "magnetometer",
            "microphone",
            "midi",
            "payment",
            "serial",
            "usb",
        ],
        (),
    ),
    **dict.fromkeys(
        ["autoplay", "encrypted-media", "fullscreen", "picture-in-picture"],
        ("self", *_VIDEO_PLAYERS),
    ),
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# The admin login (django-axes): 5 wrong passwords lock out the address they came from,
# and separately the user name they were for, for 15 minutes; the attempts are kept in
# the database, so every worker and machine counts them together. The address is read
# as comments read it, through the trusted proxies.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "comments.addresses.client_ip"
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_RESET_ON_SUCCESS = True
# A login that succeeds leaves no address behind; failures are kept only until their
# cool-off ends (axes deletes them at the next login).
AXES_DISABLE_ACCESS_LOG = True

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(
        env("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    )
    SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", True, cast=bool)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, cast=int)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env("SECURE_HSTS_INCLUDE_SUBDOMAINS", True, cast=bool)
    # On the browsers' preload list a site is HTTPS-only for months: SECURE_HSTS_PRELOAD=false
    # for a domain that is not ready (a subdomain still on plain HTTP).
    SECURE_HSTS_PRELOAD = env("SECURE_HSTS_PRELOAD", True, cast=bool)
