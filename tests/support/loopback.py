"""HTTP to the archives and servers the tests start on loopback. Every client shares one
TLS context, as the services' own clients do (``services.common.clients``): httpx builds
one per client otherwise, loading the CA bundle each time (tens of milliseconds of CPU; a
few hundred seconds of the suite's went on it, for plain ``http://``)."""

from __future__ import annotations

from typing import Any

import httpx

TLS = httpx.create_ssl_context()


def client(base_url: str, **options: Any) -> httpx.Client:
    return httpx.Client(base_url=base_url, verify=TLS, **options)


def async_client(base_url: str, **options: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url, verify=TLS, **options)


def get(url: str, **options: Any) -> httpx.Response:
    return httpx.get(url, verify=TLS, **options)


def post(url: str, **options: Any) -> httpx.Response:
    return httpx.post(url, verify=TLS, **options)
