"""Mail backends that misbehave the way real mail servers and disks do, for the delivery tests.

Each writes one file per accepted message (named after the message's outbox row and recipient),
so a test counts exactly which emails were delivered and how often. The worker subprocesses of
the fault tests load them through tests/program/delivery/worker_settings.py.
"""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

DISK_FULL = "No space left on device"


class FileEachBackend(BaseEmailBackend):
    """One file per message in `file_path`: <recipient>--<unique>.eml."""

    def __init__(self, file_path=None, delay=0.0, **kwargs):
        super().__init__(**kwargs)
        self.folder = Path(file_path)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.delay = float(delay)

    def broken(self) -> bool:
        return (self.folder / "BROKEN").exists()

    def send_messages(self, email_messages):
        for message in email_messages:
            if self.broken():
                raise OSError(28, DISK_FULL)
            # The marker says "this message is in the backend's hands now": the kill test
            # waits for it, so the worker dies while the message is not yet accepted.
            (self.folder / f"sending-{message.to[0]}").touch()
            time.sleep(self.delay)
            name = f"{message.to[0]}--{uuid.uuid4().hex}.eml"
            (self.folder / (name + ".part")).write_bytes(message.message().as_bytes())
            os.replace(self.folder / (name + ".part"), self.folder / name)
        return len(email_messages)


def delivered(folder) -> list[str]:
    """The recipient of every delivered message, once per delivery."""
    return sorted(path.name.split("--")[0] for path in Path(folder).glob("*.eml"))
