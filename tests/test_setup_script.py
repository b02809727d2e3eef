"""scripts/setup.sh: installing the Debian packages waits for another apt process's lock instead of failing."""

import hashlib
import os
import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def executable(path: Path, text: str) -> None:
    path.write_text("#!/usr/bin/env bash\n" + text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_apt_waits_up_to_five_minutes_for_the_lock_and_says_so(tmp_path):
    """A checkout whose requirements are installed, on a machine missing every Debian package, run as root, while
    another process holds the dpkg lock: every apt-get call is told to wait for the lock."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "setup.sh", tmp_path / "scripts" / "setup.sh")
    (tmp_path / "requirements.txt").write_text("")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    executable(tmp_path / ".venv" / "bin" / "python", "exit 0\n")
    (tmp_path / ".venv" / ".requirements.sha256").write_text(hashlib.sha256(b"").hexdigest() + "\n")
    fake = tmp_path / "bin"
    fake.mkdir()
    calls = tmp_path / "apt-calls"
    executable(fake / "apt-get", f'echo "$*" >> "{calls}"\n')
    executable(fake / "dpkg-query", "exit 1\n")
    executable(fake / "id", "echo 0\n")
    executable(fake / "fuser", "exit 0\n")  # the lock is held

    result = subprocess.run(
        ["bash", str(tmp_path / "scripts" / "setup.sh")],
        env={**os.environ, "PATH": f"{fake}:{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    apt = calls.read_text().splitlines()
    assert [line.split(" update")[0].split(" install")[0] for line in apt] == ["-o DPkg::Lock::Timeout=300"] * 2
    assert "waiting for it (up to 5 minutes)" in result.stdout
