"""Demo steps owned by matching (see accounts/demo.py for the framework)."""

from matching import (
    demo_cohorts,  # noqa: F401, E402
    demo_mentorship,  # noqa: F401, E402
    demo_sponsorship,  # noqa: F401, E402
)
