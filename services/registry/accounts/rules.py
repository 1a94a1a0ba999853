"""What a new password may not be (ASVS 5.0 6.2.4, 6.2.11), judged here alone: every
password set goes through ``check_new_password`` before it is hashed, whether an admin
makes an account (the API, the staff accounts page through it, ``archive user add`` on the
local database) or resets one, or a user changes their own. A password set before these
rules still signs in; only new ones are judged.

A password is judged as it will be typed (``as_typed``): Unicode NFKC-folded, so the
full-width ``１２３４５６７８`` a Chinese input method gives is ``12345678``, case-folded,
and without the spaces around it (``"12345678 "`` is ``12345678``).

- Not shorter than ``MIN_PASSWORD`` without the spaces around it (all spaces or tabs are
  none): ``password_too_short``.

- Not one of the common passwords of ``common_passwords.txt`` (zxcvbn's list of leaked
  passwords of 8 or more characters, and passwords common among Chinese users; the file
  says where each comes from), whatever the case: ``password_too_common``.
- Not the archive's own words (``CONTEXT_WORDS``, in English, pinyin or Chinese) with
  nothing but digits or marks around or between them (``Archive2024``, ``password!123``,
  ``dangan888``, ``档案12345678``, ``物业管理2024``): ``password_too_common``.
- Not the username, nor containing it (a name of 3 or more characters), whatever the
  case: ``password_contains_username``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from services.common.contracts.accounts import MIN_PASSWORD
from services.common.errors import ValidationFailed

COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
CONTEXT_WORDS = ("archive", "archives", "password", "dangan", "档案", "密码", "物业", "管理")
"""The product's words (ASVS 6.1.2): its name, what one types in the field, 档案 in pinyin,
and in Chinese the archive, the password, the property management company (物业管理); a
password of them with only digits or marks around is guessed first."""
SHORTEST_NAME_JUDGED = 3
"""A shorter username (``li``) is inside too many good passphrases to refuse them."""

_CONTEXT_WORDS_ALONE = re.compile(
    rf"[\d\W_]*(?:(?:{'|'.join(map(re.escape, CONTEXT_WORDS))})[\d\W_]*)+")
_WHAT_TO_DO = "choose a longer phrase of a few words that belong together only for you"


@functools.cache
def common_passwords() -> frozenset[str]:
    """The list, case folded; read once per process, at the first password set."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.casefold() for line in lines if line and not line.startswith("#"))


def as_typed(password: str) -> str:
    """``password`` NFKC-folded (NIST 800-63B 5.1.1.2): the same characters typed with a
    full-width or a half-width input method are one password. Accounts hash and check
    passwords in this form."""
    return unicodedata.normalize("NFKC", password)


def check_new_password(password: str, *, username: str) -> None:
    """Refuse (422) a new password for ``username`` that is among the first ones guessed."""
    folded = as_typed(password).strip().casefold()
    if len(folded) < MIN_PASSWORD:
        raise ValidationFailed(f"this password has fewer than {MIN_PASSWORD} characters "
                               f"without the spaces around it; {_WHAT_TO_DO}",
                               code="password_too_short")
    if folded in common_passwords() or _CONTEXT_WORDS_ALONE.fullmatch(folded):
        raise ValidationFailed(f"this password is one of the first ones guessed (a common "
                               f"password, or the archive's own word with digits); "
                               f"{_WHAT_TO_DO}", code="password_too_common")
    name = as_typed(username).casefold()
    if len(name) >= SHORTEST_NAME_JUDGED and name in folded:
        raise ValidationFailed(f"this password contains the username, which is guessed "
                               f"first; {_WHAT_TO_DO}, without the name",
                               code="password_contains_username")
