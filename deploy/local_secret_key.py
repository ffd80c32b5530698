"""Make sure a file holds a signing key for `make serve`, generating one the first time.

    python deploy/local_secret_key.py var/secret-key

deploy/serve.sh runs this when SECRET_KEY is not set, then reads the key from the file:
sessions, CSRF tokens and comment forms stay valid from one start to the next. The file
is created readable by its owner only, and never written again. Says on stdout which
key is used; a key file others can read, or one holding no usable key, stops it.
"""

import os
import secrets
import stat
import sys
from pathlib import Path

# Montage refuses keys under 50 characters (montage/settings.py); 50 random bytes make 67.
KEY_BYTES = 50
MIN_LENGTH = 50


def secret_key_file_ready(path):
    """Create ``path`` with a new key unless it exists; True when it was made now."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two starts at once cannot both write, and the mode is set at creation.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _kept_key_checked(path)
        return False
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(KEY_BYTES) + "\n")
    return True


def _kept_key_checked(path):
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        sys.exit(
            f"{path} can be read by other users (mode {mode:03o}): run `chmod 600 {path}`, "
            "or delete it to have a new key made."
        )
    if len(path.read_text().strip()) < MIN_LENGTH:
        sys.exit(f"{path} holds no usable key: delete it to have a new one made.")


def main(path):
    made = secret_key_file_ready(path)
    print(
        f"SECRET_KEY is not set: signing with the key {'made now' if made else 'kept'} in "
        f"{path} (readable by you only). Set SECRET_KEY to use your own."
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python deploy/local_secret_key.py PATH")
    main(Path(sys.argv[1]))
