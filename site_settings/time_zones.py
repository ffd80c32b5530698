"""Time zone names: the ones this server's zoneinfo database knows, for a select."""

from functools import cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The IANA database's geographic areas; other names are legacy aliases (US/Eastern, Cuba).
AREAS = (
    "Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe",
    "Indian", "Pacific",
)  # fmt: skip
INVALID_TIME_ZONE = _(
    "“%(value)s” is not a time zone. Choose one from the list, such as Europe/Paris."
)


@cache
def time_zone_names():
    """Every name the database knows: scanned once per process, it is hundreds of files."""
    return frozenset(available_timezones())


def validate_time_zone(value):
    if value not in time_zone_names():
        raise ValidationError(INVALID_TIME_ZONE, code="invalid_time_zone", params={"value": value})


def time_zone_choices(current=""):
    """UTC, then each area's zones grouped under it, and ``current`` if it is an alias.

    Each zone reads in full ("America/New York"): a closed select shows no group.
    """
    groups = {}
    for name in sorted(time_zone_names()):
        area, _slash, place = name.partition("/")
        if area in AREAS and place:
            groups.setdefault(area, []).append((name, name.replace("_", " ")))
    choices = [("UTC", "UTC")]
    listed = current == "UTC" or current.partition("/")[0] in AREAS
    if current in time_zone_names() and not listed:
        choices.append((current, current))
    return choices + list(groups.items())
