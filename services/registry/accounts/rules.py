"""What a new password may not be (ASVS 5.0 6.2.4, 6.2.11), judged here alone: every
password set goes through ``check_new_password`` before it is hashed, whether an admin
makes an account (the API, the staff accounts page through it, ``archive user add`` on the
local database) or resets one, or a user changes their own. A password set before these
rules still signs in; only new ones are judged.

- Not one of the common passwords of ``common_passwords.txt`` (zxcvbn's list of leaked
  passwords of 8 or more characters, and passwords common among Chinese users; the file
  says where each comes from), whatever the case: ``password_too_common``.
- Not one of the archive's own words (``CONTEXT_WORDS``) with nothing but digits or marks
  around it (``Archive2024``, ``password!123``, ``dangan888``): ``password_too_common``.
- Not the username, nor containing it (a name of 3 or more characters), whatever the
  case: ``password_contains_username``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from services.common.errors import ValidationFailed

COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
CONTEXT_WORDS = ("archive", "archives", "password", "dangan")
"""The product's words (ASVS 6.1.2): its name, what one types in the field, and 档案 in
pinyin; a password of one of them with only digits or marks around is guessed first."""
SHORTEST_NAME_JUDGED = 3
"""A shorter username (``li``) is inside too many good passphrases to refuse them."""

_CONTEXT_WORD_ALONE = re.compile(
    rf"[\d\W_]*(?:{'|'.join(map(re.escape, CONTEXT_WORDS))})[\d\W_]*")
_WHAT_TO_DO = "choose a longer phrase of a few words that belong together only for you"


@functools.cache
def common_passwords() -> frozenset[str]:
    """The list, case folded; read once per process, at the first password set."""
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.casefold() for line in lines if line and not line.startswith("#"))


def check_new_password(password: str, *, username: str) -> None:
    """Refuse (422) a new password for ``username`` that is among the first ones guessed."""
    folded = password.casefold()
    if folded in common_passwords() or _CONTEXT_WORD_ALONE.fullmatch(folded):
        raise ValidationFailed(f"this password is one of the first ones guessed (a common "
                               f"password, or the archive's own word with digits); "
                               f"{_WHAT_TO_DO}", code="password_too_common")
    if len(username) >= SHORTEST_NAME_JUDGED and username.casefold() in folded:
        raise ValidationFailed(f"this password contains the username, which is guessed "
                               f"first; {_WHAT_TO_DO}, without the name",
                               code="password_contains_username")
