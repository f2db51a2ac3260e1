"""The pair's channel: contact, private messages and meeting times, for both kinds.

Alice is Bob's mentee; Sam sponsors Alice; Eve and Hana (HR) are outsiders to both.
"""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Notification
from matching.pairs import services
from matching.pairs.models import MeetingProposal, Message
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def mentorship(alice, bob):
    return factories.MentorshipFactory(mentor=bob, mentee=alice)


@pytest.fixture
def sponsorship(alice, sam):
    return factories.SponsorshipFactory(sponsor=sam, protege=alice)


def thread_url(relationship, kind="mentorship"):
    return reverse("pairs:thread", args=[kind, relationship.pk])


def soon(days=3, hour=9):
    moment = timezone.now() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


# Contact.


def test_each_side_of_an_active_mentorship_sees_how_to_reach_the_other(login, mentorship, alice,
                                                                      bob):
    bob.timezone, bob.meeting_preference = "Asia/Tokyo", "Video call, mornings"
    bob.save()
    page = login(alice).get(reverse("mentorship:detail", args=[mentorship.pk])).content.decode()
    assert "bob@example.com" in page and "Asia/Tokyo" in page
    assert "Video call, mornings" in page
    local_now = timezone.now().astimezone(datetime.timezone(datetime.timedelta(hours=9)))
    assert f"{local_now:%H}:" in page  # Bob's local time, not the server's


def test_hr_reading_a_sponsorship_sees_no_pair_panel_and_cannot_open_the_thread(
        login, sponsorship, hana):
    client = login(hana)
    page = client.get(reverse("sponsorship:detail", args=[sponsorship.pk])).content.decode()
    assert "Messages and meeting times" not in page
    assert client.get(thread_url(sponsorship, "sponsorship")).status_code == 404


# Messages.


def test_a_message_reaches_only_the_other_person_and_a_burst_notifies_once(
        mentorship, alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for text in ("Hello!", "Are you free Tuesday?", "Or Wednesday."):
            services.message_post(relationship=mentorship, author=alice, body=text)
    assert Message.objects.filter(mentorship=mentorship).count() == 3
    notes = Notification.objects.filter(kind="pair_message")
    assert [n.recipient for n in notes] == [bob]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["bob@example.com"]
    assert "Hello!" in mail.outbox[0].body
    assert reverse("pairs:thread", args=["mentorship", mentorship.pk]) in mail.outbox[0].body
    assert services.unread_count(mentorship, bob) == 3
    assert services.unread_count(mentorship, alice) == 0
    # Bob reads the thread; Alice's next message is news again.
    services.thread_mark_read(mentorship, bob)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(relationship=mentorship, author=alice, body="Never mind, Thu.")
    assert Notification.objects.filter(kind="pair_message").count() == 2


def test_the_thread_page_shows_unread_marks_then_marks_them_read(login, mentorship, alice, bob):
    services.message_post(relationship=mentorship, author=alice, body="First <b>thoughts</b>")
    client = login(bob)
    detail = client.get(reverse("mentorship:detail", args=[mentorship.pk])).content.decode()
    assert "1 new" in detail
    page = client.get(thread_url(mentorship)).content.decode()
    assert "First &lt;b&gt;thoughts&lt;/b&gt;" in page and ">new<" in page
    assert services.unread_count(mentorship, bob) == 0
    detail = client.get(reverse("mentorship:detail", args=[mentorship.pk])).content.decode()
    assert "1 new" not in detail


def test_the_thread_says_once_who_reads_it(login, mentorship, alice):
    page = login(alice).get(thread_url(mentorship)).content.decode()
    assert page.count("Only the two of you read") == 1
    assert "Only the two of you read these: not HR, not anyone else." in page


def test_posting_through_the_page_and_refusals(login, mentorship, alice, bob):
    client = login(alice)
    response = client.post(thread_url(mentorship), {"body": "  "})
    assert response.status_code == 400 and "Write a message first" in response.content.decode()
    response = client.post(thread_url(mentorship), {"body": "x" * 4001})
    assert response.status_code == 400 and "4,000 characters" in response.content.decode()
    assert not Message.objects.exists()
    response = client.post(thread_url(mentorship), {"body": "See you soon"})
    assert response.status_code == 302
    assert Message.objects.get().author == alice


def test_nobody_else_reads_or_writes_the_thread(login, mentorship, sponsorship, eve, hana, sam,
                                                alice):
    services.message_post(relationship=mentorship, author=alice, body="PRIVATE-WORDS")
    for outsider in (eve, hana, sam):
        client = login(outsider)
        assert client.get(thread_url(mentorship)).status_code == 404
        assert client.post(thread_url(mentorship), {"body": "hi"}).status_code == 404
    with pytest.raises(ValidationError):
        services.message_post(relationship=mentorship, author=eve, body="hi")
    assert Message.objects.count() == 1
    # A made-up kind or id is a 404 too.
    client = login(alice)
    assert client.get(reverse("pairs:thread", args=["friendship", mentorship.pk])).status_code \
        == 404
    assert client.get(reverse("pairs:thread", args=["mentorship", 999999])).status_code == 404


def test_a_closed_relationship_keeps_its_messages_readable_but_takes_no_new_ones(
        login, mentorship, alice):
    services.message_post(relationship=mentorship, author=alice, body="Thanks for everything")
    mentorship.status, mentorship.ended_on = "completed", TODAY
    mentorship.save()
    client = login(alice)
    assert "Thanks for everything" in client.get(thread_url(mentorship)).content.decode()
    response = client.post(thread_url(mentorship), {"body": "one more"})
    assert response.status_code == 400 and "has closed" in response.content.decode()


def test_the_thread_page_runs_a_fixed_number_of_queries(login, mentorship, alice, bob,
                                                        django_assert_max_num_queries):
    client = login(bob)
    client.get(thread_url(mentorship))
    for i in range(30):
        Message.objects.create(mentorship=mentorship, author=alice if i % 2 else bob,
                               body=f"message {i}")
    services.meeting_propose(relationship=mentorship, person=alice, options=[soon()])
    with django_assert_max_num_queries(16):
        response = client.get(thread_url(mentorship))
    assert response.content.decode().count('class="p-body"') == 30


# Meeting times.


def test_propose_accept_and_the_next_check_in_follows_the_meeting(
        mentorship, alice, bob, django_capture_on_commit_callbacks):
    alice.timezone = "America/New_York"
    alice.save()
    bob.timezone = "Europe/Paris"
    bob.save()
    first, second = soon(5, 14), soon(6, 15)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.meeting_propose(relationship=mentorship, person=alice,
                                            options=[second, first], note="Video call")
    assert proposal.options == [first, second]  # in time order
    offered = mail.outbox[-1]
    assert offered.to == ["bob@example.com"] and "Europe/Paris" in offered.body
    paris = services.local(first, bob)
    assert f"{paris:%H:%M}" in offered.body  # Bob reads the times in his own zone
    with pytest.raises(ValidationError, match="other person answers"):
        services.meeting_accept(proposal=proposal, person=alice, starts_at=first)
    with pytest.raises(ValidationError, match="offered times"):
        services.meeting_accept(proposal=proposal, person=bob, starts_at=soon(9))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_accept(proposal=proposal, person=bob, starts_at=second)
    proposal.refresh_from_db()
    mentorship.refresh_from_db()
    assert proposal.status == "accepted" and proposal.starts_at == second
    assert mentorship.next_due_on == timezone.localdate(second)
    assert services.meeting_upcoming(services.meetings_accepted(mentorship)) == proposal
    assert mail.outbox[-1].to == ["alice@example.com"]
    assert f"{services.local(second, alice):%H:%M}" in mail.outbox[-1].body
    with pytest.raises(ValidationError, match="already been answered"):
        services.meeting_accept(proposal=proposal, person=bob, starts_at=first)


def test_bad_times_are_refused_with_the_reason(mentorship, alice):
    for options, message in (([], "at least one"),
                             ([timezone.now() - datetime.timedelta(hours=1)], "already passed"),
                             ([soon(400)], "more than a year"),
                             ([soon(2), soon(2)], "twice"),
                             ([soon(1), soon(2), soon(3), soon(4)], "at most 3")):
        with pytest.raises(ValidationError, match=message):
            services.meeting_propose(relationship=mentorship, person=alice, options=options)
    assert not MeetingProposal.objects.exists()


def test_new_times_replace_the_open_ones_and_a_decline_tells_the_proposer(
        mentorship, alice, bob):
    first = services.meeting_propose(relationship=mentorship, person=alice, options=[soon(2)])
    services.meeting_decline(proposal=first, person=bob, note="Travelling that week")
    assert Notification.objects.filter(recipient=alice, kind="meeting_declined").exists()
    counter = services.meeting_propose(relationship=mentorship, person=bob, options=[soon(8)])
    again = services.meeting_propose(relationship=mentorship, person=alice, options=[soon(9)])
    statuses = dict(MeetingProposal.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "declined", counter.pk: "replaced", again.pk: "open"}


def test_cancelling_puts_the_check_in_back_on_the_cadence(mentorship, alice, bob):
    proposal = services.meeting_propose(relationship=mentorship, person=alice, options=[soon(3)])
    services.meeting_accept(proposal=proposal, person=bob, starts_at=proposal.option_1)
    services.meeting_cancel(proposal=proposal, person=alice, note="Sick")
    mentorship.refresh_from_db()
    proposal.refresh_from_db()
    assert proposal.status == "cancelled" and proposal.sequence == 1
    assert mentorship.next_due_on == mentorship.started_on + datetime.timedelta(days=14)
    assert Notification.objects.filter(recipient=bob, kind="meeting_cancelled").exists()


def test_a_held_meeting_without_notes_asks_for_them_until_one_is_logged(mentorship, alice, bob):
    from matching.relationships import services as relationships

    proposal = services.meeting_propose(relationship=mentorship, person=alice, options=[soon(1)])
    services.meeting_accept(proposal=proposal, person=bob, starts_at=proposal.option_1)
    assert services.meeting_held_unlogged(mentorship) is None
    MeetingProposal.objects.filter(pk=proposal.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2))
    mentorship.refresh_from_db()
    assert services.meeting_held_unlogged(mentorship) == proposal
    relationships.meeting_record(relationship=mentorship, author=alice, occurred_on=TODAY,
                                 discussed="Went through the plan")
    mentorship.refresh_from_db()
    assert services.meeting_held_unlogged(mentorship) is None


def test_the_pages_walk_a_sponsorship_pair_through_a_meeting(login, sponsorship, alice, sam):
    alice.timezone = "Asia/Kolkata"
    alice.save()
    client = login(sam)
    url = reverse("pairs:propose", args=["sponsorship", sponsorship.pk])
    day = (timezone.localdate() + datetime.timedelta(days=4)).isoformat()
    response = client.post(url, {"option_1": f"{day}T10:30", "duration_minutes": 30})
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = MeetingProposal.objects.get()
    # Sam's 10:30 is read in Sam's zone (Europe/London from the factory).
    assert services.local(proposal.option_1, sam).strftime("%H:%M") == "10:30"
    client = login(alice)
    page = client.get(thread_url(sponsorship, "sponsorship")).content.decode()
    kolkata = services.local(proposal.option_1, alice)
    assert f"Accept {kolkata:%a %-d %b, %H:%M}" in page
    response = client.post(reverse("pairs:accept", args=[proposal.pk]), {"choice": 1})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    ics = client.get(reverse("pairs:meeting_ics", args=[proposal.pk]))
    assert ics["Content-Type"].startswith("text/calendar")
    assert login(factories.PersonFactory(with_user=True)).get(
        reverse("pairs:meeting_ics", args=[proposal.pk])).status_code == 404


# Calendar.


def test_the_invitation_is_a_timed_event_with_both_attendees_and_valid_lines(
        mentorship, alice, bob, settings):
    settings.SITE_URL = "https://grow.example.com"
    alice.full_name = "Alice, \"the\" Employee; with a very long name that needs folding 12345"
    alice.save()
    proposal = services.meeting_propose(relationship=mentorship, person=alice,
                                        options=[soon(2)], note="Room 4; bring the plan, please")
    services.meeting_accept(proposal=proposal, person=bob, starts_at=proposal.option_1)
    proposal.refresh_from_db()
    from matching.pairs.calendar import meeting_calendar

    raw = meeting_calendar(proposal)
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75, line  # RFC 5545 3.1: folded at 75 octets
    assert b"\r\n" in raw and not re.search(rb"[^\r]\n", raw)
    calendar = Calendar.from_ical(raw)
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert event["UID"] == f"meeting-{proposal.pk}@grow.example.com"
    assert event.decoded("DTSTART") == proposal.starts_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=45)
    attendees = sorted(str(a) for a in event["ATTENDEE"])
    assert attendees == ["mailto:alice@example.com", "mailto:bob@example.com"]
    assert str(event["ORGANIZER"]) == "mailto:alice@example.com"
    assert str(event["LOCATION"]) == "Room 4; bring the plan, please"
    services.meeting_cancel(proposal=proposal, person=bob)
    proposal.refresh_from_db()
    cancelled = Calendar.from_ical(meeting_calendar(proposal))
    event = cancelled.walk("VEVENT")[0]
    assert cancelled["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1 and event["UID"] == f"meeting-{proposal.pk}@grow.example.com"


# The calendar feed.


def test_the_personal_feed_lists_meetings_and_due_dates_and_a_reset_kills_the_old_address(
        login, mentorship, sponsorship, alice, bob, sam, eve, settings):
    settings.SITE_URL = "https://grow.example.com"
    sponsorship.next_due_on = TODAY + datetime.timedelta(days=9)
    sponsorship.save()
    proposal = services.meeting_propose(relationship=mentorship, person=alice, options=[soon(2)])
    services.meeting_accept(proposal=proposal, person=bob, starts_at=proposal.option_1)
    other = factories.MentorshipFactory(mentee=eve)  # not Alice's: must not appear
    services.meeting_accept(
        proposal=services.meeting_propose(relationship=other, person=eve, options=[soon(3)]),
        person=other.mentor, starts_at=soon(3))
    client = login(alice)
    page = client.get(reverse("pairs:calendar")).content.decode()
    feed_url = re.search(r'value="(https?://[^"]+feed\.ics)"', page).group(1)
    # Making a new address breaks every subscription: the button asks first.
    assert 'data-confirm="Make a new address? Calendars subscribed to the old one' in page
    client.logout()
    response = client.get(feed_url)  # a calendar app: no session
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    uids = sorted(str(e["UID"]) for e in events)
    assert uids == sorted([f"meeting-{proposal.pk}@grow.example.com",
                           f"due-mentorship-{mentorship.pk}@grow.example.com",
                           f"due-sponsorship-{sponsorship.pk}@grow.example.com"])
    due = next(e for e in events if str(e["UID"]).startswith("due-sponsorship"))
    assert due.decoded("DTSTART") == sponsorship.next_due_on
    summaries = " ".join(str(e["SUMMARY"]) for e in events)
    assert "Sam Sponsor" in summaries and eve.full_name not in summaries
    login(alice).post(reverse("pairs:calendar"))
    assert client.get(feed_url).status_code == 404


def test_the_feed_runs_a_fixed_number_of_queries(client, alice, django_assert_max_num_queries):
    from matching.pairs.models import CalendarFeed

    feed = CalendarFeed.objects.create(person=alice)
    for _ in range(5):
        mentorship = factories.MentorshipFactory(mentee=alice)
        services.meeting_accept(
            proposal=services.meeting_propose(relationship=mentorship, person=alice,
                                              options=[soon(2)]),
            person=mentorship.mentor, starts_at=soon(2))
    with django_assert_max_num_queries(6):
        response = client.get(reverse("pairs:feed", args=[feed.token]))
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 10


def test_the_mentor_reads_who_asks_on_the_request(login, alice, bob):
    from matching.mentorship import services as mentoring

    alice.interests, alice.meeting_preference = "Distributed systems", "Walks"
    alice.save()
    alice.development_goals.add(factories.SkillFactory(name="Public speaking"))
    alice.skills.add(factories.SkillFactory(name="Python"))
    request = mentoring.mentor_request_create(mentee=alice, mentor=bob, message="Hi",
                                              goals=[factories.SkillFactory(name="Go")])
    page = login(bob).get(reverse("mentorship:request_detail", args=[request.pk]))
    text = page.content.decode()
    for expected in ("Public speaking", "Python", "Distributed systems", "Walks"):
        assert expected in text


# Both voices at the close.


def test_the_mentor_answers_their_own_closing_questions_kept_apart(login, mentorship, alice,
                                                                     bob):
    from matching.pairs.models import ClosingReflection
    from matching.relationships import services as relationships
    from matching.relationships.models import SurveyResponse

    url = reverse("pairs:reflection", args=["mentorship", mentorship.pk])
    client = login(bob)
    assert "opens once" in client.get(url).content.decode()
    relationships.relationship_close(relationship=mentorship, by=bob, status="completed",
                                     ended_on=TODAY)
    detail = client.get(reverse("mentorship:detail", args=[mentorship.pk])).content.decode()
    assert url in detail
    response = client.post(url, {"how_it_went": "7", "would_do_again": "yes"})
    assert response.status_code == 400 and not ClosingReflection.objects.exists()
    response = client.post(url, {"how_it_went": "4", "would_do_again": "no",
                                 "comment": "Good, but we met too rarely"})
    assert response.status_code == 302
    answer = ClosingReflection.objects.get()
    assert (answer.respondent, answer.how_it_went, answer.would_do_again) == (bob, 4, False)
    assert not SurveyResponse.objects.exists()  # the mentee's survey is untouched
    assert url not in client.get(reverse("mentorship:detail", args=[mentorship.pk])
                                 ).content.decode()
    # The mentee has her own survey; this page is not hers.
    assert login(alice).get(url).status_code == 404
    with pytest.raises(ValidationError):
        services.reflection_record(relationship=mentorship, person=alice, how_it_went=3,
                                   would_do_again=True)


# The inbox follows requests.


def test_an_answered_request_leaves_the_mentors_inbox_and_a_withdrawal_is_told(alice, bob):
    from matching.mentorship import services as mentoring

    goal = factories.SkillFactory(name="Go")
    carla = factories.MentorProfileFactory(person__full_name="Carla Coach").person
    dan = factories.MentorProfileFactory(person__full_name="Dan Dev").person
    to_bob = mentoring.mentor_request_create(mentee=alice, mentor=bob, message="Hi", goals=[goal])
    to_carla = mentoring.mentor_request_create(mentee=alice, mentor=carla, message="Hi",
                                               goals=[goal])
    mentoring.mentor_request_create(mentee=alice, mentor=dan, message="Hi", goals=[goal])

    def waiting(person):
        return Notification.objects.filter(recipient=person, kind="mentor_request_received",
                                           read_at__isnull=True).count()

    assert (waiting(bob), waiting(carla), waiting(dan)) == (1, 1, 1)
    mentoring.mentor_request_withdraw(mentor_request=to_carla, by=alice)
    assert waiting(carla) == 0
    assert Notification.objects.filter(recipient=carla, kind="mentor_request_withdrawn").exists()
    mentoring.mentor_request_accept(mentor_request=to_bob, by=bob)
    assert (waiting(bob), waiting(dan)) == (0, 0)  # Bob answered; Dan's request was withdrawn
    told = Notification.objects.get(recipient=dan, kind="mentor_request_withdrawn")
    assert "another mentor accepted them first" in told.body
    assert not Notification.objects.filter(recipient=bob, kind="mentor_request_withdrawn").exists()


def test_a_message_or_times_sent_twice_by_impatience_are_made_once(login, mentorship, alice):
    import uuid

    client = login(alice)
    token = str(uuid.uuid4())
    for _ in range(2):  # a double click: the same form, the same token
        response = client.post(thread_url(mentorship),
                               {"body": "Hello!", "submission_token": token})
        assert response.status_code == 302
    assert Message.objects.count() == 1
    day = (timezone.localdate() + datetime.timedelta(days=4)).isoformat()
    token = str(uuid.uuid4())
    for _ in range(2):
        client.post(reverse("pairs:propose", args=["mentorship", mentorship.pk]),
                    {"option_1": f"{day}T10:30", "duration_minutes": 30,
                     "submission_token": token})
    assert MeetingProposal.objects.count() == 1
    # A refused message frees its token: the corrected one goes through.
    token = str(uuid.uuid4())
    client.post(thread_url(mentorship), {"body": " ", "submission_token": token})
    client.post(thread_url(mentorship), {"body": "Fixed", "submission_token": token})
    assert Message.objects.filter(body="Fixed").exists()
