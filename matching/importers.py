"""Import kinds owned by matching (see accounts/importing.py for the framework)."""

from matching import (
    importers_mentorship,  # noqa: F401, E402
    importers_sponsorship,  # noqa: F401, E402
)
