"""Write constraints.txt: every package `make install` takes, at the version it resolved today.

Usage: pip install --dry-run --ignore-installed --report report.json -e '.[dev,embedded-redis]'
       python scripts/lock.py report.json > constraints.txt
"""

from __future__ import annotations

import json
import sys

HEADER = """\
# Every package the app's virtualenv installs, pinned (pip constraints, read by `make install`).
# pyproject.toml says what Dalil needs; this says what it was tested with, so a clean clone
# installs the same versions as CI. Refresh with `make lock`, then run `make test`.
"""


def main(report_path: str) -> None:
    with open(report_path, encoding="utf-8") as file:
        report = json.load(file)
    pins = sorted(
        (item["metadata"]["name"].lower(), item["metadata"]["version"])
        for item in report["install"]
        if item["metadata"]["name"].lower() != "dalil"
    )
    sys.stdout.write(HEADER + "".join(f"{name}=={version}\n" for name, version in pins))


if __name__ == "__main__":
    main(sys.argv[1])
