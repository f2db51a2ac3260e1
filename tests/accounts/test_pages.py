"""The person's own pages (profile, inbox), the unsubscribe link and HR's import page."""

import re

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Notification, Person
from accounts.notifications import UNSUBSCRIBE_SALT, unsubscribe_url
from tests import factories

GOOD = (b"employee_id,email,full_name,level,manager_employee_id\n"
        b"E1,ceo@acme.com,Cara Chief,10,\nE2,dev@acme.com,Dev Eloper,2,E1\n")
BAD = (b"employee_id,email,full_name,level,manager_employee_id,hire_date\n"
       b"E1,ceo@acme.com,Cara Chief,10,,2015-01-01\n"
       b"E2,dev@acme.com,Dev Eloper,two,E1,2022-31-01\n"
       b"E3,ops@acme.com,Olu Ops,3,E9,2022-01-31\n")


# Profile


def test_a_person_edits_their_skills_goals_and_notification_settings(login, alice):
    python = factories.SkillFactory(name="Python")
    speaking = factories.SkillFactory(name="Public speaking")
    client = login(alice)
    response = client.post("/me/profile/", {
        "skills": [python.pk], "development_goals": [speaking.pk], "interests": "Climbing",
        "languages": ["en", "fr"], "preferred_language": "fr", "notify_reminders": "digest",
        "notify_messages": "inbox",
    })
    assert response.status_code == 302
    alice.refresh_from_db()
    assert list(alice.skills.all()) == [python]
    assert list(alice.development_goals.all()) == [speaking]
    assert (alice.interests, alice.languages, alice.preferred_language) == (
        "Climbing", ["en", "fr"], "fr")
    # A choice left out of the post stays as it was; reports are not on a non-HR form.
    assert (alice.notify_requests, alice.notify_reminders, alice.notify_messages,
            alice.notify_reports) == ("email", "digest", "inbox", "email")
    # The confirmation speaks the language just chosen, like the page it appears on.
    page = client.get("/me/profile/").content.decode()
    assert '<html lang="fr">' in page
    assert "Votre profil est enregistré." in page and "Your profile is saved." not in page


def test_the_notification_settings_show_each_category_with_its_three_choices(login, alice, hana):
    page = login(alice).get("/me/profile/").content.decode()
    for label in ("Requests and your relationships", "Reminders", "Inbox only", "Email at once",
                  "Daily digest email"):
        assert label in page
    assert page.count('type="radio"') == 3 * 3, "requests, reminders, messages; no reports"
    assert 'name="notify_reminders" value="email"' in page and "checked" in page
    assert "Program reports" not in page
    hr_page = login(hana).get("/me/profile/").content.decode()
    assert "Program reports" in hr_page and hr_page.count('type="radio"') == 4 * 3


def test_an_unknown_notification_choice_is_refused_and_nothing_is_saved(login, alice):
    response = login(alice).post("/me/profile/", {"preferred_language": "en",
                                                  "notify_requests": "pigeon",
                                                  "interests": "Changed"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    alice.refresh_from_db()
    assert alice.notify_requests == "email" and alice.interests != "Changed"


def test_the_profile_never_shows_gender_or_ethnicity(login, alice):
    Person.objects.filter(pk=alice.pk).update(gender="Genderqueer-marker",
                                              ethnicity="Ethnicity-marker")
    page = login(alice).get("/me/profile/").content.decode()
    assert "Genderqueer-marker" not in page
    assert "Ethnicity-marker" not in page


def test_more_than_eight_development_goals_are_refused(login, alice):
    skills = [factories.SkillFactory(name=f"Skill {n}") for n in range(9)]
    response = login(alice).post("/me/profile/", {
        "development_goals": [s.pk for s in skills], "preferred_language": "en"})
    assert response.status_code == 200
    assert "Choose at most 8 development goals" in response.content.decode()
    assert alice.development_goals.count() == 0


def test_a_signed_in_user_without_an_hr_record_is_told_why(client, db):
    client.force_login(factories.UserFactory(email="nobody@example.com"))
    response = client.get("/me/profile/")
    assert response.status_code == 403


# Inbox


def test_the_inbox_shows_only_the_persons_own_notifications(login, alice, eve):
    factories.NotificationFactory(recipient=alice, subject="For Alice")
    factories.NotificationFactory(recipient=eve, subject="For Eve")
    page = login(alice).get("/me/inbox/").content.decode()
    assert "For Alice" in page
    assert "For Eve" not in page


def test_opening_someone_elses_notification_is_404(login, alice, eve):
    theirs = factories.NotificationFactory(recipient=eve, url="/elsewhere/")
    assert login(alice).get(f"/me/inbox/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(login, alice):
    mine = factories.NotificationFactory(recipient=alice, url="/me/profile/")
    response = login(alice).get(f"/me/inbox/{mine.pk}/")
    assert response["Location"] == "/me/profile/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_notification_never_redirects_off_site(login, alice):
    mine = factories.NotificationFactory(recipient=alice, url="https://evil.example.net/")
    assert login(alice).get(f"/me/inbox/{mine.pk}/")["Location"] == "/me/inbox/"


def test_mark_all_read_touches_only_the_persons_own(login, alice, eve):
    factories.NotificationFactory.create_batch(3, recipient=alice)
    theirs = factories.NotificationFactory(recipient=eve)
    login(alice).post("/me/inbox/read-all/")
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_unread_count_shows_in_the_navigation(login, alice):
    factories.NotificationFactory.create_batch(2, recipient=alice)
    page = login(alice).get("/").content.decode()
    assert 'aria-label="2 unread"' in page


@pytest.mark.parametrize("rows", [5, 50])
def test_the_inbox_costs_the_same_queries_for_5_or_50_notifications(
        login, alice, django_assert_max_num_queries, rows):
    factories.NotificationFactory.create_batch(rows, recipient=alice)
    client = login(alice)
    with django_assert_max_num_queries(12):
        response = client.get("/me/inbox/")
    assert response.status_code == 200
    assert response.content.decode().count('class="unread"') == min(rows, 25)


# Unsubscribe


def test_the_unsubscribe_link_works_without_signing_in(client, alice):
    url = unsubscribe_url(alice, "reminders").removeprefix("http://testserver")
    page = client.get(url)
    assert page.status_code == 200
    assert "“Reminders” will reach you in your inbox only." in page.content.decode()
    alice.refresh_from_db()
    assert alice.notify_reminders == "email", "a GET (e.g. a mail scanner) must not unsubscribe"
    response = client.post(url)
    assert response.status_code == 200
    assert "in your inbox only" in response.content.decode()
    alice.refresh_from_db()
    assert alice.notify_reminders == "inbox"
    assert (alice.notify_requests, alice.notify_messages) == ("email", "email")


def test_an_unsubscribe_link_from_before_the_settings_per_kind_still_works(client, alice):
    """Emails sent before carry the old switch's name: "email_requests" covered pair messages."""
    token = signing.dumps({"p": alice.pk, "f": "email_requests"}, salt=UNSUBSCRIBE_SALT)
    client.post(f"/unsubscribe/{token}/")
    alice.refresh_from_db()
    assert (alice.notify_requests, alice.notify_messages, alice.notify_reminders) == (
        "inbox", "inbox", "email")


def test_the_digest_unsubscribe_link_stops_the_digest_and_nothing_else(client, alice):
    Person.objects.filter(pk=alice.pk).update(notify_requests="digest", notify_reminders="digest",
                                              notify_messages="email")
    url = unsubscribe_url(alice, "digest").removeprefix("http://testserver")
    assert "Daily digest email" in client.get(url).content.decode()
    client.post(url)
    alice.refresh_from_db()
    assert (alice.notify_requests, alice.notify_reminders, alice.notify_messages) == (
        "inbox", "inbox", "email")


def test_a_tampered_unsubscribe_token_is_rejected(client, alice):
    token = unsubscribe_url(alice, "reminders").rstrip("/").rsplit("/", 1)[-1]
    payload, rest = token.split(":", 1)
    forged = signing.dumps({"p": alice.pk, "c": "requests"}, salt="not-the-salt")
    for bad in (payload[:-2] + "xx:" + rest, forged, "garbage"):
        response = client.post(f"/unsubscribe/{bad}/")
        assert response.status_code == 400, bad
        assert "This link does not work" in response.content.decode()
    alice.refresh_from_db()
    assert alice.notify_reminders == "email" and alice.notify_requests == "email"


def test_an_unsubscribe_token_for_an_unknown_preference_is_rejected(client, alice):
    for data in ({"f": "is_hr_admin"}, {"c": "is_hr_admin"}, {"c": "notify_requests"}):
        token = signing.dumps({"p": alice.pk, **data}, salt=UNSUBSCRIBE_SALT)
        assert client.post(f"/unsubscribe/{token}/").status_code == 400


# HR upload page


def upload(client, data, *, dry_run=False, kind="people"):
    payload = {"kind": kind, "file": SimpleUploadedFile("people.csv", data, "text/csv")}
    if dry_run:
        payload["dry_run"] = "on"
    return client.post("/me/import/", payload)


def test_the_import_page_is_403_for_anyone_but_hr(login, alice, bob, sam):
    for person in (alice, bob, sam):
        client = login(person)
        assert client.get("/me/import/").status_code == 403
        assert upload(client, GOOD).status_code == 403
    assert not Person.objects.filter(employee_id__in=["E1", "E2"]).exists()


def test_the_import_page_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get("/me/import/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_hr_sees_every_problem_of_a_bad_file_in_a_table_and_nothing_is_written(login, hana):
    before = Person.objects.count()
    response = upload(login(hana), BAD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Refused: 3 problems found; nothing was written." in page
    cells = re.findall(r"<tr><td>(\d+)</td><td>([\w_]+)</td><td>", page)
    assert sorted(cells) == [("3", "hire_date"), ("3", "level"), ("4", "manager_employee_id")]
    assert '<th scope="col">Row</th>' in page
    assert Person.objects.count() == before


def test_hr_checks_a_file_first_then_imports_it(login, hana):
    client = login(hana)
    checked = upload(client, GOOD, dry_run=True).content.decode()
    assert "Would create 2 and would update 0 people from 2 rows." in checked
    assert not Person.objects.filter(employee_id__in=["E1", "E2"]).exists()
    done = upload(client, GOOD).content.decode()
    assert "Created 2 and updated 0 people from 2 rows." in done
    assert Person.objects.get(employee_id="E2").manager.employee_id == "E1"


def test_hr_imports_career_events_from_the_same_page(login, hana):
    client = login(hana)
    upload(client, GOOD)
    response = upload(client, b"employee_id,kind,occurred_on\nE2,promotion,2025-01-02\n",
                      kind="career_events")
    assert "Created 1 and updated 0 career events from 1 row." in response.content.decode()


def test_the_import_page_names_each_kind_in_words_in_the_readers_language(login, hana):
    client = login(hana)
    page = client.get("/me/import/").content.decode()
    assert '<option value="career_events">Career events</option>' in page
    assert "<dt>Career events</dt>" in page and "career_events<" not in page
    assert '<label for="id_file">File' in page
    Person.objects.filter(pk=hana.pk).update(preferred_language="fr")
    page = client.get("/me/import/").content.decode()
    assert '<option value="career_events">Événements de carrière</option>' in page


def test_a_column_named_twice_in_the_header_is_named_in_the_problem(login, hana):
    response = upload(login(hana), b"employee_id,email,full_name,email\nE1,a@x.com,A,a@x.com\n",
                      dry_run=True)
    page = response.content.decode()
    assert ("<tr><td>1</td><td>email</td><td>this column appears more than once in the header "
            "row; keep one</td>") in page


def test_inbox_pages_link_to_each_other_keeping_other_parameters(login, alice):
    for n in range(30):
        factories.NotificationFactory(recipient=alice, subject=f"Note {n}")
    page = login(alice).get("/me/inbox/?page=1&x=a+b").content.decode()
    assert 'href="?page=2&amp;x=a+b"' in page or 'href="?x=a+b&amp;page=2"' in page
