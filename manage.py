#!/usr/bin/env python
import os
import sys
from pathlib import Path

if __name__ == "__main__":
    from program.core.dotenv import load_dotenv

    # The .env `make run` writes (DEBUG=1, a generated SECRET_KEY); real variables win.
    load_dotenv(Path(__file__).resolve().parent / ".env")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "program.core.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
