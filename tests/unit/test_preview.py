"""make preview: the site served with a reload script of its own (no CDN), and a change to a
watched file runs the build and tells the open page to reload."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from websockets.sync.client import connect

from conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 20) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_change_rebuilds_and_reloads_the_page(tmp_path: Path) -> None:
    html, watched, marker = tmp_path / "html", tmp_path / "chapters", tmp_path / "built"
    html.mkdir()
    watched.mkdir()
    (html / "index.html").write_text("<!DOCTYPE html><html><body><p>The book</p></body></html>", encoding="utf-8")
    port = free_port()
    build = f"{sys.executable} -c \"open('{marker}', 'a').write('x')\""
    server = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "scripts" / "preview.py"),
            "--html",
            str(html),
            "--watch",
            str(watched),
            "--port",
            str(port),
            "--no-initial-build",
            "--build",
            build,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        page = wait_for(f"http://127.0.0.1:{port}/").decode("utf-8")
        assert "<p>The book</p>" in page
        assert f'new WebSocket("ws://127.0.0.1:{port}/websocket-reload")' in page
        assert "http://" not in page.replace(f"ws://127.0.0.1:{port}", "") and "https://" not in page
        with connect(f"ws://127.0.0.1:{port}/websocket-reload") as ws:  # what the injected script opens
            time.sleep(0.5)  # the watcher is up
            (watched / "01-introduction.md").write_text("# Changed\n", encoding="utf-8")
            assert ws.recv(timeout=20) == "refresh"
        assert marker.read_text() == "x", "the build command ran once"
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "changed" in output and "rebuilding" in output, output
