"""`manage.py match_cohort`: lives in matching/cohorts/commands.py."""

from matching.cohorts.commands import MatchCohortCommand as Command

__all__ = ["Command"]
