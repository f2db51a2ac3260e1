"""Compile the translation catalogues (locale/<lang>/LC_MESSAGES/django.po) to the .mo files
Django reads, with polib: no GNU gettext needed to build or run the app (only to extract strings
with makemessages). Fuzzy and untranslated entries are left out, as msgfmt does."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po to .mo (only those older than their .po)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Recompile every catalogue.")

    def handle(self, *args, force: bool = False, **options):
        compiled = 0
        for root in settings.LOCALE_PATHS:
            for po_path in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                fresh = mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime
                if fresh and not force:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
        if options["verbosity"]:
            self.stdout.write(f"Compiled {compiled} translation catalogue(s).")
