"""Import kinds owned by matching, one module per domain (accounts/importing.py autodiscovers
this module)."""

from matching.mentorship import importers as mentorship_importers  # noqa: F401
from matching.relationships import importers as relationships_importers  # noqa: F401
from matching.sponsorship import importers as sponsorship_importers  # noqa: F401
