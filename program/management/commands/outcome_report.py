"""`manage.py outcome_report`: lives in program/reports/commands.py."""

from program.reports.commands import OutcomeReportCommand as Command

__all__ = ["Command"]
