"""Languages (issue 16): every template string is marked for translation, the French and Spanish
catalogues are complete, every main page renders in each language without a missing translation,
and a person's language (profile, browser, emails) is the one they see."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from unittest import mock

import polib
import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.test import Client
from django.utils import translation
from django.utils.translation.trans_real import DjangoTranslation

TEMPLATES = Path(settings.BASE_DIR) / "templates"
LOCALE = Path(settings.BASE_DIR) / "locale"

# Words that are not translated: the brand name, and abbreviations said the same everywhere.
ALLOWED_WORDS = {"Grow", "Together", "CSV"}

# Attributes people read or hear (a screen reader says aria-label and alt).
USER_FACING_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# Filter arguments shown as text: {{ x|default:"None" }} must be {{ x|default:_("None") }}.
SHOWN_LITERAL = re.compile(r"""\|(?:default|default_if_none|yesno):(["'])(.*?)\1""")
WORD = re.compile(r"[^\W\d_]+")
ATTRIBUTE = re.compile(r"""\s([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
HIDDEN = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->", re.S | re.I)
TAG = re.compile(r"<[!/]?[a-zA-Z\x01][^<>]*>")
ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
# Blocks whose text is not shown as it is written: marked, or not rendered.
ENDS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans",
        "comment": "endcomment", "verbatim": "endverbatim"}
PLACEHOLDER = "\x01"  # where a {{ variable }} or {% tag %} was: not a word


def _blank(text: str) -> str:
    """The text's place kept (same length and line breaks), its characters gone."""
    return re.sub(r"[^\n]", " ", text)


def _visible_text(source: str) -> str:
    """The template as a reader sees it, minus what is marked or computed: TEXT outside
    translate/blocktranslate/comment blocks, tags and hidden parts blanked, user-facing attribute
    values kept. Same line breaks as the source, so a word's line is its line in the file."""
    parts, skipping = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            words = token.contents.split() or [""]
            name = words[0]
            if skipping is None and name in ENDS:
                skipping = ENDS[name]
            elif skipping is None and name == "block" and words[-1].endswith("_class"):
                skipping = "endblock"  # {% block main_class %}: a CSS class, not text
            elif name == skipping:
                skipping = None
        if token.token_type == TokenType.TEXT and skipping is None:
            parts.append(token.contents)
        elif token.token_type == TokenType.TEXT:
            parts.append(_blank(token.contents))
        else:
            parts.append(PLACEHOLDER)
    text = HIDDEN.sub(lambda m: _blank(m.group()), "".join(parts))

    def tag(match: re.Match) -> str:
        kept = _blank(match.group())
        for attribute in ATTRIBUTE.finditer(match.group()):
            if attribute.group(1).lower() in USER_FACING_ATTRIBUTES:
                value = attribute.group(2) if attribute.group(2) is not None else attribute.group(3)
                start = attribute.start(2) if attribute.group(2) is not None else attribute.start(3)
                kept = kept[:start] + value + kept[start + len(value):]
        return kept

    return ENTITY.sub(" ", TAG.sub(tag, text))


def unmarked_text(path: Path) -> list[str]:
    """'file:line: text' for each line with words a person reads that are not marked."""
    source = path.read_text()
    problems = []
    name = path.relative_to(TEMPLATES)
    for number, line in enumerate(_visible_text(source).split("\n"), start=1):
        words = [w for w in WORD.findall(line) if w not in ALLOWED_WORDS]
        if words:
            shown = re.sub(r"\s+", " ", line.replace(PLACEHOLDER, "…")).strip(" …")
            problems.append(f"{name}:{number}: {shown}")
    for number, line in enumerate(source.split("\n"), start=1):
        for match in SHOWN_LITERAL.finditer(line):
            if WORD.search(match.group(2)):
                problems.append(f"{name}:{number}: {match.group()} (use _(\"...\"))")
    return problems


def _templates() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*")
                  if p.is_file())


def test_every_template_string_is_marked_for_translation():
    problems = [problem for path in _templates() for problem in unmarked_text(path)]
    assert not problems, "Text not marked for translation:\n" + "\n".join(problems)


def test_the_check_finds_text_attributes_and_defaults_that_are_not_marked(tmp_path):
    template = TEMPLATES / "_probe.html"
    try:
        template.write_text(
            '{% translate "Fine" %}<p class="x">Hello {{ name }}</p>\n'
            '<input placeholder="Search people" value="{{ q }}">\n'
            '{{ when|default:"Never" }}\n'
            '<script>let words = "none";</script><!-- a comment --> &middot; CSV\n'
            '{% blocktranslate trimmed %}Marked {{ name }}{% endblocktranslate %}\n'
            '<img alt="{% translate "Photo" %}" src="x.png">\n')
        problems = unmarked_text(template)
    finally:
        template.unlink()
    assert problems == ["_probe.html:1: Hello",
                        "_probe.html:2: Search people",
                        '_probe.html:3: |default:"Never" (use _("..."))']


# The catalogues: complete, nothing fuzzy, every placeholder kept.

PYTHON_FORMAT = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")
BRACE_FORMAT = re.compile(r"\{[^{}]*\}")


def _placeholders(text: str, flags: list[str]) -> list[str]:
    found = []
    if "python-format" in flags:
        found += PYTHON_FORMAT.findall(text)
    if "python-brace-format" in flags or BRACE_FORMAT.search(text):
        found += BRACE_FORMAT.findall(text)
    return sorted(found)


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_catalogue_is_complete_with_every_placeholder_kept(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    forms = int(re.search(r"nplurals=(\d+)", catalogue.metadata["Plural-Forms"]).group(1))
    problems = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        where = f"{entry.msgid[:60]!r} ({', '.join(f for f, _ in entry.occurrences)})"
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {where}")
        if entry.msgid_plural:
            translated = [entry.msgstr_plural.get(n, "") for n in range(forms)]
            if not all(translated):
                problems.append(f"plural forms missing: {where}")
            for n, text in enumerate(translated):
                source = entry.msgid if n == 0 else entry.msgid_plural
                if text and _placeholders(text, entry.flags) != _placeholders(
                        source, entry.flags) and _placeholders(text, entry.flags) != (
                        _placeholders(entry.msgid_plural, entry.flags)):
                    problems.append(f"placeholders differ in form {n}: {where}")
        elif not entry.msgstr:
            problems.append(f"untranslated: {where}")
        elif _placeholders(entry.msgstr, entry.flags) != _placeholders(entry.msgid, entry.flags):
            problems.append(f"placeholders differ: {where}")
    assert not problems, f"{language}:\n" + "\n".join(problems)


def test_the_placeholder_check_catches_a_lost_or_renamed_placeholder():
    assert _placeholders("Hello %(name)s, {n} days", ["python-format"]) == [
        "%(name)s", "{n}"]
    assert _placeholders("Bonjour %(nom)s", ["python-format"]) != _placeholders(
        "Hello %(name)s", ["python-format"])


# Every main page in French and Spanish, with no lookup missing from the catalogue.

# Pages of this part beyond the benchmark's: (name, persona role or None for a visitor, URL).
MORE_PAGES = [
    ("sign in", None, "/accounts/login/"),
    ("sign up", None, "/accounts/signup/"),
    ("password reset", None, "/accounts/password/reset/"),
    ("account emails", "employee", "/accounts/email/"),
    ("access requests (HR)", "hr", "/me/access-requests/"),
    ("import (HR)", "hr", "/me/import/"),
]


class MissingTranslations:
    """Every gettext/ngettext/pgettext lookup, while active, that the active language's catalogue
    (the app's, Django's and allauth's merged) does not hold."""

    def __init__(self):
        self.missing: set[str] = set()

    def __enter__(self):
        real_gettext, real_ngettext = DjangoTranslation.gettext, DjangoTranslation.ngettext
        recorder = self

        def gettext(translation_object, message):
            if message and translation_object.language() != "en" and (
                    message not in translation_object._catalog):
                recorder.missing.add(message.replace("\x04", " | "))
            return real_gettext(translation_object, message)

        def ngettext(translation_object, singular, plural, number):
            if translation_object.language() != "en" and (
                    (singular, 0) not in translation_object._catalog):
                recorder.missing.add(singular.replace("\x04", " | "))
            return real_ngettext(translation_object, singular, plural, number)

        self._patch = [mock.patch.object(DjangoTranslation, "gettext", gettext),
                       mock.patch.object(DjangoTranslation, "ngettext", ngettext)]
        for patch in self._patch:
            patch.start()
        return self

    def __exit__(self, *exc):
        for patch in self._patch:
            patch.stop()


def _main_pages():
    from accounts.demo import DEMO_PERSONAS
    from accounts.models import Person
    from tests.bench.pages import pages

    found = [(name, user, url) for name, user, url in pages()]
    users = {role: Person.objects.select_related("user").get(email=email).user
             for role, email, *_ in DEMO_PERSONAS}
    return found + [(name, users[role] if role else None, url) for name, role, url in MORE_PAGES]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "es"])
def test_every_main_page_renders_in_the_language_without_a_missing_translation(language):
    from accounts import demo
    from accounts.models import Person
    from tests.bench.pages import _client

    demo.seed(people=150, seed=1)
    Person.objects.update(preferred_language=language)
    problems, seen = [], []
    for name, user, url in _main_pages():
        client = _client(user) if user else Client()
        with MissingTranslations() as recorder:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, (name, url, response.status_code)
        assert f'<html lang="{language}">' in response.content.decode(), (name, url)
        if recorder.missing:
            problems.append(f"{name} ({url}): " + "; ".join(sorted(recorder.missing)))
        seen.append(name)
    assert not problems, f"Missing {language} translations:\n" + "\n".join(problems)
    assert {"home (employee)", "home (HR)", "profile", "inbox", "sign in"} <= set(seen)


def test_the_recorder_notices_a_lookup_the_catalogue_does_not_hold():
    with translation.override("fr"), MissingTranslations() as recorder:
        assert translation.gettext("Inbox") == "Boîte de réception"
        translation.gettext("A sentence nobody translated")
        translation.ngettext("%(n)d day", "%(n)d days", 2)
    assert recorder.missing == {"A sentence nobody translated"}


# A person's language: their profile's when signed in, the browser's for a visitor, their own in
# every email. Alice (fr) and Bruno (es) are employees; Hugo is a visitor with a Spanish browser.


@pytest.fixture
def alice(db):
    from tests import factories
    return factories.PersonFactory(full_name="Alice Martin", preferred_language="fr",
                                   with_user=True)


def test_a_signed_in_person_who_chose_french_sees_french_whatever_their_browser(alice, client):
    client.force_login(alice.user)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="fr">' in page
    assert "Bienvenue, Alice Martin" in page and "Boîte de réception" in page
    assert "Inbox" not in page


def test_a_visitor_whose_browser_asks_for_spanish_sees_spanish(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").content.decode()
    assert '<html lang="es">' in page
    assert "Cambiar de idioma" in page and "Ir al contenido" in page


def test_a_visitor_with_no_language_the_app_speaks_gets_english(client, db):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="en">' in page and "Change language" in page


def test_the_switcher_changes_a_visitors_language_and_saves_a_signed_in_persons(alice, client):
    visitor = Client()
    visitor.post("/i18n/setlang/", {"language": "es", "next": "/accounts/login/"})
    assert '<html lang="es">' in visitor.get("/accounts/login/").content.decode()

    client.force_login(alice.user)
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/me/profile/"})
    assert response.status_code == 302 and response["Location"] == "/me/profile/"
    alice.refresh_from_db()
    assert alice.preferred_language == "es"
    assert "Su perfil" in client.get("/me/profile/").content.decode()


def test_the_switcher_refuses_a_language_the_app_does_not_speak(alice, client):
    client.force_login(alice.user)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    alice.refresh_from_db()
    assert alice.preferred_language == "fr"


def test_an_email_to_a_person_who_chose_french_is_in_french(alice, db):
    from types import SimpleNamespace

    from accounts.models import OutboxMessage
    from accounts.notifications import notify
    from accounts.services import PAUSE_HEADLINES

    interest = SimpleNamespace(created_at=datetime.date(2026, 3, 13), declined_reason="Budget")
    with translation.override("en"):  # whoever acts (HR, the worker) reads English
        notify(recipient=alice, kind="sponsorship_interest_declined",
               template="sponsorship-interest-declined", context={"interest": interest},
               url="/sponsorship/")
        notify(recipient=alice, kind="mentor_paused", template="hr-action",
               context={"headline": PAUSE_HEADLINES["mentor", True], "reason": "Congé"})
    declined, paused = OutboxMessage.objects.order_by("pk")
    assert declined.subject.endswith("Les RH ont répondu à votre demande de sponsor")
    assert "Bonjour Alice Martin," in declined.text
    assert "Les RH ont lu votre demande de sponsor du 13 mars 2026" in declined.text
    assert "Ne plus recevoir ces e-mails" in declined.text and 'lang="fr"' in declined.html
    assert "Les RH vous ont mis en pause comme mentor" in paused.text
    assert "Motif des RH" in paused.text


def test_an_account_email_speaks_the_persons_language_not_the_page_it_was_asked_from(
        alice, db, mailoutbox):
    from allauth.account.models import EmailAddress

    from accounts.models import OutboxMessage
    from tests.commits import committed
    EmailAddress.objects.create(user=alice.user, email=alice.email, verified=True, primary=True)
    committed(Client().post, "/accounts/password/reset/", {"email": alice.email},
              HTTP_ACCEPT_LANGUAGE="en")
    sent = mailoutbox[-1]
    assert sent.to == [alice.email]
    assert "mot de passe" in sent.subject and sent.body.startswith("Bonjour,")
    assert OutboxMessage.objects.get(address=alice.email).subject == sent.subject


def test_an_email_subject_is_plain_text_in_every_language():
    from types import SimpleNamespace

    from accounts.email_content import render_email

    mentee = SimpleNamespace(full_name="Seán O'Brien", title="")
    context = {"mentee": mentee, "mentor_request": SimpleNamespace(message="Hi"), "goals": []}
    assert render_email("mentor-request-received", context, "fr").subject == (
        "Seán O'Brien aimerait que vous soyez son mentor")
    assert render_email("mentor-request-received", context, "en").subject == (
        "Seán O'Brien would like you as their mentor")


def test_one_pending_record_is_singular_and_the_column_of_counts_plural_in_spanish():
    """One English word, two Spanish ones: a record's outcome "Pendiente", HR's column of
    counts "Pendientes" (told apart by a context)."""
    from matching.sponsorship.models import AdvocacyRecord

    with translation.override("es"):
        assert str(AdvocacyRecord.Outcome.PENDING.label) == "Pendiente"
        assert translation.pgettext("a column of counts", "Pending") == "Pendientes"


@pytest.mark.django_db
@pytest.mark.parametrize("language, shown, not_shown", [
    ("en", "3 Feb 2026", "03/02/2026"),
    ("fr", "3 fév. 2026", "3 Fév 2026"),
    ("es", "3 feb 2026", "3 Feb 2026"),
])
def test_short_dates_are_written_as_each_language_writes_them(login, alice, bob, language, shown,
                                                              not_shown):
    """Tables and page headers use SHORT_DATE_FORMAT: "3 Feb 2026" in English, the French and
    Spanish month abbreviations in lower case there (program/core/formats/)."""
    from tests import factories

    pair = factories.MentorshipFactory(mentor=bob, mentee=alice,
                                       started_on=datetime.date(2026, 2, 3))
    alice.preferred_language = language
    alice.save()
    page = login(alice).get(f"/mentoring/{pair.pk}/").content.decode()
    assert shown in page
    assert not_shown not in page
