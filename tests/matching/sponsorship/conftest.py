"""Sam sponsors Alice. Sam wrote two advocacy records: one shared with Alice, one not.

Who may see what: Sam and Hana (HR) see both records; Alice sees only the shared one; Bob, Eve and
Max (Alice's manager) see neither.
"""

import datetime

import pytest
from django.utils import timezone

from matching.sponsorship.models import AdvocacyRecord
from tests import factories


@pytest.fixture
def sponsorship(sam, alice):
    return factories.SponsorshipFactory(sponsor=sam, protege=alice)


@pytest.fixture
def shared_record(sponsorship):
    return factories.AdvocacyRecordFactory(
        sponsorship=sponsorship, shared_with_protege=True,
        description="Nominated Alice for senior engineer.",
        occurred_on=timezone.localdate() - datetime.timedelta(days=10))


@pytest.fixture
def private_record(sponsorship):
    return factories.AdvocacyRecordFactory(
        sponsorship=sponsorship, shared_with_protege=False,
        kind=AdvocacyRecord.Kind.TALENT_REVIEW_ENDORSEMENT, visibility="closed_doors",
        description="Argued for Alice in the closed talent review.",
        occurred_on=timezone.localdate() - datetime.timedelta(days=5))
