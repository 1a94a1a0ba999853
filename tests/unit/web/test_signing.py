"""The signature forms (services.web.signing) and the download names built from a URL's
identifier (services.common.web.name_part)."""

from __future__ import annotations

import pytest

from services.common.errors import Unauthorized, ValidationFailed
from services.common.web import name_part
from services.web.signing import SignatureForm, signed

URL = "/ui/destructions/d1"
DIGEST = "ab" * 32


class Registry:
    """What a signature asks of the registry, recorded; ``refusal`` raised if set."""

    def __init__(self, refusal: Exception | None = None) -> None:
        self.asked: list[tuple[str, str | None]] = []
        self.refusal = refusal

    async def sign(self, password: str, digest: str | None) -> None:
        self.asked.append((password, digest))
        if self.refusal:
            raise self.refusal


async def test_a_signature_passes_the_password_and_the_digest_shown() -> None:
    registry = Registry()
    answer = await signed(SignatureForm(password="pw", digest=DIGEST), URL, registry.sign)
    assert (answer.url, registry.asked) == (f"{URL}?done=signed", [("pw", DIGEST)])


async def test_no_password_is_refused_before_asking() -> None:
    registry = Registry()
    answer = await signed(SignatureForm(digest=DIGEST), URL, registry.sign)
    assert (answer.url, registry.asked) == (f"{URL}?refused=password_required&at=sign", [])


async def test_a_digest_that_is_not_one_is_passed_as_none_and_a_long_password_cut() -> None:
    registry = Registry()
    await signed(SignatureForm(password="p" * 5000, digest="<script>"), URL, registry.sign)
    assert registry.asked == [("p" * 1024, None)]


async def test_a_refusal_is_shown_at_the_form() -> None:
    registry = Registry(ValidationFailed("wrong password", code="wrong_password"))
    answer = await signed(SignatureForm(password="pw"), URL, registry.sign)
    assert answer.url == f"{URL}?refused=wrong_password&at=sign"


async def test_an_ended_session_is_not_a_refusal() -> None:
    registry = Registry(Unauthorized("token expired", code="token_expired"))
    with pytest.raises(Unauthorized):  # the page goes to sign-in, not back to the form
        await signed(SignatureForm(password="pw"), URL, registry.sign)


def test_a_download_name_keeps_word_characters_and_hyphens_only() -> None:
    assert name_part('d-1/../"x"\r\n') == "d-1x"
    assert name_part("登记-" + "a" * 100) == "登记-" + "a" * 61
