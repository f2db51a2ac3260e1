"""Tokens of the API for HR systems and BI (/api/v1/): separate from the SCIM tokens, with
scopes. Only a token's hash is stored; HR sees the token once, when it is created."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from program.scim.models import BearerToken

TOKEN_PREFIX = "gta_"  # "gt_" is a SCIM token: the prefix tells HR which page a token is from


class Scope(models.TextChoices):
    READ = "read", _("read: relationships, career events, advocacy records without their "
                      "details, the outcome report and dashboard figures")
    READ_DETAILS = "read:details", _("read:details: also what advocacy records say (what was "
                                     "put forward, where, the outcome note)")
    WRITE_CAREER_EVENTS = "write:career-events", _("write:career-events: post career events "
                                                   "(the HRIS feed)")


# What each scope lets through besides itself: the details extend the reads.
IMPLIED = {Scope.READ_DETAILS: {Scope.READ}}


class HrApiToken(BearerToken):
    """A bearer token HR creates for one system (an HRIS, a BI tool) reading the API."""

    scopes = models.JSONField(default=list)  # values of Scope

    class Meta(BearerToken.Meta):
        ordering = ["-created_at", "-id"]
        verbose_name = "HR API token"

    def allows(self, scope: str) -> bool:
        granted = set(self.scopes)
        for held in self.scopes:
            granted |= IMPLIED.get(held, set())
        return scope in granted

    @classmethod
    def issue(cls, *, name: str, scopes: list[str], created_by) -> tuple[HrApiToken, str]:
        ordered = [scope for scope in Scope.values if scope in scopes]
        return cls._issue(TOKEN_PREFIX, name=name, scopes=ordered, created_by=created_by)
