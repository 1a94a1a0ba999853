"""A category (D5), a security level (D9), a department, a building, a unit code (D1) or a
day as a person types it. A category or a level: its code (``repair``, ``confidential``),
its Chinese name (维修/报修记录, 机密), or, for a category, a name its catalogue name offers
(购房合同 for 购/租房合同, 二装审批 for 装修工程文件(二装审批)) or the start or the end of one
that no other has (维修, 投诉, 合同; not 记录 nor 资料, which several share); Traditional,
full-width and capitals alike. A department: its code, or a usual one's name (客服部). A
building: a, Ａ, A栋, building a are A; B1座 is B1. A paper location's parts (D7): its
building so, its cabinet and box without their word (cabinet 3, 3柜, 第3柜 are 3; box 03,
3盒 are 3), its room as typed. A unit code: any case and width, with any dash or a
space for its hyphen, or none after a building of letters, and the words of a building
and a flat written around it, in Simplified or Traditional (a0301, Ａ－0301, A 0301,
A栋0301, A棟0301, A座0301室 are A-0301), and characters that show nothing (a zero-width
space pasted with it) left out.
A day: year first as people write it (2024-05-18, 2024/5/18 as Excel writes it
in a Chinese locale, 2024.5.18, 2024年5月18日). A language: the OCR model or its name
(繁體 is chi_tra). One reading for the manifest, the command line's options and the
pages."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence

from services.common.models import (
    BUILDING_RE,
    CATEGORY_CATALOGUE_NAMES,
    DEPARTMENT_NAMES,
    DEPARTMENT_RE,
    HOUSEHOLD_RE,
    INVISIBLE_CHARACTERS,
    MAX_PERSON_NAME,
    PERSON_NAME_RE,
    SECURITY_LEVEL_NAMES,
    VISIBLE_RE,
    Category,
    SecurityLevel,
)
from services.common.text import fold, folded_tokens, parts_apart
from services.common.text_keys import (
    amount_key,
    chinese_number,
    date_key,
    day_key,
    digits_of,
    typed_key,
)


def category_spellings(catalogue_name: str) -> tuple[str, ...]:
    """The names a category goes by, from its catalogue name (D5), folded: the name with
    and without its brackets, each alternative a ``/`` offers written out (购/租房合同 is
    购房合同 and 租房合同: the part before the slash stands for as many characters of the
    one after it), and what the brackets hold, whole and item by item (二装审批; 证件)."""
    name, _, held = fold(catalogue_name).partition("(")
    *options, last = name.split("/")
    held = held.removesuffix(")")
    items = held.split("、") if held else []
    return tuple(dict.fromkeys((
        fold(catalogue_name), name, *(option + last[len(option):] for option in options),
        last, *([held] if held else []), *items)))


def category_named(text: str) -> Category:
    """The category ``text`` names: its code, a name it goes by (``category_spellings``),
    or the start or end of one of those that no other category's has (维修, 合同, 购房);
    ``ValueError`` otherwise, listing the categories it could be (记录) or all of them, by
    their catalogue names."""
    typed = fold(text.strip())
    spellings = {code: category_spellings(name)
                 for code, name in CATEGORY_CATALOGUE_NAMES.items()}
    named = [code for code, names in spellings.items() if typed == code or typed in names] \
        or [code for code, names in spellings.items() if len(typed) >= 2 and any(
            name.startswith(typed) or name.endswith(typed) for name in names)]
    if len(named) > 1:
        raise ValueError(f"category {text!r} could be any of "
                         f"{'、'.join(CATEGORY_CATALOGUE_NAMES[code] for code in named)}; "
                         f"write one's code ({', '.join(named)}) or more of its name")
    if not named:
        raise ValueError(f"category {text!r} is none of the categories; write its code or "
                         f"its name ({'、'.join(CATEGORY_CATALOGUE_NAMES.values())}), e.g. "
                         "repair or 维修")
    return named[0]


def security_level_named(text: str) -> SecurityLevel:
    typed = fold(text.strip())
    for level, name in SECURITY_LEVEL_NAMES.items():
        if typed in (level, fold(name)):
            return level
    raise ValueError(f"security {text!r} is none of ordinary (普通), confidential (机密), "
                     "secret (绝密)")


_DASHES = r"-\u2010-\u2015\u2212\u30fc"
_UNIT_HYPHEN = re.compile(rf"\s*[{_DASHES}]\s*|\s+")
"""Any dash (hyphen, en and em dash, minus, the long vowel mark an IME gives for ー) or
blanks between building and number."""
_UNHYPHENATED_UNIT = re.compile(r"([A-Z]+)([0-9]{3,4})")
"""Without a hyphen: a building of letters and a floor and unit of up to four digits
(A0301, A301). Five are ambiguous: B10101 is B1-0101 (a basement) or B-10101."""
_AMBIGUOUS_UNIT = re.compile(r"([A-Z]+)([0-9]{5})")
_BUILDING_WORDS = "栋|座|幢|号楼"
"""What follows a building's letter or number when staff write it in Chinese (A栋, B座, 3号楼),
besides 楼, which follows a floor as often (12楼)."""
BUILDING_WORD = re.compile(rf"(?:{_BUILDING_WORDS}|楼)$")
"""What follows a building's letter when staff write it in Chinese (A栋, B座)."""


def says_it_is_a_building(building: str) -> bool:
    """Whether a building as stored already ends in a building's word (档案楼, 3号楼): it
    is said as it is; any other (A, 3) is said with 栋 (A栋), on paper and on the pages."""
    return BUILDING_WORD.search(building) is not None
_BUILDING_PREFIX = re.compile(r"^(?:building|bldg\.?)\s*")
"""What comes before it in English (building A), folded."""
_CABINET_WORDS = re.compile(r"^(?:cabinet|cab\.?|第)\s*|\s*(?:号柜|柜|号)$", re.IGNORECASE)
_BOX_WORDS = re.compile(r"^(?:box|第)\s*|\s*(?:号盒|盒|号)$", re.IGNORECASE)


def building_named(text: str) -> str:
    """The building ``text`` names as unit codes spell it: any case and width, A栋 or B座
    too (``A``), a numbered one in Chinese numerals with its word (五栋, 十二号楼 are 5,
    12); ``ValueError`` saying how to write one otherwise."""
    bare = _BUILDING_PREFIX.sub("", fold(text).strip())
    building = BUILDING_WORD.sub("", bare).strip().upper()
    if building != bare.strip().upper() and (number := chinese_number(building)):
        building = str(number)
    if not BUILDING_RE.match(building):
        raise ValueError(f"{text!r} is not a building like A or B1 (as in A-1201, B1-0101)")
    return building


_FLOOR = re.compile(r"(.+?)\s*(?:/\s*|(?<=[栋座幢])|\s+)(\d{1,3})\s*(?:层|楼)?")
"""A building and a floor: A/12, A栋/12, A栋12层, 5栋8层, A 12."""


def floor_named(text: str) -> tuple[str, int]:
    """The building (``building_named``) and floor ``text`` names: A/12, A栋12层, 5栋8层;
    ``ValueError`` saying how to write one otherwise."""
    found = _FLOOR.fullmatch(_code_typed(text))
    if found is None:
        raise ValueError(f"{text!r} is not a building and a floor; write them as A/12, "
                         "A栋12层 or 5栋8层")
    return building_named(found[1]), int(found[2])


_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")


def written(text: str) -> str:
    """A text a person must write (a reason, a note, a title) as typed, without the blanks
    around it; "" when nothing in it shows (only spaces, full-width spaces 　 or zero-width
    characters): the pages refuse that as an empty field, by the rule the services refuse
    it by (``VISIBLE_PATTERN``), so a loan is never turned down for nothing."""
    return text.strip() if VISIBLE_RE.search(text) else ""


_LIST_SEPARATORS = re.compile(r"[\s,，、]+")


def typed_items(text: str) -> list[str]:
    """The items of a list typed in one field (archive numbers, unit codes), apart by
    blanks or commas (, ， 、), each without what cannot be seen in it (a zero-width space
    pasted with it): refused so, an item looked right in the message naming it."""
    return [item for item in _LIST_SEPARATORS.split(_INVISIBLE.sub("", text)) if item]


def _folded_visible(text: str) -> str:
    """``text`` folded (Traditional as Simplified, full width as half, lower case) with
    nothing invisible inside and no blanks around: a code or a name as typed, made ready
    to read. Refused with what cannot be seen in it, it looked right in the message
    quoting it."""
    return fold(_INVISIBLE.sub("", text)).strip()


def tidied_username(text: str) -> str:
    """A username as typed to sign in or to name a new account: full width as half (an
    input method left in full width types ｗａｎｇ), lower case (Caps Lock: WANG), nothing
    invisible inside, no blanks around. A username is lower-case ASCII letters, digits and
    ``. _ -``, so none is another's so read; one that is none stays none."""
    return _folded_visible(text)


def _code_typed(text: str) -> str:
    """A unit code, building or floor as typed (A棟, 3號樓 too), ready to read, upper case."""
    return _folded_visible(text).upper()


def household_named(text: str) -> str:
    """The unit code ``text`` names (module docstring); ``ValueError`` saying how to write
    one otherwise."""
    typed = _in_words(_code_typed(text))
    code = _UNIT_HYPHEN.sub("-", typed, count=1)
    if unhyphenated := _UNHYPHENATED_UNIT.fullmatch(code):
        code = f"{unhyphenated[1]}-{unhyphenated[2]}"
    if ambiguous := _AMBIGUOUS_UNIT.fullmatch(code):
        letters, digits = ambiguous.groups()
        raise ValueError(f"{text!r} could be {letters}{digits[0]}-{digits[1:]} or "
                         f"{letters}-{digits}; write it with its hyphen")
    if not HOUSEHOLD_RE.match(code):
        raise ValueError(f"{text!r} is not a unit code like A-1201 or 3-0501 (building, "
                         "hyphen, floor and unit)")
    return code


_UNIT_CODE_KEY = re.compile(r"[A-Z0-9]+")
_BUILDING_WORD_BETWEEN = re.compile(
    rf"(?<=[A-Z0-9])(?:{_BUILDING_WORDS}|楼)\s*[{_DASHES}]?\s*(?=[0-9])")
"""A building's word between the building and the flat: where the hyphen goes."""
_ROOM_WORD_END = re.compile(r"(?<=[0-9])(?:室|号房|房|号)$")
"""A flat's word after its number (A-1201室, E0101号)."""


def _in_words(typed: str) -> str:
    """A unit code typed (NFKC, upper case) with the words staff write around it in
    Chinese as its hyphen, or left out: A栋1201室 is A-1201, B1座0101 is B1-0101 (the word
    parts the building from the floor, as the hyphen does)."""
    return _ROOM_WORD_END.sub("", _BUILDING_WORD_BETWEEN.sub("-", typed, count=1))


_BUILDING_ALONE = re.compile(rf"([A-Z0-9]{{1,4}})\s*(?:{_BUILDING_WORDS})")


def building_alone(text: str) -> str | None:
    """The building ``text`` names by its word and nothing more (12栋, A座, B1幢), whose
    households a households search lists; None for anything else."""
    found = _BUILDING_ALONE.fullmatch(_code_typed(text))
    return found[1] if found else None


def unit_code_key(text: str) -> str | None:
    """The letters and digits of a unit code or part of one as typed, without its hyphen
    (a-1201, Ａ－1201, A 1201, A栋1201, A-1201室 and a1201 are A1201; 1201 is 1201), to find the
    codes that hold them written so (``A-1201`` is ``A1201``); None when ``text`` is not
    made of them."""
    typed = _UNIT_HYPHEN.sub("", _in_words(_code_typed(text)))
    return typed if _UNIT_CODE_KEY.fullmatch(typed) else None


_PLACE_RUN_ON = re.compile(
    rf"([a-z0-9]{{1,4}}(?:{_BUILDING_WORDS}|楼|单元|室))([\u4e00-\u9fff]{{2,}})")
"""A building, floor or flat typed together with the words after it (e栋停水, 3楼大堂),
which a page writes apart (E栋 停水通知): typed on, 栋 and 停 make a bigram the page has not."""


_CHINESE_BUILDING = re.compile(rf"^([一二三四五六七八九十]{{1,3}})(?=\s*(?:{_BUILDING_WORDS}))")
"""A building numbered in Chinese before its word (三栋, 十二号楼), as people say it."""


def unit_in_words(folded: str) -> str | None:
    """The unit code (folded) of a search word naming a flat with the words people write
    around it, without its entrance: ``3栋1104``, ``3号楼1104室``, ``三栋1104``, ``b座1204``,
    ``b1204室`` are ``3-1104`` and ``b-1204``, as ``a0301`` is ``a-0301``; a room of three
    digits in words is its floor's and unit's four (``3栋501`` is ``3-0501``, D1). None for
    anything else."""
    if building := _CHINESE_BUILDING.match(folded):
        number = chinese_number(building[1])
        if number is None:
            return None
        folded = f"{number}{folded[building.end():]}"
    typed = unicodedata.normalize("NFKC", folded).strip().upper()
    in_words = bool(_BUILDING_WORD_BETWEEN.search(typed) or _ROOM_WORD_END.search(typed))
    if not (in_words or _UNHYPHENATED_UNIT.fullmatch(typed)):
        return None
    try:
        code = household_named(typed)
    except ValueError:
        return None
    building_part, _, room = code.partition("-")
    # An address says room 501 for floor 5's flat 01, whose unit code is 3-0501 (D1);
    # a code typed without its hyphen (a301) is taken as typed.
    return fold(f"{building_part}-{room.zfill(4)}" if in_words else code)


_ROOM_ALONE = re.compile(r"([0-9]{3,4}) ?(?:室|号房|房)")
"""A flat by its room alone, as an address ends (1104室, 402室)."""


def room_alone(folded: str) -> str | None:
    """The floor and unit digits of a search word that is a room alone (``1104室``), as
    unit codes write them (``402室`` is ``0402``, D1): a room is found in the codes
    (3-1104, B-0402) as its digits alone are; None for anything else."""
    room = _ROOM_ALONE.fullmatch(folded.strip())
    return room[1].zfill(4) if room else None


_TAIL_ASKED = re.compile(r"(?:尾号|尾数|后四位|后4位)(?:是|为)? ?:? ?([0-9]{3}[0-9x])", re.ASCII)
"""A number asked for by its last four digits with the words a clerk says it in (尾号5678,
后四位:123x; folded)."""


def spelled_otherwise(folded: str) -> str | None:
    """Another way a (folded) search word is written, which finds it too: a day as its
    ISO digits (``2023/12/8``, ``2023年12月8日`` and ``二〇二三年十二月八日`` are ``20231208``),
    a month as its key (``date_key``: ``2019-05``, ``2019年5月``, ``二〇一九年五月`` are
    ``2019m05``), a number written in
    groups (``138-1234-5678``) as its digits, an amount as its whole yuan (``amount_key``:
    ``¥3,500.00`` and ``3500元`` are ``3500``), a unit code typed without its hyphen or
    with the words of an address (``unit_in_words``: ``a0301`` is ``a-0301``, ``3栋1104室``
    ``3-1104``), a room alone as its digits (``room_alone``: ``1104室`` is ``1104``), a
    number's last four digits asked for in words as those digits (``尾号5678`` is ``5678``), a
    licence plate or a flat in words as its key
    (``typed_key``: ``粤b·7k2q9`` is ``粤b7k2q9``, ``5栋1单元903`` is ``5-1-903``), a place
    typed on into the words after it apart from them (``e栋停水`` is ``e栋 停水``), a word
    whose letters a full stop or an underscore joins as its parts apart (``parts_apart``:
    ``mr.wong`` is ``mr wong``, which finds Mr. Wong); None for most words."""
    if key := date_key(folded) or typed_key(folded) or amount_key(folded):
        return key
    if digits := digits_of(tuple(folded_tokens(folded))):
        return digits
    if unit := unit_in_words(folded):
        return unit if unit != folded else None
    if room := room_alone(folded):
        return room
    if tail := _TAIL_ASKED.fullmatch(folded.strip()):
        return tail[1]
    if run_on := _PLACE_RUN_ON.fullmatch(folded):
        return " ".join(run_on.groups())
    return parts_apart(folded)


def department_named(text: str, *, shown: Mapping[str, str] | None = None) -> str:
    """A department's code, or the code of a usual department typed by its Chinese name
    (客服部 is customer_service) or, in any case, by the name ``shown`` (code: name) on the
    reader's page (Customer service); ``ValueError`` saying how to write one otherwise."""
    typed = _folded_visible(text)
    for names in (DEPARTMENT_NAMES, shown or {}):
        for code, name in names.items():
            if typed == fold(name):
                return code
    if not DEPARTMENT_RE.match(typed):
        usual = ", ".join(f"{code} ({name})" for code, name in DEPARTMENT_NAMES.items())
        raise ValueError(f"{text!r} is not a department: write its code (lower-case letters, "
                         f"digits and _) or a usual one's name; the usual ones: {usual}")
    return typed


PASTED_NUMBER = re.compile(r"1[3-9][0-9]{9}|0[0-9]{9,11}|[0-9]{17}[0-9x]", re.ASCII)
"""A number people paste in groups: a mainland mobile number (11 digits), a landline number
with its area code (10-12), a resident ID number (17 digits and a check digit or x; folded)."""


_AREA_CODE = re.compile(r"^\(([0-9]+)\)", re.ASCII)
"""A landline's area code in brackets at the start of its first group: (0755) 8888 1234."""


def numbers_rejoined(words: Sequence[str]) -> list[str]:
    """``words`` (folded) with each run of two to five words that together make a phone or
    ID number (``138 1234 5678``, ``(0755) 8888 1234``, ``440301 19800101 123x``) as one
    word, its groups apart: a number pasted with its spaces is one thing looked for, not
    several words found anywhere."""
    rejoined: list[str] = []
    at = 0
    while at < len(words):
        for size in (5, 4, 3, 2):
            run = words[at : at + size]
            digits = _AREA_CODE.sub(r"\1", "".join(run))
            if len(run) == size and PASTED_NUMBER.fullmatch(digits):
                rejoined.append(" ".join(run))
                at += size
                break
        else:
            rejoined.append(words[at])
            at += 1
    return rejoined


def _named_or_as_typed(read: Callable[[str], str], text: str) -> str:
    try:
        return read(text)
    except ValueError:
        return text.strip()


def tidied_department(text: str, *, shown: Mapping[str, str] | None = None) -> str:
    """``department_named(text, shown=shown)``, or ``text`` trimmed when it names none, for
    the form or the service to refuse in its words."""
    return _named_or_as_typed(functools.partial(department_named, shown=shown), text)


def tidied_full_name(typed: str) -> str:
    """A person's full name as typed, its runs of spaces (and tabs, line breaks) made one
    space, none at either end, nothing invisible in it (a zero-width space pasted with it):
    what the accounts page and ``archive user`` keep; "" when nothing of it shows."""
    return " ".join(_INVISIBLE.sub("", typed).split())


def full_name_named(typed: str) -> str:
    """``tidied_full_name(typed)``; ``ValueError`` saying how to write one when it is not a
    full name an account can keep (``PersonName``)."""
    name = tidied_full_name(typed)
    if not PERSON_NAME_RE.match(name):
        raise ValueError(f"{typed!r} is not a full name: 1 to {MAX_PERSON_NAME} characters, "
                         "no control characters (e.g. 张三, or Li Ming)")
    return name


def tidied_building(text: str) -> str:
    """``building_named(text)``, or ``text`` trimmed when it names none: how a paper
    location's building (A栋, a, 档案楼) compares with the building asked for."""
    return _named_or_as_typed(building_named, text)


def tidied_location(building: str, room: str, cabinet: str, box: str
                    ) -> tuple[str, str, str, str]:
    """A paper location's parts (D7) as one box is known everywhere, however staff wrote
    them: the building as ``tidied_building`` reads it (A栋, a, Ａ are A), the cabinet and
    the box without their word, any width and case (cabinet 3, 3柜, 第3柜 are 3; box 03,
    3盒 are 3; 东墙柜 is 东墙), the room as typed; each trimmed. A part that is nothing but
    its word or blanks stays as typed."""
    return (tidied_building(building) or building, _trimmed(room),
            _numbered(cabinet, _CABINET_WORDS), _numbered(box, _BOX_WORDS))


def _numbered(text: str, words: re.Pattern[str]) -> str:
    bare = words.sub("", unicodedata.normalize("NFKC", text).strip()).strip().upper()
    if bare.isascii() and bare.isdigit():
        return str(int(bare))
    return bare or _trimmed(text)


def _trimmed(text: str) -> str:
    return text.strip() or text


def tidied_category(text: str) -> str:
    """``category_named(text)``, or ``text`` trimmed when it names no one category (unknown
    or shared, 记录), for the service or the page to refuse as ``unknown_category``."""
    return _named_or_as_typed(category_named, text) if text.strip() else ""


def tidied_household(text: str) -> str:
    """``household_named(text)``, or ``text`` trimmed when it names no unit code: the
    service refuses that as every ill-formed code (``invalid_household``), in its words."""
    return _named_or_as_typed(household_named, text)


def day_named(text: str) -> str:
    """The ISO day (2024-05-18) of a day written year first as people write it: 2024-05-18,
    2024/5/18 (as Excel saves it), 2024.5.18, 2024年5月18日; ``ValueError`` otherwise."""
    key = day_key(fold(text))
    if key is None:
        raise ValueError(f"{text!r} is not a day; write it year first, e.g. 2024-05-18, "
                         "2024/5/18 or 2024年5月18日")
    return f"{key[:4]}-{key[4:6]}-{key[6:]}"


LANGUAGE_NAMES: dict[str, str] = {
    "简体": "chi_sim", "简体中文": "chi_sim", "中文简体": "chi_sim", "简": "chi_sim",
    "中文": "chi_sim", "繁体": "chi_tra", "繁体中文": "chi_tra", "中文繁体": "chi_tra",
    "繁": "chi_tra", "英文": "eng", "英语": "eng", "english": "eng"}
"""A page's script as staff name it (folded: 繁體 is 繁体), and the OCR model that reads it."""


def language_named(text: str) -> str:
    """The OCR model (chi_sim, chi_tra, eng) for a language typed as its code or its name
    (简体, 繁體, 英文); ``ValueError`` otherwise."""
    typed = fold(text.strip())
    if typed in LANGUAGE_NAMES.values():
        return typed
    if typed in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[typed]
    raise ValueError(f"language {text!r} is none of 简体 (chi_sim), 繁体 (chi_tra), "
                     "英文 (eng)")
