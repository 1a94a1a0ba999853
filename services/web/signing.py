"""The signature forms: a witness signing a destruction register (R6) and either side
signing a handover (O1), each with their own password re-entered and the digest of the
items the page showed them."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from litestar.response import Redirect

from services.common.contracts.fields import MAX_SIGNING_PASSWORD
from services.web.failures import answered, refused_at
from services.web.forms import PageForm


class SignatureForm(PageForm):
    password: str = ""
    digest: str = ""


async def signed(data: SignatureForm, url: str,
                 sign: Callable[[str, str | None], Awaitable[object]]) -> Redirect:
    """``sign(password, digest)`` answered at ``url``: ``done=signed``, or the refusal at
    the form (``refused_at`` "sign"); no password is refused before asking. A digest that is not one
    is passed as None."""
    if not data.password:
        return refused_at(url, "sign", "password_required")
    digest = data.digest if re.fullmatch(r"[0-9a-f]{64}", data.digest) else None
    return await answered(sign(data.password[:MAX_SIGNING_PASSWORD], digest), url, done="signed",
                          refused_form="sign")
