"""Words that name the same thing (同义词): a clerk's 漏水 finds the letter that says 渗水.

Residents, staff and the company's offices in Hong Kong and on the mainland write one thing
in different words: a leak is 漏水, 渗水 or 渗漏; a lift 电梯 or 升降機; a deposit 押金, 按金
or 保证金. A search word finds the documents that write it with another word of a group
wherever a word of that group stands in it (``厨房漏水`` also finds 厨房渗水), in the full
matches (``services.search.query``) and in a description's pieces
(``services.search.partial``). A synonym found scores little (``SYNONYM_SCORE``), so the
documents that write the word as typed come first; a quoted phrase is exact and gets none.

A short word stands inside longer words that mean something else: 管理费 in 停车管理费 (a
parking fee, not the property fee) or 管理费用 (an office's expenses), 合同 in 联合同意,
天花 in 天花乱坠. A group lists those words after a ``-`` (``-停车管理费``): a letter that
writes one of them is not found by the group's word it holds as a synonym (it is still found
by that word typed, and by any other word of the query). A letter writing both 停车管理费
and a plain 管理费 is missed by 物业费 then: a letter missed is less harm than a wrong one
among the first, and the index, made of character pairs, cannot tell the two 管理费 apart.

The groups are the company's to change: ``ARCHIVE_SYNONYMS_FILE`` names a UTF-8 file of
one group a line, its words apart by spaces or commas (``#`` begins a comment); the groups
below are the default. Synonyms are read at query time only, so a changed file takes
effect when the search service restarts, with no reindex.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import combinations, islice, product
from pathlib import Path

from services.common.errors import ConfigError
from services.common.text import fold, folded_tokens

DEFAULT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("漏水", "渗水", "渗漏"),
    ("维修", "修理", "-装修理"),
    ("装修", "装潢"),
    ("物业管理费", "物业费", "管理费", "-停车管理费", "-车位管理费", "-停车场管理费", "-车场管理费",
     "-管理费用"),
    ("业主", "房主", "屋主", "产权人"),
    ("租户", "租客", "承租人"),
    ("空调", "冷气"),
    ("电梯", "升降机"),
    ("押金", "按金", "保证金"),
    ("钥匙", "锁匙"),
    ("卫生间", "洗手间", "厕所"),
    ("合同", "合约", "-联合同", "-结合同", "-综合同", "-配合同", "-符合同", "-融合同"),
    ("噪音", "噪声"),
    ("燃气", "煤气"),
    ("停车位", "车位", "泊车位"),
    ("门禁卡", "门卡", "出入卡"),
    ("停电", "断电"),
    ("停水", "断水"),
    ("保安", "安保", "护卫", "-平安保", "-公安保", "-治安保"),
    ("天花板", "天花", "吊顶", "-天花乱坠", "-出天花", "-天花病"),
)
"""The groups a property-management office needs most: repairs, fees, people, the Hong
Kong words beside the mainland's (冷气, 升降机, 按金, 锁匙, 合约, 泊车位, 护卫); after a ``-``,
the longer words in which one of them means something else (module docstring)."""

SYNONYM_SCORE = 0.01
"""What a synonym found scores, in both backends: a constant below any word's own BM25,
so the documents that write the word as typed come first, however rare the synonym (its
BM25 would put a rare synonym's letters first), and those found by a synonym alone are
ranked among themselves as ties are, newest first."""
MAX_SPELLINGS = 8
"""How many other spellings one search word gets at most (a word holding several words of
groups would otherwise multiply them)."""

_SEPARATORS = re.compile(r"[\s,，、;；]+")
EXCEPT_MARKS = ("-", "－")
"""What begins a word of a group in which the group's words mean something else."""


class Synonyms:
    """Groups of words that find each other (module docstring), folded as the index
    folds text, so Traditional and Simplified forms of a word are one word."""

    def __init__(self, groups: Iterable[Sequence[str]]) -> None:
        self._group_of: dict[str, tuple[str, ...]] = {}
        self._except_of: dict[str, tuple[str, ...]] = {}
        for group in groups:
            folded = [fold(word).strip() for word in group if word.strip()]
            words = tuple(dict.fromkeys(word for word in folded
                                        if not word.startswith(EXCEPT_MARKS)))
            excepted = [word[1:].strip() for word in folded if word.startswith(EXCEPT_MARKS)]
            for word in words:
                others = self._group_of.get(word, ())
                self._group_of[word] = tuple(dict.fromkeys((*others, *words)))
                self._except_of[word] = tuple(dict.fromkeys((
                    *self._except_of.get(word, ()),
                    *(longer for longer in excepted if word in longer and longer != word))))
        self._longest_first = sorted(self._group_of, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, self._longest_first))) \
            if self._group_of else None

    def __len__(self) -> int:
        return len(self._group_of)

    def others(self, folded: str) -> tuple[str, ...]:
        """The other spellings of the folded search word ``folded``: each word of a group
        in it (the longest where two begin at one place) replaced by each other word of its
        group, one word replaced before two, at most ``MAX_SPELLINGS``; empty when it holds
        none."""
        return tuple(islice(dict.fromkeys(_replaced(folded, self.words_at(folded))),
                            MAX_SPELLINGS))

    def excepted(self, spelled: str) -> tuple[str, ...]:
        """The longer words in which a word of a group standing in ``spelled`` (a synonym
        as it is searched for) means something else (module docstring), but for those
        ``spelled`` stands in itself."""
        if self._pattern is None:
            return ()
        return tuple(dict.fromkeys(
            longer for found in self._pattern.finditer(spelled)
            for longer in self._except_of[found.group()] if longer not in spelled))

    def words_at(self, folded: str) -> list[tuple[int, int, tuple[str, ...]]]:
        """Where words of groups stand in the folded search word ``folded`` (the longest
        where two begin at one place), each ``(start, end, the other words of its group)``."""
        if self._pattern is None:
            return []
        return [(found.start(), found.end(),
                 tuple(word for word in self._group_of[found.group()] if word != found.group()))
                for found in self._pattern.finditer(folded)]

    @classmethod
    def from_file(cls, path: Path) -> Synonyms:
        """The groups in ``path`` (module docstring); ``ConfigError`` saying which line is
        wrong and how, or that the file cannot be read."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"ARCHIVE_SYNONYMS_FILE: cannot read {path} ({exc}); it must "
                              "be a UTF-8 text file of one group of words a line") from exc
        groups = []
        for number, raw in enumerate(text.splitlines(), start=1):
            words = [word for word in _SEPARATORS.split(raw.split("#", 1)[0]) if word]
            if not words:
                continue
            if len([word for word in words if not word.startswith(EXCEPT_MARKS)]) < 2:
                raise ConfigError(f"{path}:{number}: a group needs two words or more, "
                                  "apart by spaces or commas, besides those after a '-'; "
                                  f"got {raw.strip()!r}")
            if unsearchable := [word for word in words if not list(folded_tokens(fold(
                    word[1:] if word.startswith(EXCEPT_MARKS) else word)))]:
                raise ConfigError(f"{path}:{number}: {unsearchable[0]!r} holds no letter, "
                                  "digit or character to search for")
            groups.append(words)
        return cls(groups)


def _replaced(folded: str, words: Sequence[tuple[int, int, tuple[str, ...]]]
              ) -> Iterator[str]:
    """``folded`` with one of the ``words`` of groups standing in it (``Synonyms.words_at``)
    replaced by another of its group, then two, and so on (lazily: a long word holding
    many would otherwise multiply them)."""
    for count in range(1, len(words) + 1):
        for chosen in combinations(words, count):
            for others in product(*(other for _, _, other in chosen)):
                spelled, cursor = [], 0
                for (start, end, _), other in zip(chosen, others, strict=True):
                    spelled += [folded[cursor:start], other]
                    cursor = end
                yield "".join([*spelled, folded[cursor:]])


DEFAULT_SYNONYMS = Synonyms(DEFAULT_GROUPS)
NO_SYNONYMS = Synonyms(())


def configured_synonyms(path: Path | None) -> Synonyms:
    """``ARCHIVE_SYNONYMS_FILE``'s groups when it is set, else ``DEFAULT_GROUPS``."""
    return DEFAULT_SYNONYMS if path is None else Synonyms.from_file(path)
