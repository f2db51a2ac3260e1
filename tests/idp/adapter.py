"""The stand-in provider says how the person signed in, as Entra ID and Okta do: IDP_AMR
(comma-separated RFC 8176 values, e.g. "pwd,mfa") becomes the ID token's `amr` claim."""

import os

from allauth.idp.oidc.adapter import DefaultOIDCAdapter


class LoopbackOIDCAdapter(DefaultOIDCAdapter):
    def populate_id_token(self, id_token, client, scopes, **kwargs):
        amr = [value for value in os.environ.get("IDP_AMR", "").split(",") if value]
        if amr:
            id_token["amr"] = amr
