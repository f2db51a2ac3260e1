"""The Django admin for mentorship and sponsorship: one module per domain, registered here.

Everything is read-only: relationships, requests, advocacy records and cohorts change only
through their services (capacity locks, notifications, career events, all-or-nothing publishing).
What the pair wrote for each other stays out: check-ins and touchpoints (what was discussed and
the private notes), goals, agreements, request messages and closing notes, and individual survey
answers (used in aggregate reports only).
"""

from matching.cohorts import admin as cohorts_admin  # noqa: F401
from matching.mentorship import admin as mentorship_admin  # noqa: F401
from matching.sponsorship import admin as sponsorship_admin  # noqa: F401
