"""Figure 1's images are drawn in a child process that a watchdog stops: a Chromium that never
answers makes an error that says so, not a build that never ends."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import plotly.graph_objects as go
import pytest

from casebook.figures import images


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="finds a child's children in Linux's /proc")
def test_a_drawing_that_never_answers_is_stopped_with_its_browser_tried_again_and_reported(monkeypatch, tmp_path):
    started = tmp_path / "browsers"
    # a stand-in for kaleido: it starts a "browser" in a session of its own, then waits for ever
    child = (
        "import subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'], start_new_session=True)\n"
        f"open({str(started)!r}, 'a').write(f'{{p.pid}}\\n')\n"
        "time.sleep(120)\n"
    )
    monkeypatch.setattr(images, "_command", lambda folder: [sys.executable, "-c", child])
    monkeypatch.setattr(images, "TIMEOUT", 1.5)
    begun = time.monotonic()
    with pytest.raises(images.DrawingTimedOut, match=r"did not answer within 2 s, 2 times.*nothing was written"):
        images.images(go.Figure(), 100)
    assert time.monotonic() - begun < 30
    browsers = [int(p) for p in started.read_text().split()]
    assert len(browsers) == images.TRIES
    deadline = time.monotonic() + 10
    while any(map(_alive, browsers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in browsers if _alive(pid)], "a stopped drawing left its browser running"


def test_a_drawing_that_fails_says_what_kaleido_said(monkeypatch):
    child = "import sys; sys.exit('kaleido: no Chromium found on this machine')"
    monkeypatch.setattr(images, "_command", lambda folder: [sys.executable, "-c", child])
    with pytest.raises(RuntimeError, match="kaleido failed:\n.*no Chromium found"):
        images.images(go.Figure(), 100)
