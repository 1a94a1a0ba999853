"""What a new password may not be (ASVS 6.2.4, 6.2.11): a common one, whatever its case;
the archive's own word with digits around; one holding the username. A passphrase passes."""

from __future__ import annotations

import pytest

from services.common.errors import ValidationFailed
from services.registry.accounts.rules import check_new_password, common_passwords


def _refusal(password: str, username: str = "chen.jing") -> str:
    with pytest.raises(ValidationFailed) as refused:
        check_new_password(password, username=username)
    assert refused.value.status == 422
    assert "choose a longer phrase" in refused.value.detail
    return refused.value.code


@pytest.mark.parametrize("password", [
    "password", "12345678", "qq123456", "1qaz2wsx", "iloveyou",
    # added to zxcvbn's list: common among Chinese users (CSDN and Tianya leaks)
    "woaini1314", "5201314520", "88888888", "dearbook"])
def test_a_common_password_is_refused(password: str) -> None:
    assert _refusal(password) == "password_too_common"


@pytest.mark.parametrize("password", ["PASSWORD", "Iloveyou", "WoAiNi1314", "QQ123456"])
def test_a_common_password_is_refused_whatever_its_case(password: str) -> None:
    assert _refusal(password) == "password_too_common"


@pytest.mark.parametrize("password", [
    "archive1", "Archive2024", "2024archives", "password!123", "Dangan888", "@archive#2024"])
def test_the_archives_own_word_with_digits_around_is_refused(password: str) -> None:
    assert _refusal(password) == "password_too_common"


@pytest.mark.parametrize("password", [
    "１２３４５６７８", "ＰＡＳＳＷＯＲＤ１", "12345678 ", " 12345678", "\u300088888888\u3000",
    "档案12345678", "密码12345678", "物业管理2024", "２０２４物业管理", "Ｄａｎｇａｎ８８８"])
def test_a_password_is_judged_as_typed_full_width_chinese_or_with_spaces_around(
        password: str) -> None:
    """A Chinese input method types full width; the spaces around a password are not seen."""
    assert _refusal(password) == "password_too_common"


@pytest.mark.parametrize("password", ["        ", "\t\t\t\t\t\t\t\t", "\u3000" * 8,
                                      "  abc de  "])
def test_a_password_of_spaces_or_short_without_them_is_too_short(password: str) -> None:
    assert _refusal(password) == "password_too_short"


@pytest.mark.parametrize(("username", "password"), [
    ("chen.jing", "ｃｈｅｎ．ｊｉｎｇ on the 5th floor"),
    ("chen.jing", "chen.jing"), ("chen.jing", "Chen.Jing2024"),
    ("wang", "my name is WANG, ok"), ("zhou", "zhou zhou zhou")])
def test_a_password_holding_the_username_is_refused(username: str, password: str) -> None:
    assert _refusal(password, username) == "password_contains_username"


@pytest.mark.parametrize("password", [
    "correct horse battery", "月光 下的 三只 猫", "archive of tea-stained ledgers",
    "lily planted 3 plums", "物业 楼下 的 三棵 梨树", "ｌｉｌｙ ｐｌａｎｔｅｄ ３ ｐｌｕｍｓ"])
def test_a_passphrase_passes(password: str) -> None:
    check_new_password(password, username="li")  # "li" is too short to be judged inside


def test_the_list_holds_zxcvbns_long_passwords_and_the_chinese_ones_added() -> None:
    listed = common_passwords()
    assert 11_600 < len(listed) < 11_700
    assert {"baseball", "woaini1314", "111222tianya"} <= listed
    assert all(len(password) >= 8 for password in listed)
