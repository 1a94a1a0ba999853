"""Concurrent password guessing past the limit (issue 14, item 6): guesses sent all at
once are throttled as if sent one by one, per account and per client address, and once
throttled even the right password is refused until the minute is over."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.fixtures.app import PASSWORD
from tests.security.conftest import Secured
from tests.support import loopback

GUESSES = 40


def _guess(secured: Secured, username: str, password: str) -> int:
    response = loopback.post(f"{secured.server.url}/registry/auth/token",
                          json={"username": username, "password": password}, timeout=60)
    return response.status_code


def _at_once(secured: Secured, attempts: list[tuple[str, str]]) -> list[int]:
    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(lambda attempt: _guess(secured, *attempt), attempts))


def test_concurrent_guesses_at_one_account_stop_at_the_limit(secured: Secured) -> None:
    secured.server.add_user("zhao", "director", clearance="secret", department="management")
    limit = secured.server.settings.login_attempts_per_minute
    answers = _at_once(secured, [("zhao", f"guess number {n}") for n in range(GUESSES)])
    assert answers.count(401) == limit
    assert answers.count(429) == GUESSES - limit
    assert _guess(secured, "zhao", PASSWORD) == 429


def test_concurrent_guesses_from_one_address_stop_at_its_limit(secured: Secured) -> None:
    secured.server.add_user("zhao", "director", clearance="secret", department="management")
    limit = secured.server.settings.login_attempts_per_address_per_minute
    names = [f"user{n}" for n in range(limit + 10)]  # one guess each: under every account's limit
    answers = _at_once(secured, [(name, "guess") for name in names])
    assert answers.count(401) == limit
    assert answers.count(429) == 10
    assert _guess(secured, "zhao", PASSWORD) == 429
