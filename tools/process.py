"""A command run and measured, and what its output says (which notebooks ran, what pytest counted)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Run:
    """One command: its wall time, exit code, peak memory and output."""

    seconds: float
    returncode: int
    max_rss_kb: int
    output: str
    timed_out: bool = False

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float | None = None) -> Run:
    """Run ``cmd`` and measure it: wall time, and the peak RSS the kernel reports for the
    process (``wait4``: the largest of it and the children it waited for). After
    ``timeout`` seconds its whole process group is killed."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    return Run(seconds, proc.returncode, usage.ru_maxrss, output, killed.is_set())


ANSI = re.compile(r"\x1b\[[0-9;]*m")
EXECUTED = re.compile(r"(\S+?)\.(?:ipynb|md): (?:Executed notebook|executed) in ([0-9.]+) seconds")
PYTEST = re.compile(r"(\d+) (passed|failed|skipped|deselected|errors?|xfailed|xpassed)")


def executed_notebooks(output: str, project: Path) -> list[str]:
    """The notebooks a Jupyter Book build re-executed, from the log lines of myst-nb and casebook."""
    found = []
    for path, _ in EXECUTED.findall(ANSI.sub("", output)):
        try:
            found.append(Path(path).relative_to(project).as_posix())
        except ValueError:
            found.append(path)
    return found


def pytest_counts(output: str) -> dict[str, int]:
    """``{"passed": 136, "failed": 0, ...}`` from pytest's last summary line."""
    lines = [line for line in ANSI.sub("", output).splitlines() if re.search(r"\bin [0-9.]+s\b", line)]
    counts = {k: 0 for k in ("passed", "failed", "skipped", "errors")}
    for number, word in PYTEST.findall(lines[-1] if lines else ""):
        counts["errors" if word.startswith("error") else word] = int(number)
    return counts
