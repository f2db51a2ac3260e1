"""Print the current two-factor code for the demo HR admin (demo organisations only)."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_HR_TOTP_SECRET


def current_code() -> str:
    return format_hotp_value(hotp_value(DEMO_HR_TOTP_SECRET, int(time.time()) // 30))


class Command(BaseCommand):
    help = "The demo HR admin's current authenticator code (hr@example.com)."

    def handle(self, *args, **options):
        self.stdout.write(current_code())
