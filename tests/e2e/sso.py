"""What the single sign-on browser tests share: a free loopback port, waiting for a stand-in
identity provider to answer, and signing in through "Company ... sign-in" on its own page."""

import socket
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, what: str) -> None:
    for _ in range(150):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{what} did not start")


def sso_sign_in(page, *, button: str, provider_page: str, email: str, password: str,
                submit: str, shots=None) -> None:
    """From our sign-in page through the provider's, up to submitting the provider's form."""
    page.goto("/accounts/login/")
    page.get_by_role("link", name=button).click()
    page.get_by_role("button", name="Continue").click()  # allauth's confirm step (a POST)
    page.wait_for_url(provider_page)  # the provider's own sign-in page
    if shots:
        shots(page, "identity-provider-sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name=submit).click()
