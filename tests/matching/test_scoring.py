"""The scorer: who is never suggested, how points add up, and the reasons in plain words."""

import pytest

from matching import scoring
from tests import factories

DEFAULTS = {
    "person_id": 1, "employee_id": "E1", "name": "Someone", "level": 2, "department_id": 1,
    "department_name": "Engineering", "timezone": "Europe/London",
    "languages": frozenset({"en"}), "skills": frozenset(), "goals": frozenset(),
    "line": frozenset(), "manager_id": None,
    "skill_names": {1: "Public speaking", 2: "System design", 3: "Go", 4: "SQL"},
}


def _candidate(**overrides):
    return scoring.Candidate(**{**DEFAULTS, **overrides})


def test_yourself_your_line_and_your_reports_are_blocked():
    mentee = _candidate(person_id=1, line=frozenset({7, 8}), manager_id=7)
    assert scoring.blocked_reason(mentee, _candidate(person_id=1)) == scoring.BLOCKED_SELF
    assert scoring.blocked_reason(mentee, _candidate(person_id=7)) == scoring.BLOCKED_LINE
    assert scoring.blocked_reason(mentee, _candidate(person_id=8)) == scoring.BLOCKED_LINE
    assert scoring.blocked_reason(mentee, _candidate(person_id=9, manager_id=1)) == \
        scoring.BLOCKED_REPORT
    assert scoring.blocked_reason(mentee, _candidate(person_id=9, manager_id=5)) is None


def test_a_perfect_fit_scores_100_and_says_why_in_plain_words():
    mentee = _candidate(person_id=1, level=2, goals=frozenset({1, 2, 3}),
                        languages=frozenset({"en", "fr"}))
    mentor = _candidate(person_id=2, level=4, department_id=2, skills=frozenset({1, 2, 3, 4}),
                        languages=frozenset({"en", "fr"}))
    score, reasons = scoring.score_pair(mentee, mentor, scoring.SUGGESTION_WEIGHTS)
    assert score == 100.0
    assert reasons == ["can help with 3 of your goals: Go, Public speaking, System design",
                       "two levels above you", "other department", "speaks French with you",
                       "same time zone"]


def test_each_criterion_adds_its_share_of_the_points():
    mentee = _candidate(person_id=1, level=2, goals=frozenset({1, 2}))
    mentor = _candidate(person_id=2, level=2, department_id=1, skills=frozenset({1}),
                        languages=frozenset({"de"}), timezone="America/New_York")
    weights = {"goals": 40, "preferences": 0, "level_gap": 20, "department": 20,
               "language": 10, "timezone": 10}
    score, reasons = scoring.score_pair(mentee, mentor, weights)
    # goals half of 40 = 20; same level a quarter of 20 = 5; nothing else.
    assert score == 25.0
    assert "can help with 1 of your goals: Public speaking" in reasons
    assert "same level as you" in reasons
    assert "same department" in reasons
    assert "no language in common" in reasons
    assert "5 hours apart" in reasons


def test_a_cohort_ranking_earns_preference_points():
    mentee, mentor = _candidate(person_id=1), _candidate(person_id=2)
    unranked, _ = scoring.score_pair(mentee, mentor)
    first, reasons = scoring.score_pair(mentee, mentor, preference_rank=1)
    fifth, _ = scoring.score_pair(mentee, mentor, preference_rank=5)
    assert first > fifth > unranked
    assert "you ranked them #1" in reasons


def test_all_weights_zero_scores_zero_without_dividing_by_zero():
    weights = dict.fromkeys(scoring.DEFAULT_WEIGHTS, 0)
    assert scoring.score_pair(_candidate(), _candidate(person_id=2), weights) == (0.0, [])


@pytest.mark.django_db
def test_load_candidates_reads_the_reporting_line_and_mentor_skills_in_fixed_queries(
        django_assert_max_num_queries):
    speaking = factories.SkillFactory(name="Public speaking")
    go = factories.SkillFactory(name="Go")
    ceo = factories.PersonFactory(level=9)
    vp = factories.PersonFactory(level=7, manager=ceo)
    lead = factories.PersonFactory(level=5, manager=vp)
    mentee = factories.PersonFactory(level=2, manager=lead, languages=["en", "fr"])
    mentee.development_goals.add(speaking)
    mentor = factories.PersonFactory(level=5)
    mentor.skills.add(speaking)
    profile = factories.MentorProfileFactory(person=mentor, languages=["es"])
    profile.skills.add(go)
    with django_assert_max_num_queries(6):
        loaded = scoring.load_candidates([mentee.pk, mentor.pk], mentors=True)
    assert loaded[mentee.pk].line == {lead.pk, vp.pk, ceo.pk}
    assert loaded[mentee.pk].goals == {speaking.pk}
    assert loaded[mentor.pk].skills == {go.pk}  # the profile's skills win over the person's
    assert loaded[mentor.pk].languages == {"en", "es"}
    everyone = scoring.load_candidates()
    assert everyone[mentee.pk].line == loaded[mentee.pk].line


def test_rank_orders_by_score_leaves_out_blocked_mentors_and_explains_the_ones_kept():
    mentee = _candidate(person_id=1, level=2, goals=frozenset({1, 2}), line=frozenset({9}))
    strong = _candidate(person_id=2, name="Strong", level=4, department_id=2,
                        skills=frozenset({1, 2}))
    weak = _candidate(person_id=3, name="Weak", level=2, skills=frozenset())
    boss = _candidate(person_id=9, name="Boss", level=6, department_id=2,
                      skills=frozenset({1, 2}))
    ranked = scoring.rank(mentee, [weak, boss, strong], scoring.SUGGESTION_WEIGHTS, limit=5)
    assert [m.name for m, _, _ in ranked] == ["Strong", "Weak"]
    for mentor, score, reasons in ranked:
        assert (score, reasons) == scoring.score_pair(mentee, mentor,
                                                      scoring.SUGGESTION_WEIGHTS)
    assert len(scoring.rank(mentee, [weak, strong], limit=1)) == 1


def test_level_gaps_are_in_words_up_to_nine_and_in_figures_beyond():
    assert scoring.level_gap_words(1) == "one level above you"
    assert scoring.level_gap_words(-3) == "three levels below you"
    assert scoring.level_gap_words(9) == "nine levels above you"
    assert scoring.level_gap_words(12) == "12 levels above you"


def test_languages_are_named_as_django_names_them_and_unknown_codes_stay_codes():
    assert [scoring.language_name(code) for code in ("en", "fr", "de", "es", "xx")] == [
        "English", "French", "German", "Spanish", "xx"]
    mentee = _candidate(person_id=1, languages=frozenset({"en", "fr", "de", "xx"}))
    mentor = _candidate(person_id=2, languages=frozenset({"en", "fr", "de", "xx"}))
    _, reasons = scoring.score_pair(mentee, mentor, scoring.SUGGESTION_WEIGHTS)
    assert "speaks French, German and xx with you" in reasons
    _, reasons = scoring.score_pair(_candidate(person_id=1), _candidate(person_id=2),
                                    scoring.SUGGESTION_WEIGHTS)
    assert "speaks English with you" in reasons


def test_reasons_that_earned_nothing_are_marked_against():
    mentee = _candidate(person_id=1, goals=frozenset({1}), languages=frozenset({"ja"}),
                        timezone="Asia/Tokyo")
    mentor = _candidate(person_id=2, level=4, skills=frozenset({1}), department_id=1)
    _, reasons = scoring.score_pair(mentee, mentor, scoring.SUGGESTION_WEIGHTS)
    against = [r for r in reasons if r.against]
    assert [str(r) for r in reasons if not r.against] == [
        "can help with your goal: Public speaking", "two levels above you"]
    assert against[:2] == ["same department", "no language in common"]
    assert len(against) == 3 and "apart" in against[2]


def test_a_request_is_scored_on_its_own_goals_not_the_whole_profile():
    mentee = _candidate(person_id=1, goals=frozenset({4}))  # SQL in the profile
    mentor = _candidate(person_id=2, level=4, skills=frozenset({4}))
    go = factories.SkillFactory.build(pk=3, name="Go")
    _, reasons = scoring.score_pair(scoring.with_goals(mentee, [go]), mentor,
                                    scoring.SUGGESTION_WEIGHTS)
    assert reasons[0] == "cannot help with your goals" and reasons[0].against
