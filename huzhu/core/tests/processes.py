"""The `huzhu` command run as a user runs it: a real process, its exit code and output."""

import subprocess
import sys


def huzhu(*args: str, stdin: str = "", env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "huzhu", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
