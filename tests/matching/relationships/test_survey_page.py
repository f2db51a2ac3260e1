"""The survey page both kinds share (/mentoring/survey/<kind>/<id>/<phase>/).

Sam sponsors Alice: only Alice answers; Sam and Eve get a 404, not a hint that it exists.
"""

import pytest

from matching.relationships.models import SurveyResponse
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_survey_page_serves_a_sponsorship_to_its_protege_only(login, alice, sam, eve):
    sponsorship = factories.SponsorshipFactory(sponsor=sam, protege=alice)
    url = f"/mentoring/survey/sponsorship/{sponsorship.pk}/baseline/"
    assert login(eve).get(url).status_code == 404
    assert login(sam).get(url).status_code == 404
    client = login(alice)
    assert "Your sponsorship with Sam Sponsor" in client.get(url).content.decode()
    assert client.post(url, {"confidence": "3", "goal_progress": "2"}).status_code == 302
    answer = SurveyResponse.objects.get()
    assert (answer.relationship_kind, answer.sponsorship, answer.phase) == \
        ("sponsorship", sponsorship, "baseline")
    assert client.get("/mentoring/survey/sponsorship/999999/baseline/").status_code == 404
    assert client.get(f"/mentoring/survey/nonsense/{sponsorship.pk}/baseline/").status_code == 404
