"""Figure 1 as image files (SVG, PNG, PDF bytes), drawn by kaleido in a child process that a
watchdog stops when its Chromium stops answering.

kaleido waits on Chromium without a time limit while it starts the browser and opens a tab;
on a busy machine that wait was seen to last for ever (a build stuck for ten minutes, no
output). In a child process the wait has a limit: past it the child and the browser it
started are stopped and the drawing is tried once more; a second silence is an error that
says what happened instead of a build that never ends.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

FORMATS = ("svg", "png", "pdf")
TIMEOUT = 120.0  # seconds for all three images; a quiet machine needs about three
TRIES = 2


class DrawingTimedOut(RuntimeError):
    """kaleido's Chromium did not answer in time, every try."""


def images(fig: go.Figure, width: int, formats: tuple[str, ...] = FORMATS) -> dict[str, bytes]:
    """``fig`` drawn ``width`` pixels wide (its own height) in each of ``formats`` (PNG at
    twice the scale), by kaleido in a child process stopped after :data:`TIMEOUT` seconds."""
    request = json.dumps(
        {
            "figure": json.loads(pio.to_json(fig, engine="json", remove_uids=False)),
            "width": width,
            "formats": list(formats),
        }
    )
    with tempfile.TemporaryDirectory(prefix="casebook-figure-") as tmp:
        for _ in range(TRIES):
            if _draw_in_child(request, Path(tmp)):
                return {fmt: (Path(tmp) / f"figure.{fmt}").read_bytes() for fmt in formats}
    raise DrawingTimedOut(
        f"Figure 1's images: kaleido's Chromium did not answer within {TIMEOUT:.0f} s, {TRIES} times "
        "(the machine may be very busy); nothing was written. Run the build again."
    )


def _draw_in_child(request: str, folder: Path) -> bool:
    """Run :func:`_main` in a child; False when it had to be stopped, an error when it failed."""
    child = subprocess.Popen(
        _command(folder),
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _, err = child.communicate(request.encode("utf-8"), timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        _stop(child)
        return False
    if child.returncode != 0:
        raise RuntimeError(f"Figure 1's images: kaleido failed:\n{err.decode('utf-8', 'replace')[-3000:]}")
    return True


def _command(folder: Path) -> list[str]:
    """The child's command line: this module run as a program, writing into ``folder``."""
    return [sys.executable, "-m", __name__, str(folder)]


def _stop(child: subprocess.Popen[bytes]) -> None:
    """Stop ``child`` and what it started (kaleido's browser runs in a session of its own, under
    a wrapper that stops Chromium when it is asked to stop)."""
    for pid in _children(child.pid):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    child.kill()
    child.wait()  # not communicate(): a browser left running would hold the child's stderr open
    for pipe in (child.stdin, child.stderr):
        if pipe:
            pipe.close()


def _children(pid: int) -> list[int]:
    """The direct children of ``pid`` (Linux's /proc; elsewhere none are known)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(p) for p in task.read_text().split()]
        except OSError:
            pass
    return found


def _main(folder: Path) -> None:
    """The child: read the request on stdin, write ``figure.<format>`` into ``folder``."""
    import kaleido  # deferred: kaleido and its Chromium, only in the child that draws

    request = json.loads(sys.stdin.read())
    fig = go.Figure(request["figure"])
    kaleido.start_sync_server(silence_warnings=True)
    try:
        for fmt in request["formats"]:
            with warnings.catch_warnings():  # plotly notes that a running server ignores its options
                warnings.simplefilter("ignore", UserWarning)
                data = pio.to_image(
                    fig, format=fmt, width=request["width"], height=fig.layout.height, scale=2 if fmt == "png" else 1
                )
            (folder / f"figure.{fmt}").write_bytes(data)
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


if __name__ == "__main__":
    _main(Path(sys.argv[1]))
