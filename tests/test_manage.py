import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_manage_py_names_a_missing_production_setting_in_one_line():
    """`manage.py migrate` without SECRET_KEY in production says so, with no traceback."""
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env.update(DEBUG="false", PRODUCTION="true", ALLOWED_HOSTS="blog.example.com")
    run = subprocess.run(
        [sys.executable, "manage.py", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert run.stderr == "Montage cannot start: Set the SECRET_KEY environment variable.\n"
