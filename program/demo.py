"""Demo steps owned by program (accounts/demo.py autodiscovers this module)."""

from program.reports import demo as reports_demo  # noqa: F401
