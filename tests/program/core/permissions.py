"""Who may open which URL: THE table of the permission matrix (one row per URL pattern).

tests/program/core/test_permission_matrix.py visits every URL pattern of the resolver as every
persona below, GET and POST, with the ids of records that belong to other people, and checks the
answer against this table; docs/SECURITY.md's visibility table is generated from it
(`python -m tests.program.core.permissions` prints it; a test checks the file matches).

Adding a URL? Add one row to EXPECTATIONS, keyed by the URL's name ("namespace:name"; the route
for an unnamed pattern):

    "mentorship:new_thing": Rule(MENTORSHIP_PAIR, "the mentee and mentor of that mentorship",
                                 args=lambda w: {"pk": w.mentorship.pk}),

- `who`: the personas who get the page (an audience below); everyone else is refused.
- `refused`: what a signed-in persona outside the audience gets: "403" (a role page) or "404"
  (a record fetched through a query scoped to the person asking: no hint that it exists), or
  "401" for an API that reads a bearer token and no session (every persona, anonymous and the
  superuser included, gets 401 from it).
  Anonymous callers are always sent to sign in; accounts that need two-factor (HR admins, staff)
  are sent to set it up first, from every page outside /accounts/; an account without an HR
  record (the superuser) gets 403 from every page that needs one.
- `get` / `post`: what an allowed persona gets for that method: "ok" (the view ran for them: 200,
  a redirect that is not to sign-in, or 400 for a form with errors), "405", "404" (a bad
  key in the URL), "401" (allauth's SSO error page), "login" (a step that needs an earlier one,
  sent to sign in), or "any" (anything but a 500 or sign-in: the admin's own per-model rules).
- `reads_only`: personas of `who` who may read but not post (they get `refused` on POST).
- `args`: the URL's arguments, from the world the test builds (`w.<record>`): always records of
  OTHER people than most personas, so a refusal is proven, not assumed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# The personas (built in test_permission_matrix.py). Who they are to each other:
# mentee (Alice) is mentored by mentor (Bob) and asked him for mentoring; protege (Pat) is
# sponsored by sponsor (Sam), who wrote an advocacy record about Pat, not shared with Pat;
# employee (Max) is Alice's manager: her manager is never shown her mentoring; unrelated (Eve) is
# in nothing; hr_no_2fa (Hana) and hr (Hugo) are HR admins, only Hugo has two-factor; staff
# (Stan) is staff without the HR flag and without two-factor; superuser (Sue) has two-factor and
# no HR record (no Person).
PERSONAS = ("anonymous", "employee", "mentee", "mentor", "sponsor", "protege", "unrelated",
            "hr_no_2fa", "hr", "staff", "superuser")
NEEDS_TWO_FACTOR_SETUP = {"hr_no_2fa", "staff"}

EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {"anonymous"}
EMPLOYEES = SIGNED_IN - {"superuser"}  # accounts with an HR record (a Person)
HR = frozenset({"hr", "hr_no_2fa"})
ADMIN = frozenset({"superuser", "staff"})
MENTORSHIP_PAIR = frozenset({"mentee", "mentor"})
WITH_TWO_FACTOR = frozenset({"hr", "superuser"})
SPONSORSHIP_PAIR = frozenset({"sponsor", "protege"})
SPONSOR_AND_HR = frozenset({"sponsor"}) | HR
BEARER_TOKEN = frozenset()  # no session gets in: a machine's bearer token (refused="401")
AUDIENCE_NAMES = {EVERYONE: "everyone", SIGNED_IN: "signed in", EMPLOYEES: "employees",
                  HR: "HR admins (two-factor)", ADMIN: "staff (two-factor)",
                  MENTORSHIP_PAIR: "the mentee and the mentor",
                  SPONSORSHIP_PAIR: "the sponsor and the protégé",
                  BEARER_TOKEN: "a bearer token (SCIM or API; no session)"}


@dataclass(frozen=True)
class Rule:
    who: frozenset[str]
    what: str  # one line for docs/SECURITY.md
    refused: str = "403"
    get: str = "ok"
    post: str = "ok"
    args: Callable = field(default=lambda w: {}, compare=False)
    reads_only: frozenset[str] = frozenset()  # allowed personas whose POST gets `refused`


def _pk(record: str):
    return lambda w: {"pk": getattr(w, record).pk}


def _slug(**extra):
    return lambda w: {"slug": w.cohort.slug, **{k: v(w) for k, v in extra.items()}}


def _kind_pk(record: str = "mentorship"):
    return lambda w: {"kind": record, "pk": getattr(w, record).pk}


ADMIN_MODEL_PAGES = ("changelist", "add", "history", "delete", "change")

EXPECTATIONS: dict[str, Rule] = {
    # Public pages and sign-in (allauth).
    "home": Rule(SIGNED_IN, "the home page"),
    "healthz": Rule(EVERYONE, "ok/error per component; details only for HR and staff",
                    post="405"),
    "account_login": Rule(EVERYONE, "sign in"),
    "set_language": Rule(EVERYONE, "choose the pages' language (also saved on one's own profile)"),
    "account_logout": Rule(EVERYONE, "sign out"),
    "account_inactive": Rule(EVERYONE, "the inactive-account notice", post="405"),
    "account_signup": Rule(EVERYONE, "sign up (says nothing of which addresses have accounts)"),
    "account_reauthenticate": Rule(SIGNED_IN, "confirm the password again"),
    "account_request_reauthentication_code": Rule(SIGNED_IN, "reauthenticate by code"),
    "account_confirm_reauthentication_code": Rule(SIGNED_IN, "reauthenticate by code"),
    "account_email": Rule(SIGNED_IN, "one's own email addresses"),
    "account_email_verification_sent": Rule(EVERYONE, "the verification-sent notice",
                                           post="405"),
    "account_change_password": Rule(SIGNED_IN, "change one's own password"),
    "account_set_password": Rule(SIGNED_IN, "set one's own password"),
    "account_reset_password": Rule(EVERYONE, "ask for a password reset"),
    "account_confirm_login_code": Rule(SIGNED_IN, "sign in by code (after asking)"),
    "account_confirm_email": Rule(EVERYONE, "confirm an address (the key is the secret)",
                                  post="404",
                                  args=lambda w: {"key": "not-a-real-key"}),
    "account_reset_password_from_key_done": Rule(EVERYONE, "password reset done",
                                                 post="405"),
    "account_reset_password_from_key": Rule(
        EVERYONE, "set a new password (the key is the secret)",
        args=lambda w: {"uidb36": "1", "key": "not-a-real-key"}),
    "account_reset_password_done": Rule(EVERYONE, "password reset e-mail sent",
                                        post="405"),
    "mfa_index": Rule(SIGNED_IN, "one's own two-factor settings", post="405"),
    "mfa_authenticate": Rule(SIGNED_IN, "the two-factor step of signing in (after the password)"),
    "mfa_reauthenticate": Rule(SIGNED_IN, "confirm two-factor again"),
    "mfa_activate_totp": Rule(SIGNED_IN, "turn on two-factor"),
    "mfa_deactivate_totp": Rule(WITH_TWO_FACTOR, "turn off one's own two-factor",
                                refused="404"),
    "mfa_view_recovery_codes": Rule(WITH_TWO_FACTOR, "one's own recovery codes", refused="404",
                                    post="405"),
    "mfa_generate_recovery_codes": Rule(SIGNED_IN, "new recovery codes (after two-factor)"),
    "mfa_download_recovery_codes": Rule(WITH_TWO_FACTOR, "download one's own recovery codes",
                                        refused="404"),
    # Single sign-on (allauth's socialaccount; the project's own "Continue" page first).
    # (The test settings configure no provider: "company" is an unknown one, a 404.)
    "openid_connect_login": Rule(EVERYONE, "continue to the company's identity provider",
                                 get="404", post="404",
                                 args=lambda w: {"provider_id": "company"}),
    "openid_connect_callback": Rule(EVERYONE, "the identity provider's answer",
                                    get="404", post="404",
                                    args=lambda w: {"provider_id": "company"}),
    # SAML (allauth's views; the project's own "Continue" page and end of the ACS first). The
    # ACS takes the IdP's cross-site POST without a session and hands it to acs/finish/.
    "saml_login": Rule(EVERYONE, "continue to the company's SAML identity provider",
                       get="404", post="404", args=lambda w: {"organization_slug": "company"}),
    "saml_acs": Rule(EVERYONE, "the SAML IdP's answer (kept for acs/finish/, then redirected)",
                     args=lambda w: {"organization_slug": "company"}),
    "saml_finish_acs": Rule(EVERYONE, "the SAML IdP's answer, checked and signed in",
                            get="404", post="404",
                            args=lambda w: {"organization_slug": "company"}),
    "saml_sls": Rule(EVERYONE, "SAML single log-out", get="404", post="404",
                     args=lambda w: {"organization_slug": "company"}),
    "saml_metadata": Rule(EVERYONE, "our SAML service provider metadata (entity id, ACS URL)",
                          get="404", post="404",
                          args=lambda w: {"organization_slug": "company"}),
    "socialaccount_login_cancelled": Rule(EVERYONE, "SSO sign-in cancelled", post="405"),
    "socialaccount_login_error": Rule(EVERYONE, "SSO sign-in failed (a 401 page)", get="401",
                                      post="405"),
    "socialaccount_signup": Rule(EVERYONE, "finish an SSO sign-up (with no provider answer "
                                 "waiting: sent to sign in)", get="login", post="login"),
    "socialaccount_connections": Rule(SIGNED_IN, "one's own SSO connections"),
    "accounts/social/login/cancelled/": Rule(EVERYONE, "old address: redirects to the new one"),
    "accounts/social/login/error/": Rule(EVERYONE, "old address: redirects to the new one"),
    "accounts/social/signup/": Rule(EVERYONE, "old address: redirects to the new one"),
    "accounts/social/connections/": Rule(EVERYONE, "old address: redirects to the new one"),
    "unsubscribe": Rule(EVERYONE, "turn off one kind of e-mail (the signed link is the key)",
                        args=lambda w: {"token": w.unsubscribe_token}),
    # One's own account.
    "profile_edit": Rule(EMPLOYEES, "one's own profile"),
    "inbox": Rule(EMPLOYEES, "one's own notifications"),
    "inbox_read_all": Rule(EMPLOYEES, "mark one's own notifications read", get="405"),
    "notification_open": Rule(frozenset({"mentee"}), "one notification, to its recipient only",
                              refused="404", args=_pk("notification")),
    "import_upload": Rule(HR, "upload an import CSV"),
    "import_job": Rule(HR, "a large import's progress and result (any HR admin's job)",
                       args=_pk("import_job")),
    "access_request": Rule(SIGNED_IN, "ask HR for access (an account without an HR record)",
                           get="405"),
    "access_requests": Rule(HR, "requests for access, to link to HR records"),
    "access_request_link": Rule(HR, "link an account to its HR record (audited)", get="405",
                                args=_pk("access_request")),
    "my_data": Rule(EMPLOYEES, "everything held about oneself, as JSON (audited)"),
    # Mentoring.
    "mentorship:index": Rule(EMPLOYEES, "one's own mentoring"),
    "mentorship:profile_edit": Rule(EMPLOYEES, "one's own mentor profile"),
    "mentorship:directory": Rule(EMPLOYEES, "the mentor directory"),
    "mentorship:mentor": Rule(EMPLOYEES, "a mentor's public profile",
                              args=lambda w: {"person_id": w.mentor.pk}),
    "mentorship:request_create": Rule(EMPLOYEES, "ask a mentor",
                                      args=lambda w: {"person_id": w.mentor.pk}),
    "mentorship:suggestions": Rule(EMPLOYEES, "mentors suggested for oneself"),
    "mentorship:how_it_works": Rule(EVERYONE, "how suggestions work (no personal data)"),
    "mentorship:request_detail": Rule(MENTORSHIP_PAIR, "a request, to its mentee and mentor",
                                      refused="404", args=_pk("mentor_request")),
    "mentorship:request_accept": Rule(MENTORSHIP_PAIR, "the asked mentor accepts",
                                      refused="404", get="405", args=_pk("mentor_request")),
    "mentorship:request_decline": Rule(MENTORSHIP_PAIR, "the asked mentor declines",
                                       refused="404", get="405", args=_pk("mentor_request")),
    "mentorship:request_withdraw": Rule(MENTORSHIP_PAIR, "the mentee withdraws",
                                        refused="404", get="405", args=_pk("mentor_request")),
    "mentorship:detail": Rule(MENTORSHIP_PAIR, "a mentorship and its check-ins, to the pair",
                              refused="404", args=_pk("mentorship")),
    "mentorship:check_in": Rule(MENTORSHIP_PAIR, "log a check-in", refused="404", get="405",
                                args=_pk("mentorship")),
    "mentorship:agreement": Rule(MENTORSHIP_PAIR, "the pair's agreement", refused="404",
                                 get="405",
                                 args=_pk("mentorship")),
    "mentorship:goal_add": Rule(MENTORSHIP_PAIR, "add a goal", refused="404", get="405",
                                args=_pk("mentorship")),
    "mentorship:goal_status": Rule(MENTORSHIP_PAIR, "change a goal", refused="404", get="405",
                                   args=lambda w: {"pk": w.mentorship.pk, "goal_id": w.goal.pk}),
    "mentorship:check_in_edit": Rule(frozenset({"mentee"}),
                                     "change or delete a check-in: its author only",
                                     refused="404", args=_pk("check_in")),
    "mentorship:close": Rule(MENTORSHIP_PAIR, "close the mentorship", refused="404", get="405",
                             args=_pk("mentorship")),
    "mentorship:ics": Rule(MENTORSHIP_PAIR, "the next check-in as a calendar file",
                           refused="404", args=_pk("mentorship")),
    "mentorship:survey": Rule(frozenset({"mentee"}), "a survey, to the receiving person only",
                              refused="404", args=lambda w: {"kind": "mentorship",
                                                             "pk": w.mentorship.pk,
                                                             "phase": "baseline"}),
    # Sponsorship.
    "sponsorship:index": Rule(EMPLOYEES, "one's own sponsorship"),
    "sponsorship:register": Rule(EMPLOYEES, "register as a sponsor (leaders)"),
    "sponsorship:interest": Rule(EMPLOYEES, "ask HR for a sponsor", get="405"),
    "sponsorship:sponsor_home": Rule(EMPLOYEES, "the sponsorships one gives"),
    "sponsorship:propose": Rule(EMPLOYEES, "propose to sponsor someone (approved sponsors)"),
    "sponsorship:protege_home": Rule(EMPLOYEES, "the sponsorship one receives"),
    "sponsorship:detail": Rule(SPONSORSHIP_PAIR | HR, "a sponsorship: the pair and HR",
                               refused="404",
                               args=_pk("sponsorship")),
    "sponsorship:answer": Rule(SPONSORSHIP_PAIR | HR, "the protégé accepts or declines",
                               refused="404", get="405", args=_pk("sponsorship")),
    "sponsorship:withdraw": Rule(SPONSORSHIP_PAIR | HR, "withdraw a proposal (its proposer)",
                                 refused="404", get="405", args=_pk("sponsorship")),
    "sponsorship:touchpoint_edit": Rule(frozenset({"protege"}),
                                        "change or delete a touchpoint: its author only",
                                        refused="404", args=_pk("touchpoint")),
    "sponsorship:touchpoint_new": Rule(SPONSORSHIP_PAIR | HR, "log a touchpoint",
                                       refused="404",
                                       args=_pk("sponsorship")),
    "sponsorship:close": Rule(SPONSORSHIP_PAIR | HR, "close the sponsorship", refused="404",
                              args=_pk("sponsorship")),
    "sponsorship:advocacy_new": Rule(frozenset({"sponsor"}), "record advocacy", refused="404",
                                     args=_pk("sponsorship")),
    "sponsorship:advocacy_detail": Rule(
        frozenset({"sponsor", "hr", "hr_no_2fa"}),
        "an advocacy record: its sponsor and HR (the protégé once shared)", refused="404",
        reads_only=HR,
        args=_pk("advocacy")),
    "sponsorship:advocacy_share": Rule(frozenset({"sponsor"}), "share a record with the protégé",
                                       refused="404", get="405", args=_pk("advocacy")),
    "sponsorship:commitment_new": Rule(frozenset({"sponsor"}), "write down a commitment",
                                       refused="404", args=_pk("sponsorship")),
    "sponsorship:commitment_detail": Rule(
        SPONSOR_AND_HR, "a commitment: its sponsor and HR (the protégé once shared)",
        refused="404", args=_pk("commitment")),
    "sponsorship:commitment_keep": Rule(frozenset({"sponsor"}), "mark a commitment kept",
                                        refused="404", get="405", args=_pk("commitment")),
    "sponsorship:commitment_drop": Rule(frozenset({"sponsor"}), "drop a commitment, with why",
                                        refused="404", args=_pk("commitment")),
    "sponsorship:scorecard": Rule(EMPLOYEES, "one's own sponsor scorecard (sponsors)"),
    "sponsorship:hr_scorecards": Rule(HR, "every sponsor's scorecard"),
    "sponsorship:hr_scorecard": Rule(HR, "one sponsor's scorecard",
                                     args=lambda w: {"person_pk": w.sponsor.pk}),
    "sponsorship:talent_review": Rule(HR, "the talent review pack (exports audited)"),
    "sponsorship:hr_registrations": Rule(HR, "sponsor registrations to decide"),
    "sponsorship:hr_registration_decide": Rule(HR, "approve or refuse a registration", get="405",
                                               args=_pk("pending_sponsor")),
    "sponsorship:hr_pair": Rule(HR, "HR proposes a sponsorship"),
    "sponsorship:hr_interests": Rule(HR, "requests for a sponsor"),
    "sponsorship:hr_interest_decline": Rule(HR, "decline a request for a sponsor, with why",
                                            get="405", args=_pk("interest")),
    "sponsorship:hr_career_events": Rule(HR, "career events"),
    "sponsorship:hr_career_event_edit": Rule(HR, "correct or delete a career event (audited)",
                                             args=_pk("career_event")),
    # The pair's own page: only the two people of a relationship (HR too gets 404).
    "pairs:thread": Rule(MENTORSHIP_PAIR, "the pair's private messages and meetings",
                         refused="404", args=_kind_pk()),
    "pairs:propose": Rule(MENTORSHIP_PAIR, "propose meeting times", refused="404", get="405",
                          args=_kind_pk()),
    "pairs:reflection": Rule(frozenset({"mentor"}), "the closing reflection: the mentor or "
                             "sponsor only", refused="404", args=_kind_pk()),
    "pairs:accept": Rule(MENTORSHIP_PAIR, "accept a meeting time", refused="404", get="405",
                         args=lambda w: {"proposal_id": w.meeting.pk}),
    "pairs:decline": Rule(MENTORSHIP_PAIR, "decline meeting times", refused="404", get="405",
                          args=lambda w: {"proposal_id": w.meeting.pk}),
    "pairs:cancel": Rule(MENTORSHIP_PAIR, "cancel a meeting", refused="404", get="405",
                         args=lambda w: {"proposal_id": w.meeting.pk}),
    "pairs:meeting_ics": Rule(MENTORSHIP_PAIR, "an agreed meeting as a calendar file",
                              refused="404",
                              args=lambda w: {"proposal_id": w.meeting.pk}),
    "pairs:calendar": Rule(EMPLOYEES, "one's own calendar feed address (and a new one)"),
    "pairs:feed": Rule(EVERYONE, "a calendar feed, no sign-in (the secret address is the key)",
                       args=lambda w: {"token": w.calendar_feed.token}),
    # Cohorts.
    "cohort_enrolment:list": Rule(EMPLOYEES, "open cohorts"),
    "cohort_enrolment:enrol": Rule(EMPLOYEES, "enrol oneself", args=_slug()),
    "cohort_enrolment:withdraw": Rule(EMPLOYEES, "withdraw oneself", get="405", args=_slug()),
    "cohorts:list": Rule(HR, "cohorts"),
    "cohorts:new": Rule(HR, "create a cohort"),
    "cohorts:detail": Rule(HR, "a cohort's enrolments", args=_slug()),
    "cohorts:edit": Rule(HR, "edit a cohort", args=_slug()),
    "cohorts:weights": Rule(HR, "a cohort's weights", get="405", args=_slug()),
    "cohorts:invite": Rule(HR, "invite people", get="405", args=_slug()),
    "cohorts:enrolment_remove": Rule(HR, "remove an enrolment", get="405",
                                     args=_slug(pk=lambda w: w.enrolment.pk)),
    "cohorts:preview": Rule(HR, "preview the matching", args=_slug()),
    "cohorts:rule_add": Rule(HR, "add a pairing rule", get="405", args=_slug()),
    "cohorts:rule_remove": Rule(HR, "remove a pairing rule", get="405",
                                args=_slug(pk=lambda w: w.pair_rule.pk)),
    "cohorts:publish": Rule(HR, "publish the matching", get="405", args=_slug()),
    # HR reports.
    "hr:index": Rule(HR, "HR home"),
    "hr:dashboard": Rule(HR, "program dashboard (groups under the minimum hidden)"),
    "hr:report": Rule(HR, "outcome report"),
    "hr:report_recompute": Rule(HR, "recompute the report", get="405"),
    "hr:equity": Rule(HR, "equity of access (groups under the minimum hidden or folded)"),
    "hr:export": Rule(HR, "a report table as CSV (formula-safe, audited)",
                      args=lambda w: {"page": "equity", "slug": "by-gender"}),
    "hr:reminder_log": Rule(HR, "the reminders log"),
    "hr:reminder_sweep_now": Rule(HR, "send due reminders now", get="405"),
    "hr:audit_log": Rule(HR, "the audit trail: search and CSV (read-only)"),
    "hr:report_commitments": Rule(HR, "commitments kept and dropped (groups under the minimum "
                                  "hidden)"),
    "hr:outbox_retry": Rule(HR, "queue failed e-mail again", get="405"),
    "hr:console_list": Rule(HR, "a console list (search, filters, sort)",
                            args=lambda w: {"listing": "mentorships"}),
    "hr:console_export": Rule(HR, "a console list as CSV (audited)",
                              args=lambda w: {"listing": "mentorships"}),
    "hr:console_remind_overdue": Rule(HR, "remind the overdue pairs of a list", get="405",
                                      args=lambda w: {"listing": "mentorships"}),
    "hr:data_health": Rule(HR, "data health"),
    "hr:program_settings": Rule(HR, "the program's settings (changes audited)"),
    "hr:sso_providers": Rule(HR, "company sign-ins: OpenID Connect and SAML apps (audited)"),
    "hr:sso_provider_edit": Rule(HR, "change one company sign-in (the secret is never shown)",
                                 args=_pk("sso_app")),
    "hr:sso_provider_delete": Rule(HR, "remove a company sign-in (audited)", get="405",
                                   args=_pk("sso_app")),
    "hr:person": Rule(HR, "one person's file (audited)", args=_pk("mentee")),
    "hr:person_pause": Rule(HR, "pause or resume a mentor or sponsor, with why", get="405",
                            args=_pk("mentor")),
    "hr:person_hr_admin": Rule(HR, "give or take the HR admin role, with why", get="405",
                               args=_pk("unrelated")),
    "hr:find_sponsor": Rule(HR, "rank sponsors for someone and propose one", args=_pk("protege")),
    "hr:find_mentor": Rule(HR, "the mentors someone's suggestions show", args=_pk("mentee")),
    "hr:relationship_end": Rule(HR, "end a relationship early, with why", args=_kind_pk()),
    "hr:people_left": Rule(HR, "people who left, to anonymise"),
    "hr:person_anonymise": Rule(HR, "anonymise someone who left (audited)", get="405",
                                args=_pk("former")),
    # SCIM provisioning: the identity provider's bearer token, never a session.
    "scim:service_provider_config": Rule(BEARER_TOKEN, "SCIM: what the server supports",
                                         refused="401"),
    "scim:resource_types": Rule(BEARER_TOKEN, "SCIM: resource types", refused="401"),
    "scim:resource_type": Rule(BEARER_TOKEN, "SCIM: one resource type", refused="401",
                               args=lambda w: {"name": "User"}),
    "scim:schemas": Rule(BEARER_TOKEN, "SCIM: schemas", refused="401"),
    "scim:schema": Rule(BEARER_TOKEN, "SCIM: one schema", refused="401",
                        args=lambda w: {"schema_id": "urn:ietf:params:scim:schemas:core:2.0:User"}),
    "scim:users": Rule(BEARER_TOKEN, "SCIM: list and create users", refused="401"),
    "scim:users_search": Rule(BEARER_TOKEN, "SCIM: search users", refused="401"),
    "scim:search": Rule(BEARER_TOKEN, "SCIM: search", refused="401"),
    "scim:user": Rule(BEARER_TOKEN, "SCIM: one user (read, replace, patch, deactivate)",
                      refused="401", args=lambda w: {"pk": w.mentee.pk}),
    "scim:groups": Rule(BEARER_TOKEN, "SCIM: list and create groups (HR admins is the role)",
                        refused="401"),
    "scim:groups_search": Rule(BEARER_TOKEN, "SCIM: search groups", refused="401"),
    "scim:group": Rule(BEARER_TOKEN, "SCIM: one group (read, replace, patch members, delete); "
                       "HR admins' members change the role through the console's service",
                       refused="401", args=lambda w: {"pk": "hr-admins"}),
    "scim:not_found": Rule(BEARER_TOKEN, "SCIM: anything else (404 with a token)",
                           refused="401", args=lambda w: {"rest": "Widgets"}),
    "scim:tokens": Rule(HR, "SCIM tokens: create (shown once) and list"),
    "scim:token_revoke": Rule(HR, "revoke a SCIM token (audited)", get="405",
                              args=_pk("scim_token")),
    # The API for HR systems and BI: an API token (with its scopes), never a session.
    "api:openapi-json": Rule(EVERYONE, "API: its OpenAPI schema (describes, holds no data)",
                             post="405"),
    "api:api-root": Rule(EVERYONE, "API: its root (nothing there)", get="404", post="404"),
    "api:mentorships": Rule(BEARER_TOKEN, "API: mentorships (scope read)", refused="401",
                            post="405"),
    "api:sponsorships": Rule(BEARER_TOKEN, "API: sponsorships (scope read)", refused="401",
                             post="405"),
    "api:advocacy_records": Rule(BEARER_TOKEN, "API: advocacy records (details with "
                                 "read:details)", refused="401", post="405"),
    "api:career_events": Rule(BEARER_TOKEN, "API: career events (read; POST "
                              "write:career-events)", refused="401"),
    "api:career_events_post": Rule(BEARER_TOKEN, "API: post career events (audited)",
                                   refused="401"),
    "api:outcome": Rule(BEARER_TOKEN, "API: the outcome report (suppressed as the page)",
                        refused="401", post="405"),
    "api:dashboard": Rule(BEARER_TOKEN, "API: dashboard figures (scope read)", refused="401",
                          post="405"),
    "api_tokens": Rule(HR, "API tokens: create (shown once, with scopes) and list"),
    "api_token_revoke": Rule(HR, "revoke an API token (audited)", get="405",
                             args=_pk("api_token")),
    # The Django admin: staff with two-factor only; the rest are sent to its sign-in page.
    "admin:login": Rule(ADMIN, "the admin's sign-in (through allauth)"),
    "admin:logout": Rule(EVERYONE, "admin sign-out", get="any", post="any"),
    "admin:*": Rule(ADMIN, "every other admin page (read-only models refuse changes)",
                    refused="login", get="any", post="any"),
}

# Personas who see advocacy of their protégé: sharing is proven in the sponsorship tests.


def expectation_for(name: str) -> Rule | None:
    if name in EXPECTATIONS:
        return EXPECTATIONS[name]
    if name.startswith(("admin:", "admin/")):  # unnamed admin patterns are keyed by route
        return EXPECTATIONS["admin:*"]
    return None


def markdown_table() -> str:
    """docs/SECURITY.md's visibility table."""
    lines = ["| URL name | what it is | who gets it | everyone else signed in |",
             "|---|---|---|---|"]
    refusals = {"403": "403", "404": "404 (as if it did not exist)",
                "login": "sent to sign in", "401": "401 (no bearer token)"}
    for name, rule in EXPECTATIONS.items():
        who = AUDIENCE_NAMES.get(rule.who) or ", ".join(p for p in PERSONAS if p in rule.who)
        if rule.who == HR:
            who = AUDIENCE_NAMES[HR]
        lines.append(f"| `{name}` | {rule.what} | {who} | "
                     f"{'—' if rule.who >= SIGNED_IN else refusals[rule.refused]} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
