"""Set up the stand-in identity provider: its tables, one employee and the program as a client.

    IDP_DATABASE=... python -m tests.idp.provision <redirect uri> <client id> <secret> \
        <email> <password> <verified: 1|0>
"""

import os
import sys

import django


def main(redirect_uri, client_id, secret, email, password, verified):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.idp.settings")
    django.setup()
    from allauth.account.models import EmailAddress
    from allauth.idp.oidc.models import Client
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    user = get_user_model().objects.create_user(username=email.split("@")[0], email=email,
                                                password=password)
    EmailAddress.objects.create(user=user, email=email, primary=True,
                                verified=verified == "1")
    client = Client(id=client_id, name="Mentorship program", skip_consent=True,
                    type=Client.Type.CONFIDENTIAL)
    client.set_secret(secret)
    client.set_redirect_uris([redirect_uri])
    client.set_scopes(["openid", "profile", "email"])
    client.set_default_scopes(["openid", "profile", "email"])
    client.set_grant_types([Client.GrantType.AUTHORIZATION_CODE])
    client.set_response_types([Client.ResponseType.CODE])
    client.save()


if __name__ == "__main__":
    main(*sys.argv[1:])
