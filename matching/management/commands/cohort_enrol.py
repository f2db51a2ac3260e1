"""`manage.py cohort_enrol`: lives in matching/cohorts/commands.py."""

from matching.cohorts.commands import CohortEnrolCommand as Command

__all__ = ["Command"]
