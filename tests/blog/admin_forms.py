"""Read an admin form from its HTML, as a browser would submit it unchanged."""

from html.parser import HTMLParser

from tests.factories import CategoryFactory, TrackFactory

UNSENT_INPUT_TYPES = {"submit", "button", "file", "image", "reset"}


class _FormReader(HTMLParser):
    def __init__(self, is_the_form):
        super().__init__(convert_charrefs=True)
        self.is_the_form = is_the_form
        self.inside = False
        self.values = {}
        self._textarea = None
        self._select = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = self.is_the_form(attrs)
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in UNSENT_INPUT_TYPES:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.values.setdefault(name, []).append(attrs.get("value", "on"))
                return
            self.values.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, []).append("")
        elif tag == "select" and name:
            # A single choice sends its first option when none is marked selected.
            self._select, self._first_option = name, None if "multiple" not in attrs else False
            self.values.setdefault(name, [])
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self.values[self._select].append(value)

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            if not self.values[self._select] and self._first_option not in (None, False):
                self.values[self._select].append(self._first_option)
            self._select = None


def form_values(html, form_id=None, *, css_class=None):
    """The fields of form ``form_id`` (or of the form of class ``css_class``) with the
    values the page shows, ready to POST."""
    if css_class:
        reader = _FormReader(lambda attrs: css_class in (attrs.get("class") or "").split())
    else:
        reader = _FormReader(lambda attrs: attrs.get("id") == form_id)
    reader.feed(html)
    values = {}
    for name, found in reader.values.items():
        # A textarea's first newline belongs to the markup, as browsers read it.
        found = [value.removeprefix("\n") for value in found]
        if found:
            values[name] = found if len(found) > 1 else found[0]
    return values


def post_form_data(author, **overrides):
    """The add-post form filled in: a video and one track at 1:35, as the author sends it."""
    data = {
        "title": "Rocky training in Russia",
        "slug": "rocky-training-in-russia",
        "lead": "Frozen landscapes.",
        "body": "Body.",
        "poster_alt": "",
        "category": CategoryFactory().pk,
        "tags": "rocky, 1980s",
        "status": "published",
        "published_at_0": "2025-11-27",
        "published_at_1": "10:00:00",
        "author": author.pk,
        "videos-TOTAL_FORMS": "1",
        "videos-INITIAL_FORMS": "0",
        "videos-0-url": "https://youtu.be/dQw4w9WgXcQ?t=5",
        "videos-0-title": "The montage",
        "videos-0-duration_seconds": "232",
        "videos-0-position": "0",
        "soundtrack-TOTAL_FORMS": "1",
        "soundtrack-INITIAL_FORMS": "0",
        "soundtrack-0-position": "1",
        "soundtrack-0-track": TrackFactory(title="Hearts on Fire").pk,
        "soundtrack-0-starts_at": "1:35",
        "pictures-TOTAL_FORMS": "0",
        "pictures-INITIAL_FORMS": "0",
        "details-TOTAL_FORMS": "0",
        "details-INITIAL_FORMS": "0",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}
