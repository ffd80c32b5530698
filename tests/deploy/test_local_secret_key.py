import stat
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "local_secret_key.py"


def _run(path):
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True, timeout=30
    )


def test_a_new_key_is_made_readable_by_its_owner_only_and_the_run_says_so(tmp_path):
    """The first `make serve` makes a key in var/, mode 0600, and tells where it is."""
    key_file = tmp_path / "var" / "secret-key"
    run = _run(key_file)
    assert run.returncode == 0, run.stderr
    assert f"SECRET_KEY is not set: signing with the key made now in {key_file}" in run.stdout
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 50


def test_the_kept_key_is_used_again_and_never_rewritten(tmp_path):
    """Sessions and comment forms signed before a restart stay valid after it."""
    key_file = tmp_path / "secret-key"
    _run(key_file)
    key = key_file.read_text()
    run = _run(key_file)
    assert run.returncode == 0, run.stderr
    assert f"signing with the key kept in {key_file}" in run.stdout
    assert key_file.read_text() == key


def test_a_key_file_others_can_read_stops_the_start_with_what_to_do(tmp_path):
    """A key anyone on the machine can read would let them sign sessions."""
    key_file = tmp_path / "secret-key"
    _run(key_file)
    key_file.chmod(0o644)
    run = _run(key_file)
    assert run.returncode == 1
    assert f"chmod 600 {key_file}" in run.stderr
    assert run.stdout == ""


def test_an_empty_key_file_stops_the_start_instead_of_signing_with_nothing(tmp_path):
    """A file truncated by a full disk is named, not taken for a key."""
    key_file = tmp_path / "secret-key"
    key_file.touch(mode=0o600)
    run = _run(key_file)
    assert run.returncode == 1
    assert "holds no usable key" in run.stderr
