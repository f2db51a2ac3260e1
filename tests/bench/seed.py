"""Seed the bench database once (run by tests/bench/run.py):

    python -m tests.bench.seed --people 100000

Runs `seed_demo` in this process and prints one JSON object: the wall time and the process's
peak resident memory (ru_maxrss, Django included).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, required=True)
    args = parser.parse_args()
    started = time.perf_counter()
    call_command("seed_demo", people=args.people, seed=1, quiet=True, stdout=io.StringIO())
    print(json.dumps({"seconds": time.perf_counter() - started,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "load": os.getloadavg()[0]}))
