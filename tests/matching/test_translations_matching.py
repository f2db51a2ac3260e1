"""The matching pages speak French and Spanish: every text looked up while a page renders is in the
catalogue, and no text in the matching templates escapes translation.

Who sees what: Alice is Bob's mentee (and has asked Max for mentoring too) and Sam's protégé;
Eve has asked Bob to mentor her; Sam sponsors Alice; Hana (HR) runs a cohort and the HR pages.
Each of them reads the app in French, then in Spanish (Person.preferred_language).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import allauth
import django
import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real

from matching import scoring
from matching.mentorship.models import MentorRequest
from matching.pairs.models import MeetingProposal, Message
from tests import factories
from tests.matching.test_scoring import _candidate

# The folders this test answers for; the project-wide checks cover the others.
MATCHING_TEMPLATES = ("mentorship", "pairs", "relationships", "cohorts", "sponsorship")
MATCHING_SOURCES = ("matching/", *(f"templates/{folder}/" for folder in MATCHING_TEMPLATES))
TEMPLATES = Path(settings.BASE_DIR) / "templates"
LANGUAGES = ["fr", "es"]


def _others_only(language: str) -> set[str]:
    """Messages only other parts of the app use (their own tests check those)."""
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    return {entry.msgid for entry in polib.pofile(str(path))
            if entry.occurrences
            and not any(f.startswith(MATCHING_SOURCES) for f, _ in entry.occurrences)}


def _theirs() -> set[str]:
    """Django's and allauth's own messages: their catalogues answer for those (Django 6.1's
    Spanish one lacks "- Select an option -", for one)."""
    sources = [Path(django.__file__).parent / "conf" / "locale",
               *sorted((Path(django.__file__).parent / "contrib").glob("*/locale")),
               Path(allauth.__file__).parent / "locale"]
    return {entry.msgid for root in sources
            for path in root.glob("en/LC_MESSAGES/*.po") for entry in polib.pofile(str(path))}


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogues():
    call_command("compile_translations", force=True, verbosity=0)
    trans_real._translations = {}  # read the fresh .mo files
    yield
    trans_real._translations = {}


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request leaves its language active in the thread: the next tests expect English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def misses(monkeypatch):
    """Every message looked up in French or Spanish that the catalogue lacks."""
    found: set[tuple[str, str]] = set()
    gettext, ngettext = trans_real.DjangoTranslation.gettext, trans_real.DjangoTranslation.ngettext

    def checked_gettext(self, message):
        if message and self.language() != "en" and self._catalog.get(message) is None:
            found.add((self.language(), message))
        return gettext(self, message)

    def checked_ngettext(self, singular, plural, number):
        if self.language() != "en" and self._catalog.get((singular, 0)) is None:
            found.add((self.language(), singular))
        return ngettext(self, singular, plural, number)

    monkeypatch.setattr(trans_real.DjangoTranslation, "gettext", checked_gettext)
    monkeypatch.setattr(trans_real.DjangoTranslation, "ngettext", checked_ngettext)
    return found


@pytest.fixture
def story(alice, bob, eve, sam, hana, max_manager):
    """Enough of everything that each page shows its lists, notices and forms."""
    today = timezone.localdate()
    rust = factories.SkillFactory(name="Rust")
    alice.development_goals.set([rust])
    bob.skills.set([rust])
    bob.mentor_profile.skills.set([rust])
    max_profile = factories.MentorProfileFactory(person=max_manager, capacity=2)
    max_profile.skills.set([rust])
    mentorship = factories.MentorshipFactory(mentor=bob, mentee=alice)
    factories.GoalFactory(mentorship=mentorship)
    factories.CheckInFactory(mentorship=mentorship, author=alice)
    closed = factories.MentorshipFactory(mentor=bob, mentee=eve, status="completed",
                                         ended_on=today, close_reason="")
    asked = factories.MentorRequestFactory(mentee=eve, mentor=bob)
    asked.goals.set([rust])
    own = factories.MentorRequestFactory(mentee=alice, mentor=max_manager,
                                         status=MentorRequest.Status.DECLINED,
                                         decline_reason="no_time")
    Message.objects.create(mentorship=mentorship, author=bob, body="Hello Alice")
    soon = timezone.now() + datetime.timedelta(days=3)
    MeetingProposal.objects.create(mentorship=mentorship, proposed_by=bob, option_1=soon,
                                   status="accepted", starts_at=soon)
    MeetingProposal.objects.create(mentorship=mentorship, proposed_by=bob, option_1=soon,
                                   option_2=soon + datetime.timedelta(days=1))
    sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice)
    record = factories.AdvocacyRecordFactory(sponsorship=sponsorship, shared_with_protege=True)
    commitment = factories.CommitmentFactory(sponsorship=sponsorship, shared_with_protege=True)
    factories.TouchpointFactory(sponsorship=sponsorship)
    event = factories.CareerEventFactory(person=alice)
    cohort = factories.CohortFactory(name="Spring", slug="spring")
    for person, role in ((alice, "mentee"), (eve, "mentee"), (bob, "mentor")):
        factories.CohortEnrolmentFactory(cohort=cohort, person=person, role=role)
    return {"mentorship": mentorship, "closed": closed, "asked": asked, "own": own,
            "sponsorship": sponsorship, "record": record, "commitment": commitment,
            "event": event, "cohort": cohort}


def _pages(story, alice, bob, eve, sam, hana):
    m, s, c = story["mentorship"], story["sponsorship"], story["cohort"]
    return [
        (alice, reverse("mentorship:index")),
        (alice, reverse("mentorship:suggestions")),
        (alice, reverse("mentorship:directory")),
        (alice, reverse("mentorship:how_it_works")),
        (alice, reverse("mentorship:profile_edit")),
        (alice, reverse("mentorship:mentor", args=[bob.pk])),
        (alice, reverse("mentorship:request_create", args=[story["own"].mentor_id])),
        (alice, reverse("mentorship:request_detail", args=[story["own"].pk])),
        (alice, reverse("mentorship:detail", args=[m.pk])),
        (alice, reverse("mentorship:survey", args=["mentorship", m.pk, "baseline"])),
        (alice, reverse("pairs:thread", args=["mentorship", m.pk])),
        (alice, reverse("pairs:calendar")),
        (alice, reverse("cohort_enrolment:list")),
        (alice, reverse("cohort_enrolment:enrol", args=[c.slug])),
        (alice, reverse("sponsorship:index")),
        (alice, reverse("sponsorship:protege_home")),
        (alice, reverse("sponsorship:detail", args=[s.pk])),
        (bob, reverse("mentorship:index")),
        (bob, reverse("mentorship:request_detail", args=[story["asked"].pk])),
        (bob, reverse("mentorship:detail", args=[m.pk])),
        (bob, reverse("mentorship:detail", args=[story["closed"].pk])),
        (bob, reverse("pairs:thread", args=["mentorship", m.pk])),
        (bob, reverse("pairs:reflection", args=["mentorship", story["closed"].pk])),
        (eve, reverse("mentorship:survey", args=["mentorship", story["closed"].pk, "closing"])),
        (sam, reverse("sponsorship:sponsor_home")),
        (sam, reverse("sponsorship:scorecard")),
        (sam, reverse("sponsorship:register")),
        (sam, reverse("sponsorship:propose")),
        (sam, reverse("sponsorship:detail", args=[s.pk])),
        (sam, reverse("sponsorship:advocacy_new", args=[s.pk])),
        (sam, reverse("sponsorship:advocacy_detail", args=[story["record"].pk])),
        (sam, reverse("sponsorship:commitment_new", args=[s.pk])),
        (sam, reverse("sponsorship:commitment_detail", args=[story["commitment"].pk])),
        (sam, reverse("sponsorship:touchpoint_new", args=[s.pk])),
        (sam, reverse("sponsorship:close", args=[s.pk])),
        (hana, reverse("cohorts:list")),
        (hana, reverse("cohorts:new")),
        (hana, reverse("cohorts:detail", args=[c.slug])),
        (hana, reverse("cohorts:edit", args=[c.slug])),
        (hana, reverse("cohorts:preview", args=[c.slug])),
        (hana, reverse("sponsorship:hr_registrations")),
        (hana, reverse("sponsorship:hr_interests")),
        (hana, reverse("sponsorship:hr_pair")),
        (hana, reverse("sponsorship:hr_career_events")),
        (hana, reverse("sponsorship:hr_career_event_edit", args=[story["event"].pk])),
        (hana, reverse("sponsorship:hr_scorecards")),
        (hana, reverse("sponsorship:hr_scorecard", args=[sam.pk])),
        (hana, reverse("sponsorship:talent_review") + f"?as_of={timezone.localdate()}"),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_matching_page_renders_without_a_missing_translation(
        language, story, misses, login, alice, bob, eve, sam, hana):
    for person in (alice, bob, eve, sam, hana):
        person.preferred_language = language
        person.save(update_fields=["preferred_language"])
    for person, url in _pages(story, alice, bob, eve, sam, hana):
        response = login(person).get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == language, url
    ignored = _others_only(language) | _theirs()
    missing = sorted(message for lang, message in misses
                     if lang == language and message not in ignored)
    assert missing == []


def test_a_french_page_reads_in_french(story, login, alice, bob):
    alice.preferred_language = bob.preferred_language = "fr"
    alice.save(update_fields=["preferred_language"])
    bob.save(update_fields=["preferred_language"])
    page = login(alice).get(reverse("mentorship:suggestions")).content.decode()
    assert "Mentors suggérés pour vous" in page and "Mentors suggested for you" not in page
    # Eve's languages are named, in French, on the request she sent Bob.
    page = login(bob).get(reverse("mentorship:request_detail", args=[story["asked"].pk]))
    assert "<dt>Langues</dt><dd>anglais</dd>" in page.content.decode()


def test_the_reasons_for_a_mentor_are_whole_sentences_in_the_readers_language():
    skills = {1: "Rust", 2: "Go"}
    mentee = _candidate(person_id=1, level=2, goals=frozenset({1, 2}), languages=frozenset({"fr"}),
                        skill_names=skills, department_id=1, timezone="UTC")
    mentor = _candidate(person_id=2, level=4, skills=frozenset({1}), languages=frozenset({"fr"}),
                        skill_names=skills, department_id=2, timezone="Europe/Madrid")
    reasons = {}
    for language in ("en", "fr", "es"):
        with translation.override(language):
            reasons[language] = scoring.score_pair(mentee, mentor, scoring.SUGGESTION_WEIGHTS)[1]
    assert reasons["en"] == ["can help with 1 of your goals: Rust", "two levels above you",
                             "other department", "speaks French with you", "1 hour apart"]
    assert reasons["fr"] == ["peut vous aider sur 1 de vos objectifs : Rust",
                             "deux niveaux au-dessus de vous", "autre département",
                             "parle français avec vous", "1 heure d'écart"]
    assert reasons["es"] == ["puede ayudarle con 1 de sus objetivos: Rust",
                             "dos niveles por encima de usted", "otro departamento",
                             "habla francés con usted", "1 hora de diferencia"]


# Text outside translation tags: what a template would show in English whatever the language.

ATTRIBUTES = re.compile(r'\b(?:placeholder|title|aria-label|alt|data-confirm)\s*=\s*"([^"]*)"')


def untranslated(source: str) -> list[str]:
    """Words a template shows outside {% translate %} / {% blocktranslate %}: the template with
    tags, variables, comments, scripts and styles taken out, then its HTML tags (attributes
    people read are checked first)."""
    kept, skip_until = [], None
    for token in Lexer(source).tokenize():
        name = (token.contents.split() or [""])[0]
        if skip_until:
            if token.token_type == TokenType.BLOCK and name == skip_until:
                skip_until = None
            continue
        if token.token_type == TokenType.BLOCK and name in ("blocktranslate", "comment"):
            skip_until = "end" + name
        if token.token_type == TokenType.TEXT:
            kept.append(token.contents)
        elif token.token_type != TokenType.COMMENT:
            kept.append("\x00")
    text = re.sub(r"<(script|style)\b.*?</\1>", "", "".join(kept), flags=re.S)
    words = [value for value in ATTRIBUTES.findall(text) if re.search(r"[A-Za-z]", value)]
    text = re.sub(r"&[a-z#0-9]+;", " ", re.sub(r"<[^>]*>", "\n", text))
    return words + [line.strip() for line in text.split("\n") if re.search(r"[A-Za-z]", line)]


def test_the_check_finds_text_outside_translation_tags():
    assert untranslated('<p title="Hi there">Hello {{ name }} <b>world</b></p>'
                        '{% translate "Fine" %}{% blocktranslate %}Fine{% endblocktranslate %}'
                        '{% comment %}notes{% endcomment %}<script>let x;</script>') == [
        "Hi there", "Hello \x00", "world"]


@pytest.mark.parametrize("folder", MATCHING_TEMPLATES)
def test_no_text_in_the_matching_templates_escapes_translation(folder):
    found = {str(path.relative_to(TEMPLATES)): words
             for path in sorted((TEMPLATES / folder).rglob("*.html"))
             if (words := untranslated(path.read_text()))}
    assert found == {}
