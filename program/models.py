"""Django loads an app's models from `<app>.models`: program's live in its domain folders."""

from program.api.models import HrApiToken
from program.reminders.models import ReminderLog
from program.reports.models import ReportSnapshot
from program.scim.models import ApiToken, ScimIdentity

__all__ = ["ApiToken", "HrApiToken", "ReminderLog", "ReportSnapshot", "ScimIdentity"]
