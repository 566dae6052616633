"""Vendor plotly.js's basic partial bundle from npm into the package, pinned and checksummed.

Figure 1 draws only scatter traces, shapes and annotations, which the partial bundle
``plotly.js-basic-dist-min`` draws; it is about a quarter of the full plotly.min.js that
the Python plotly package ships. The book serves it from its own ``_static`` (never a CDN).

    python scripts/vendor_plotly.py           # fetch the version plotly.py bundles, verify, write
    python scripts/vendor_plotly.py --check   # offline: the vendored file matches its record

The version is the plotly.js version the pinned Python plotly bundles, so the browser draws
with the library the figure's JSON was written for. The npm tarball is verified against the
registry's Subresource Integrity (sha512) before anything is written, and the record
(``casebook/publish/static/plotly-basic.json``) keeps that integrity, the tarball's URL and
the SHA-256 of the extracted script, which ``--check`` and tests/unit/test_figure.py compare.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "casebook" / "publish" / "static"
PACKAGE = "plotly.js-basic-dist-min"
MEMBERS = {"package/plotly-basic.min.js": "plotly-basic.min.js", "package/LICENSE": "plotly-basic.LICENSE"}
RECORD = STATIC / "plotly-basic.json"
REGISTRY = "https://registry.npmjs.org"


def bundled_version() -> str:
    """The plotly.js version inside the installed Python plotly package."""
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (https only)
        return response.read()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def vendor(version: str) -> dict[str, str]:
    meta = json.loads(fetch(f"{REGISTRY}/{PACKAGE}/{version}"))
    dist = meta["dist"]
    tarball = fetch(dist["tarball"])
    if integrity(tarball) != dist["integrity"]:
        raise SystemExit(f"{dist['tarball']}: integrity {integrity(tarball)} is not the registry's {dist['integrity']}")
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member, name in MEMBERS.items():
            extracted = archive.extractfile(member)
            if extracted is None:
                raise SystemExit(f"{dist['tarball']}: no {member}")
            files[name] = extracted.read()
    script = files["plotly-basic.min.js"]
    if not re.search(rb"plotly\.js( \([^)]*\))? v" + re.escape(version.encode()) + rb"\n", script[:400]):
        raise SystemExit(f"{dist['tarball']}: plotly-basic.min.js does not announce v{version}")
    for name, data in files.items():
        (STATIC / name).write_bytes(data)
    record = {
        "package": PACKAGE,
        "version": version,
        "tarball": dist["tarball"],
        "integrity": dist["integrity"],
        "license": meta.get("license", ""),
        "sha256": hashlib.sha256(script).hexdigest(),
    }
    RECORD.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def check() -> list[str]:
    """What is wrong with the vendored bundle (nothing when it is the recorded, current one)."""
    if not RECORD.is_file():
        return [f"{RECORD.relative_to(ROOT)} is missing: run python scripts/vendor_plotly.py"]
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    script = STATIC / "plotly-basic.min.js"
    problems = []
    if not script.is_file():
        problems.append(f"{script.relative_to(ROOT)} is missing")
    elif hashlib.sha256(script.read_bytes()).hexdigest() != record["sha256"]:
        problems.append(f"{script.relative_to(ROOT)} is not the file {RECORD.name} records")
    if record["version"] != bundled_version():
        problems.append(
            f"vendored plotly.js {record['version']}, but the installed plotly bundles "
            f"{bundled_version()}: run python scripts/vendor_plotly.py"
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify the vendored file offline")
    parser.add_argument("--version", help="plotly.js version (default: the one the installed plotly bundles)")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        print("\n".join(problems) or f"{RECORD.relative_to(ROOT)}: vendored bundle matches")
        return 1 if problems else 0
    record = vendor(args.version or bundled_version())
    print(f"vendored {record['package']} {record['version']} ({record['integrity'][:24]}...)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
