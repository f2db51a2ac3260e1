"""`manage.py cohort_create`: lives in matching/cohorts/commands.py."""

from matching.cohorts.commands import CohortCreateCommand as Command

__all__ = ["Command"]
