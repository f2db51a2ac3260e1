"""Provisioning from the company's identity provider: API tokens and each person's SCIM record."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

TOKEN_PREFIX = "gt_"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token HR creates for a system (the identity provider's SCIM client). Only its
    hash is stored: the token is shown once, at creation."""

    class Scope(models.TextChoices):
        SCIM = "scim", "SCIM provisioning (create, change and deactivate people)"

    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.SCIM)
    prefix = models.CharField(max_length=12)  # the first characters, to recognise it in lists
    hashed = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, name: str, scope: str, created_by) -> tuple[ApiToken, str]:
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(name=name, scope=scope, prefix=raw[:10],
                                   hashed=token_hash(raw), created_by=created_by)
        return token, raw


class ScimIdentity(models.Model):
    """What the identity provider knows a Person by: its userName and externalId, the last
    document it sent (attributes the app does not use are kept so they read back unchanged), and
    whether it deprovisioned them. A deleted identity is gone for SCIM (404); the Person stays,
    terminated, so the program's history and reports keep them."""

    person = models.OneToOneField("accounts.Person", on_delete=models.CASCADE,
                                  related_name="scim")
    user_name = models.CharField(max_length=254, unique=True)
    external_id = models.CharField(max_length=254, blank=True, db_index=True)
    document = models.JSONField(default=dict, blank=True)
    deactivated_on = models.DateField(null=True, blank=True)  # set by SCIM, cleared by SCIM
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.user_name


class ScimGroup(models.Model):
    """A group the identity provider pushes (RFC 7643 section 4.2).

    A group with a `role` IS that role of the program: its members are read from and written to
    the role itself (the HR admin flag, through the same service as HR's console), so nothing is
    stored twice. Those groups have fixed ids (ROLE_GROUPS) and exist from the first request.
    A group without a role is one the provider pushed that means nothing to the program: it is
    kept with its members (rows below) so the provider reads back what it sent, and it changes
    nobody's access."""

    class Role(models.TextChoices):
        HR_ADMIN = "hr_admin", "HR admins"

    id = models.CharField(primary_key=True, max_length=64)
    role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    display_name = models.CharField(max_length=256)
    external_id = models.CharField(max_length=254, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(Lower("display_name"), name="scim_group_name_unique",
                                    violation_error_message="Another group has this name."),
            models.UniqueConstraint(fields=["role"], condition=~models.Q(role=""),
                                    name="scim_group_one_per_role"),
        ]

    def __str__(self) -> str:
        return self.display_name


# The program's roles as groups: the fixed id and the name a group starts with. The provider
# may rename one (Okta renames a group it links to); the id and the role stay.
ROLE_GROUPS = {ScimGroup.Role.HR_ADMIN: ("hr-admins", "HR admins")}


class ScimGroupMember(models.Model):
    """A member of a group with no role (a role group's members are the role's holders)."""

    group = models.ForeignKey(ScimGroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("accounts.Person", on_delete=models.CASCADE,
                               related_name="scim_memberships")
    display = models.CharField(max_length=256, blank=True)  # as the provider sent it

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "person"],
                                               name="scim_group_member_once")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.group_id}"
