"""Demo steps owned by matching, one per domain (accounts/demo.py autodiscovers this module)."""

from matching.cohorts import demo as cohorts_demo  # noqa: F401
from matching.mentorship import demo as mentorship_demo  # noqa: F401
from matching.sponsorship import commitment_demo  # noqa: F401
from matching.sponsorship import demo as sponsorship_demo  # noqa: F401
