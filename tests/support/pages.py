"""The staff pages as a person's browser reaches them over HTTP, without a browser."""

from __future__ import annotations

import re

import httpx

from tests.fixtures.app import PASSWORD
from tests.support import loopback


def signed_in(url: str, username: str) -> httpx.Client:
    """A client signed in to the pages at ``url`` as ``username`` (its session cookie)."""
    browser = loopback.client(url, timeout=60)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', browser.get("/ui/login").text)
    assert csrf is not None
    signed = browser.post("/ui/login", data={"username": username, "password": PASSWORD,
                                             "_csrf_token": csrf.group(1)})
    assert signed.status_code == 303, signed.text
    return browser
