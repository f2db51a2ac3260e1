"""The local `.env` that `make run` writes (development mode and a generated secret key), read by
manage.py so README.md's commands work in a checkout without extra variables.

Lines are KEY=VALUE; blank lines and # comments are skipped. A variable already set in the
environment wins: .env only fills gaps. Production never has a .env: it sets real variables.
"""

from __future__ import annotations

import os
from pathlib import Path


def load_dotenv(path: Path) -> None:
    if not path.is_file():
        return
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            raise SystemExit(f"{path}, line {number}: expected KEY=VALUE, got {line!r}")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))
