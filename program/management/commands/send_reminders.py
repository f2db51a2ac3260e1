"""`manage.py send_reminders`: lives in program/reminders/commands.py."""

from program.reminders.commands import SendRemindersCommand as Command

__all__ = ["Command"]
