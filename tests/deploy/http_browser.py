"""A browser for servers a test started, spoken to over HTTP alone: cookies, forms with
their CSRF token, uploads, and the address a load balancer in front reports for it."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from html import unescape

from tests.blog.admin_forms import form_values

NETWORK_TIMEOUT = 10


@dataclass
class Answer:
    status: int
    headers: object
    text: str
    url: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to look at (303 after a comment, 302 after a save)."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A reader's or the author's browser: one cookie jar for the site, whichever machine
    answers, and the address the load balancer reports for it."""

    def __init__(self, address):
        self.address = address
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirects
        )

    def get(self, url):
        return self._send(urllib.request.Request(url))

    def post(self, url, fields, *, files=None):
        """A form sent as a browser sends it, with its Origin; ``files`` maps a field to
        (file name, content type, bytes) and makes it multipart."""
        if files:
            body, content_type = _multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
            content_type = "application/x-www-form-urlencoded"
        origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(url))
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": content_type, "Origin": origin}
        )
        return self._send(request)

    def _send(self, request):
        request.add_header("X-Forwarded-For", self.address)
        try:
            with self.opener.open(request, timeout=NETWORK_TIMEOUT) as response:
                return Answer(
                    response.status, response.headers, response.read().decode(), request.full_url
                )
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read().decode(), request.full_url)

    def log_in(self, site_url, *, username, password):
        """Through the admin's login form, with the CSRF token it carries."""
        login = self.get(f"{site_url}/admin/login/?next=/admin/")
        fields = form_values(login.text, "login-form") | {
            "username": username,
            "password": password,
        }
        answer = self.post(login.url, fields)
        assert (answer.status, answer.headers["Location"]) == (302, "/admin/"), answer.text

    def post_comment(self, page, *, name, email, text):
        """Open the page and send its comment form filled in."""
        shown = self.get(page)
        assert shown.status == 200
        fields = form_values(shown.text, css_class="comment-form")
        action = re.search(
            r'<form class="comment-form" method="post" action="([^"]+)"', shown.text
        )
        return self.post(
            urllib.parse.urljoin(page, unescape(action[1]).partition("#")[0]),
            fields | {"name": name, "email": email, "text": text},
        )


def _multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts += [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode(),
                str(item).encode(),
                b"\r\n",
            ]
    for name, (file_name, content_type, data) in files.items():
        parts += [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{file_name}"\r\nContent-Type: {content_type}\r\n\r\n'.encode(),
            data,
            b"\r\n",
        ]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
