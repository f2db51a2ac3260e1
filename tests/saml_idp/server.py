"""A stand-in for the company's SAML 2.0 identity provider, for the browser tests only: pysaml2's
IdP (saml2.server.Server, signing with Debian's xmlsec1) in a second process on loopback. It
serves its metadata, shows a sign-in form for an AuthnRequest (HTTP-Redirect binding) and posts
a signed assertion back to the program's ACS URL (HTTP-POST binding), as Entra ID or Okta do.

    python -m tests.saml_idp.server <config.json>

config.json: {"base": "http://127.0.0.1:PORT", "port": PORT, "key": <PEM path>, "cert": <PEM
path>, "sp_metadata": <path of the program's SP metadata>, "users": {email: {"password": ...,
"attributes": {friendly name: [values]}}}, "authn_context": <AuthnContextClassRef>}
"""

import html
import json
import sys
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.sigver import get_xmlsec_binary
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

FORM = """<!doctype html><html><head><title>Loopback IdP</title></head><body>
<h1>Loopback SAML identity provider</h1>{error}
<form method="post" action="/sso/login">
<input type="hidden" name="SAMLRequest" value="{request}">
<input type="hidden" name="RelayState" value="{relay}">
<label>Email <input name="email" type="email"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in at the IdP</button></form></body></html>"""


def build_server(config: dict) -> Server:
    base = config["base"]
    idp_config = IdPConfig()
    idp_config.load({
        "entityid": f"{base}/metadata",
        "service": {"idp": {
            "name": "Loopback IdP",
            "endpoints": {"single_sign_on_service": [(f"{base}/sso/redirect",
                                                      BINDING_HTTP_REDIRECT)]},
            "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
            "policy": {"default": {"lifetime": {"minutes": 15}, "name_form": NAME_FORMAT_URI,
                                   "attribute_restrictions": None}},
            "want_authn_requests_signed": False,
        }},
        "key_file": config["key"],
        "cert_file": config["cert"],
        "metadata": {"local": [config["sp_metadata"]]},
        "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
    })
    return Server(config=idp_config)


def make_app(config: dict):
    idp = build_server(config)
    from saml2.metadata import create_metadata_string

    metadata = create_metadata_string(None, idp.config, valid=24, sign=False)

    def respond(start, body, status="200 OK", kind="text/html; charset=utf-8"):
        data = body if isinstance(body, bytes) else body.encode()
        start(status, [("Content-Type", kind), ("Content-Length", str(len(data)))])
        return [data]

    def form(start, request, relay, error=""):
        return respond(start, FORM.format(request=html.escape(request), relay=html.escape(relay),
                                          error=f"<p role='alert'>{error}</p>" if error else ""))

    def app(environ, start):
        path = environ["PATH_INFO"]
        if path == "/metadata":
            return respond(start, metadata, kind="application/samlmetadata+xml")
        if path == "/sso/redirect":
            query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
            idp.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)  # it parses
            return form(start, query["SAMLRequest"], query.get("RelayState", ""))
        if path == "/sso/login" and environ["REQUEST_METHOD"] == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            posted = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode(),
                                                   keep_blank_values=True).items()}
            user = config["users"].get(posted.get("email", "").lower())
            if not user or user["password"] != posted.get("password"):
                return form(start, posted["SAMLRequest"], posted["RelayState"],
                            "Wrong email or password.")
            request = idp.parse_authn_request(posted["SAMLRequest"], BINDING_HTTP_REDIRECT)
            response_args = idp.response_args(request.message, [BINDING_HTTP_POST])
            response_args.pop("binding", None)
            email = posted["email"].lower()
            response = idp.create_authn_response(
                user["attributes"], userid=email,
                name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
                authn={"class_ref": user["authn_context"], "authn_auth": config["base"]},
                # pysaml2 signs with RSA-SHA1 unless told; python3-saml rightly refuses that.
                sign_assertion=True, sign_response=True, sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256, **response_args)
            http_args = idp.apply_binding(BINDING_HTTP_POST, str(response),
                                          response_args["destination"], posted["RelayState"],
                                          response=True)
            return respond(start, http_args["data"])
        return respond(start, "not found", status="404 Not Found", kind="text/plain")

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main(path: str) -> None:
    with open(path) as file:
        config = json.load(file)
    with make_server("127.0.0.1", config["port"], make_app(config),
                     handler_class=_QuietHandler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
