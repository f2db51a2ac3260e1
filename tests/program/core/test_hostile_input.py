"""Hostile input (property-based, hypothesis): random and hostile text (control characters, NUL,
huge values, HTML/JS, spreadsheet formulas, broken encodings) in every form never gives a 500,
never writes half a record, and is always escaped where it is shown.

Every form class of the project is checked on its own (`test_every_form_...`: a new form is found
automatically; give its constructor arguments in FORM_KWARGS if it needs any), and the forms that
store free text are posted through their real views by the people who use them.
"""

from __future__ import annotations

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.cohorts.models import Cohort
from matching.mentorship.models import CheckIn, MentorRequest
from matching.sponsorship.models import AdvocacyRecord, SponsorshipInterest
from program.console.lists import LISTINGS
from tests import factories

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "=cmd|' /C calc'!A0",
            "@SUM(1+1)", "\x00", "\r\nBCC: x@evil.example", "\ud800".encode("utf-8",
                                                                            "surrogatepass")
            .decode("latin-1"), "\u202e\u200b", "' OR '1'='1", "x" * 100_000]
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
hostile = st.one_of(
    st.text(max_size=200),
    st.sampled_from(PAYLOADS),
    st.tuples(st.text(max_size=20), st.sampled_from(PAYLOADS), st.text(max_size=20))
    .map("".join),
)
FEW = settings(max_examples=30, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture,
                                      HealthCheck.too_slow])

FORM_MODULES = ["accounts.forms", "accounts.admin", "matching.relationships.forms",
                "matching.mentorship.forms", "matching.sponsorship.forms",
                "matching.cohorts.forms", "program.reports.forms", "program.reminders.views",
                "program.audit.views", "program.privacy.views", "matching.pairs.forms",
                "program.console.forms", "program.scim.token_views", "program.api.forms"]


def _form_classes():
    found = {}
    for name in FORM_MODULES:
        for _, cls in inspect.getmembers(importlib.import_module(name), inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                found[f"{name}.{cls.__name__}"] = cls
    return found


def _form_kwargs(world) -> dict:
    return {
        "accounts.forms.ImportUploadForm": {"kinds": {"people": None}},
        "matching.relationships.forms.SurveyForm": {"phase": "baseline"},
        "matching.cohorts.forms.InviteForm": {"cohort": world["cohort"]},
        "matching.cohorts.forms.EnrolForm": {"cohort": world["cohort"], "givers": [(1, "A")]},
        "matching.pairs.forms.ProposeForm": {"zone": "Europe/Paris"},
        "matching.sponsorship.forms.CommitmentKeepForm": {
            "records": AdvocacyRecord.objects.all()},
        "program.console.forms.ListFilterForm": {"listing": LISTINGS["mentorships"]},
        "program.console.forms.ProgramSettingsForm": {"stored": {}},
    }


@pytest.fixture
def world(db):
    return {"cohort": factories.CohortFactory()}


FORMS = _form_classes()


@pytest.mark.parametrize("path", sorted(FORMS))
def test_every_form_only_accepts_or_refuses_hostile_text(world, path):
    cls = FORMS[path]
    kwargs = _form_kwargs(world).get(path, {})

    @FEW
    @given(text=hostile)
    def check(text):
        try:
            form = cls(data=dict.fromkeys(cls.base_fields, text), **kwargs)
        except TypeError as error:
            pytest.fail(f"{path} needs constructor arguments: add them to FORM_KWARGS in "
                        f"{__file__} ({error})")
        assert form.is_valid() in (True, False)
        for value in form.cleaned_data.values() if form.is_valid() else ():
            assert "\x00" not in str(value)

    check()


def _post(client, url, data):
    with transaction.atomic():
        response = client.post(url, data)
        transaction.set_rollback(True)
    return response


@pytest.fixture
def pair(alice, bob):
    return factories.MentorshipFactory(mentee=alice, mentor=bob)


@FEW
@given(text=hostile)
def test_a_check_in_is_saved_whole_and_escaped_or_refused(login, pair, alice, text):
    client = login(alice)
    with transaction.atomic():
        before = CheckIn.objects.count()
        response = client.post(f"/mentoring/{pair.pk}/check-ins/", {
            "occurred_on": datetime.date.today().isoformat(), "discussed": text,
            "private_notes": text, "progress_rating": "3"})
        assert response.status_code < 500
        saved = list(CheckIn.objects.all()[before:])
        if response.status_code == 302:
            assert len(saved) == 1 and saved[0].discussed == text.strip()
            page = client.get(f"/mentoring/{pair.pk}/").content.decode()
            assert not any(markup in page for markup in RAW_MARKUP)
        else:
            assert CheckIn.objects.count() == before
        transaction.set_rollback(True)


@FEW
@given(text=hostile)
def test_a_mentor_request_is_saved_whole_and_escaped_or_refused(login, alice, bob, text):
    client = login(alice)
    with transaction.atomic():
        skill = factories.SkillFactory(name="Public speaking")
        response = client.post(f"/mentoring/mentors/{bob.pk}/request/",
                               {"goals": [skill.pk], "message": text})
        assert response.status_code < 500
        requests = list(MentorRequest.objects.all())
        if requests:
            assert response.status_code == 302 and requests[0].message == text.strip()
            page = login(bob).get(f"/mentoring/requests/{requests[0].pk}/").content.decode()
            assert not any(markup in page for markup in RAW_MARKUP)
        transaction.set_rollback(True)


@FEW
@given(text=hostile)
def test_advocacy_is_saved_whole_and_escaped_or_refused(login, sam, alice, hana, text):
    client = login(sam)
    with transaction.atomic():
        sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice)
        response = client.post(f"/sponsorship/{sponsorship.pk}/advocacy/new/", {
            "kind": AdvocacyRecord.Kind.PROMOTION_NOMINATION, "visibility": "public",
            "occurred_on": datetime.date.today().isoformat(), "forum": text,
            "description": text})
        assert response.status_code < 500
        records = list(AdvocacyRecord.objects.all())
        if records:
            assert records[0].description == text.strip()
            page = login(hana).get(f"/sponsorship/advocacy/{records[0].pk}/").content.decode()
            assert not any(markup in page for markup in RAW_MARKUP)
        transaction.set_rollback(True)


@FEW
@given(text=hostile)
def test_an_interest_and_a_cohort_are_saved_whole_and_escaped_or_refused(login, alice, hana,
                                                                          text):
    with transaction.atomic():
        response = login(alice).post("/sponsorship/interest/", {"aspirations": text})
        assert response.status_code < 500
        interests = list(SponsorshipInterest.objects.all())
        assert len(interests) <= 1
        response = login(hana).post("/hr/cohorts/new/", {
            "name": text, "slug": "hostile", "kind": "mentorship", "length_months": "6",
            "cadence_days": "14", "description": text})
        assert response.status_code < 500
        for url in ("/sponsorship/hr/interests/", "/hr/cohorts/", "/hr/audit/"):
            page = login(hana).get(url).content.decode()
            assert not any(markup in page for markup in RAW_MARKUP), url
        if Cohort.objects.exists():
            assert Cohort.objects.get().name == text.strip()
        transaction.set_rollback(True)


@FEW
@given(text=hostile)
def test_a_profile_is_saved_whole_and_escaped_or_refused(login, alice, text):
    client = login(alice)
    with transaction.atomic():
        response = client.post("/me/profile/", {"interests": text, "languages": ["en"],
                                                "preferred_language": "en"})
        assert response.status_code < 500
        alice.refresh_from_db()
        assert alice.interests in ("", text.strip())
        page = client.get("/me/profile/").content.decode()
        assert not any(markup in page for markup in RAW_MARKUP)
        transaction.set_rollback(True)
