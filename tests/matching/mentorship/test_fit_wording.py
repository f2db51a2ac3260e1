"""What the pages say about a pair: the request's own goals, reasons for and against apart, and
decisions signed with a name.

Alice wants to grow in Negotiation (her profile) and asks Bob, who helps with Negotiation only,
about Go. Hana decides a sponsor registration.
"""

import pytest

from matching.mentorship import services as svc
from matching.sponsorship.services import sponsor_registration_decide
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def go_request(alice, bob):
    negotiation = factories.SkillFactory(name="Negotiation")
    go = factories.SkillFactory(name="Go")
    alice.development_goals.add(negotiation)
    bob.mentor_profile.skills.add(negotiation)
    return svc.mentor_request_create(mentee=alice, mentor=bob, message="Help me with Go",
                                     goals=[go])


def test_the_fit_box_on_a_request_speaks_of_the_requests_goals(login, bob, go_request):
    page = login(bob).get(f"/mentoring/requests/{go_request.pk}/").content.decode()
    fit = page[page.index("Fit ("):]
    assert "Negotiation" not in fit
    assert fit.index("Against:") < fit.index("cannot help with your goals")


def test_suggestions_list_what_speaks_against_a_mentor_apart(login, alice, bob):
    alice.languages = ["ja"]
    alice.save()
    page = login(alice).get("/mentoring/suggestions/").content.decode()
    start = page.index("Bob Mentor")
    assert "two levels" not in page[start:]  # Bob is three levels above: still a reason for
    assert page.index("Against:", start) < page.index("no language in common", start)
    assert page.index("three levels above you", start) < page.index("Against:", start)


def test_a_registration_decision_is_signed_with_the_hr_admins_name(login, hana):
    profile = factories.SponsorProfileFactory(status="pending", person__level=5)
    sponsor_registration_decide(profile=profile, by=hana.user, approve=True)
    page = login(hana).get("/sponsorship/hr/registrations/").content.decode()
    decided = page[page.index("Recently decided"):]
    assert "Hana HR" in decided and "hana@example.com" not in decided
