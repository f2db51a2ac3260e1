"""Personal data rights. Alice downloads what is held about her: her own check-ins, not Bob's;
Sam's advocacy about her only once he shared it. HR anonymises Fiona, who left: her name, email
and what she wrote go, Bob's notes and every figure of the outcome report stay."""

import datetime
import json

import pytest

from accounts.models import AuditEvent, Notification, Person
from matching.mentorship.models import CheckIn, MentorRequest
from program.privacy.services import NOT_LEFT, person_anonymise
from program.reports.outcome import outcome_report
from tests import factories

TODAY = datetime.date.today()


@pytest.fixture
def alices_world(alice, bob, sam):
    mentorship = factories.MentorshipFactory(mentee=alice, mentor=bob)
    factories.CheckInFactory(mentorship=mentorship, author=alice, discussed="Alice's own words",
                             private_notes="Alice's private note")
    factories.CheckInFactory(mentorship=mentorship, author=bob, discussed="Bob's words",
                             private_notes="Bob's private note")
    sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice)
    factories.AdvocacyRecordFactory(sponsorship=sponsorship, description="Shared praise",
                                    shared_with_protege=True)
    factories.AdvocacyRecordFactory(sponsorship=sponsorship, description="Behind closed doors")
    factories.SurveyResponseFactory(respondent=alice, mentorship=mentorship)
    factories.NotificationFactory(recipient=alice, subject="Your check-in is due")
    return mentorship


def test_a_person_downloads_everything_held_about_them_and_nothing_of_others(
        login, alice, alices_world):
    response = login(alice).get("/me/data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["person"]["email"] == alice.email
    assert [c["discussed"] for c in data["check_ins_written"]] == ["Alice's own words"]
    assert [a["description"] for a in data["advocacy"]] == ["Shared praise"]
    assert len(data["mentorships"]) == 1 and len(data["sponsorships"]) == 1
    assert len(data["surveys"]) == 1
    assert [n["subject"] for n in data["notifications"]] == ["Your check-in is due"]
    text = response.content.decode()
    for secret in ("Bob's words", "Bob's private note", "Behind closed doors"):
        assert secret not in text
    assert AuditEvent.objects.filter(action="person.data_export").count() == 1


@pytest.fixture
def fiona(bob, engineering):
    """Left last year after a mentorship with Bob and a promotion."""
    person = factories.PersonFactory(full_name="Fiona Former", email="fiona@example.com",
                                     department=engineering, with_user=True, level=3,
                                     hire_date=datetime.date(2019, 1, 1),
                                     termination_date=TODAY - datetime.timedelta(days=30))
    start = TODAY - datetime.timedelta(days=400)
    mentorship = factories.MentorshipFactory(mentee=person, mentor=bob, started_on=start,
                                             planned_end_on=start + datetime.timedelta(days=180))
    factories.CheckInFactory(mentorship=mentorship, author=person,
                             discussed="Fiona on her manager")
    factories.CheckInFactory(mentorship=mentorship, author=bob, discussed="Bob's notes on Fiona")
    factories.MentorRequestFactory(mentee=person, mentor=bob, message="Fiona asks Bob")
    factories.CareerEventFactory(person=person, occurred_on=start + datetime.timedelta(days=90))
    factories.NotificationFactory(recipient=person)
    return person


def test_hr_anonymises_someone_who_left_and_the_report_does_not_change(login, hana, fiona,
                                                                       bob, settings):
    settings.REPORT_MIN_GROUP_SIZE = 1  # every figure shown, so every figure is compared
    before = outcome_report(as_of=TODAY, window_months=12)
    assert "'n': 1" in str(before) or '"n": 1' in str(before), before
    response = login(hana).post(f"/hr/people/{fiona.pk}/anonymise/", {"confirm": "on"})
    assert response.status_code == 302
    fiona.refresh_from_db()
    assert "Fiona" not in fiona.full_name and fiona.email.endswith("@invalid")
    assert fiona.user is None
    assert list(CheckIn.objects.filter(author=fiona).values_list("discussed", flat=True)) == [""]
    assert CheckIn.objects.get(author=bob).discussed == "Bob's notes on Fiona"
    assert MentorRequest.objects.get(mentee=fiona).message == ""
    assert not Notification.objects.filter(recipient=fiona).exists()
    assert not Person.objects.filter(full_name__contains="Fiona").exists()
    after = outcome_report(as_of=TODAY, window_months=12)
    before.pop("generated_at", None), after.pop("generated_at", None)
    assert after == before
    event = AuditEvent.objects.get(action="person.anonymise")
    assert (event.actor, event.target_id) == (hana.user, str(fiona.pk))


def test_the_anonymised_account_can_no_longer_sign_in(client, hana, fiona, login):
    email = fiona.email
    login(hana).post(f"/hr/people/{fiona.pk}/anonymise/", {"confirm": "on"})
    client.logout()
    response = client.post("/accounts/login/", {"login": email, "password": factories.PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_someone_still_employed_is_not_anonymised(db, alice, hana):
    with pytest.raises(Exception, match="still employed") as error:
        person_anonymise(person=alice, by=hana.user)
    assert NOT_LEFT.format(name="Alice Employee") in str(error.value)
    alice.refresh_from_db()
    assert alice.full_name == "Alice Employee"


def test_without_the_confirmation_nothing_is_anonymised(login, hana, fiona):
    login(hana).post(f"/hr/people/{fiona.pk}/anonymise/", {})
    fiona.refresh_from_db()
    assert fiona.full_name == "Fiona Former"


@pytest.mark.parametrize("n", [2, 60])
def test_the_people_who_left_page_runs_a_fixed_number_of_queries(login, hana, n,
                                                                 django_assert_max_num_queries):
    for _ in range(n):
        factories.PersonFactory(termination_date=TODAY - datetime.timedelta(days=3))
    client = login(hana)
    with django_assert_max_num_queries(8):
        assert client.get("/hr/people/left/").status_code == 200
