"""Small layout details a user notices, in a real browser: cards stacked in a column keep a gap
between them, and the meeting-time inputs look like every other input (full width, same height).
"""

import datetime

import pytest
from django.utils import timezone

from matching.pairs import services as pairs
from tests import factories
from tests.e2e.conftest import sign_in, words_split_over_lines


def _gap(page, upper: str, lower: str) -> float:
    top = page.locator(lower).bounding_box()["y"]
    box = page.locator(upper).bounding_box()
    return top - (box["y"] + box["height"])


@pytest.mark.parametrize("width", [1280, 360])
def test_the_pair_page_spaces_its_cards_and_sizes_its_time_inputs(new_page, shots, alice, bob,
                                                                  width):
    pair = factories.MentorshipFactory(mentor=bob, mentee=alice)
    page = sign_in(new_page(), alice.email)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/pairs/mentorship/{pair.pk}/")
    shots(page, f"thread-{width}")
    assert _gap(page, "section[aria-labelledby=contact-h]", "section#meetings") >= 8
    first_time = page.get_by_label("First time").bounding_box()
    length = page.get_by_label("Length in minutes").bounding_box()
    assert abs(first_time["width"] - length["width"]) < 2, (first_time, length)
    assert abs(first_time["height"] - length["height"]) < 4, (first_time, length)


def test_the_none_of_these_works_note_is_a_real_text_box(new_page, shots, alice, bob):
    pair = factories.MentorshipFactory(mentor=bob, mentee=alice)
    soon = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    pairs.meeting_propose(relationship=pair, person=bob, options=[soon])
    page = sign_in(new_page(), alice.email)
    page.set_viewport_size({"width": 360, "height": 900})
    page.goto(f"/pairs/mentorship/{pair.pk}/")
    shots(page, "times-offered")
    note = page.get_by_label("None of these works (optional note)").bounding_box()
    message = page.get_by_role("textbox", name="Message").bounding_box()
    assert note["height"] >= 36 and abs(note["width"] - message["width"]) < 2, (note, message)


def test_the_profile_keeps_the_save_button_apart_from_the_data_card(new_page, shots, alice):
    page = sign_in(new_page(), alice.email)
    page.goto("/me/profile/")
    shots(page, "profile")
    assert _gap(page, "main form.form", "section[aria-labelledby=your-data]") >= 8




@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_sponsorship_facts_keep_whole_words_at_phone_width(new_page, shots, alice, bob,
                                                               language):
    """French labels ("Comment il a commencé", "Préfère se rencontrer") are long: the answers
    beside them keep whole words ("VP Engineering", not "VP Engineerin" / "g"; the other's time
    zone, not "Europe/Londo" / "n")."""
    bob.title, alice.title = "VP Engineering", "Software Engineer"
    bob.save(), alice.save()
    alice.preferred_language = language
    alice.save()
    sponsorship = factories.SponsorshipFactory(sponsor=bob, protege=alice)
    page = sign_in(new_page(), alice.email)
    page.set_viewport_size({"width": 360, "height": 900})
    page.goto(f"/sponsorship/{sponsorship.pk}/")
    shots(page, f"facts-{language}")
    assert words_split_over_lines(page, "dl.facts dd, .p-contact dd:nth-of-type(2)") == []
