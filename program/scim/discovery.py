"""What the SCIM endpoint publishes about itself (RFC 7643 sections 5-7): the service provider
configuration, the User and Group resource types, and the schemas of the attributes the program
maps. The schema texts come from scim2-models (the RFC's own definitions), trimmed to those
attributes."""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import reverse

from program.scim.groups import GROUP
from program.scim.users import CORE, ENTERPRISE, MAX_COUNT

CORE_ATTRIBUTES = ("userName", "name", "displayName", "title", "active", "emails", "groups")
ENTERPRISE_ATTRIBUTES = ("employeeNumber", "department", "manager")
GROUP_ATTRIBUTES = ("displayName", "members")


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(f"scim:{name}", args=args)


@functools.cache
def _schema_texts() -> dict[str, dict]:
    from scim2_models import EnterpriseUser, Group, User  # pydantic: loaded on first use only

    texts = {}
    for model, keep in ((User, CORE_ATTRIBUTES), (EnterpriseUser, ENTERPRISE_ATTRIBUTES),
                        (Group, GROUP_ATTRIBUTES)):
        schema = model.to_schema().model_dump(mode="json", exclude_none=True, by_alias=True)
        schema["attributes"] = [a for a in schema["attributes"] if a["name"] in keep]
        for attribute in schema["attributes"]:
            if model is Group and attribute["name"] == "members":  # people, not groups
                for sub in attribute["subAttributes"]:
                    if sub["name"] == "$ref":
                        sub["referenceTypes"] = ["User"]
                    if sub["name"] == "type":
                        sub["canonicalValues"] = ["User"]
            if attribute["name"] == "emails":  # every person has a work address
                attribute["required"] = True
                for sub in attribute.get("subAttributes", []):
                    if sub["name"] == "value":
                        sub["required"] = True
        texts[schema["id"]] = schema
    return texts


def schemas() -> list[dict]:
    return [{**text, "meta": {"resourceType": "Schema", "location": _url("schema", schema_id)}}
            for schema_id, text in _schema_texts().items()]


def resource_types() -> list[dict]:
    return [{
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User", "name": "User", "endpoint": "/Users",
        "description": "People in the program", "schema": CORE,
        "schemaExtensions": [{"schema": ENTERPRISE, "required": False}],
        "meta": {"resourceType": "ResourceType", "location": _url("resource_type", "User")},
    }, {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "Group", "name": "Group", "endpoint": "/Groups",
        "description": "The program's roles (HR admins) and the provider's other groups",
        "schema": GROUP,
        "meta": {"resourceType": "ResourceType", "location": _url("resource_type", "Group")},
    }]


def service_provider_config() -> dict:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": settings.SITE_URL + "/",
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_COUNT},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [{
            "type": "oauthbearertoken", "name": "Bearer token",
            "description": "A token HR creates on the program's SCIM tokens page.",
            "primary": True}],
        "meta": {"resourceType": "ServiceProviderConfig",
                 "location": _url("service_provider_config")},
    }
