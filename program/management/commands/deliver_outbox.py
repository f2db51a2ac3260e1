"""`manage.py deliver_outbox`: lives in program/delivery/commands.py."""

from program.delivery.commands import DeliverOutboxCommand as Command

__all__ = ["Command"]
