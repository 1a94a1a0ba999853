"""The staff pages as a person's browser reaches them over HTTP, without a browser; and
one request as the pages receive it, for the functions that read one."""

from __future__ import annotations

import re
from typing import Any

import httpx
from litestar import Request

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


def page_request(method: str, address: str, **headers: str) -> Request[Any, Any, Any]:
    """The request a browser makes for ``address`` (path and query) on the pages at
    ``http://archive.example``, with ``headers`` (``hx_current_url`` is HX-Current-URL)."""
    path, _, query = address.partition("?")
    sent = {"host": "archive.example", **{name.replace("_", "-"): value
                                          for name, value in headers.items()}}
    return Request({"type": "http", "method": method, "scheme": "http", "root_path": "",
                    "state": {},
                    "server": ("archive.example", 80), "path": path,
                    "raw_path": path.encode(), "query_string": query.encode(),
                    "headers": [(name.lower().encode(), value.encode())
                                for name, value in sent.items()]})
