"""Generated archive papers: letters, forms, contracts and notices of the archive's categories.

Each paper is made from a seeded ``random.Random``: a topic (what the paper is about),
a household, people, dates and amounts, put into the layout of its kind, then written in
Simplified or Traditional script (OpenCC ``s2t``, ``s2tw`` or ``s2hk``: the standard,
Taiwan and Hong Kong forms, so ``裏``, ``裡`` and ``着``/``著`` all occur). Long papers
run to a full page or more; short ones are a few lines; ``sparse`` ones are short lines
chosen so that their Traditional form has only a few characters that Simplified text
never uses.

Every paper comes with the words a person would type to find it (``description``): a
few of its topic's words, in another order, sometimes with a word the paper does not
use (``广告水牌更换`` for a letter about ``更换大堂水牌``), a unit code or a name, and
sometimes in the other script. Nothing here is tuned to a test's expectations: the
pools are ordinary property-management paperwork.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Literal, cast

import opencc

from services.common.models import Category
from tests.support.rendering import Script

Kind = Literal["letter", "form", "contract", "notice"]
Length = Literal["long", "short", "sparse"]
LINE_CHARS = 26


@dataclass(frozen=True)
class Topic:
    """What a paper is about: ``subject`` is how the paper says it; ``words`` are the parts
    of it a person remembers; ``absent`` are words a person adds that the paper lacks."""

    category: Category
    kind: Kind
    title: str
    subject: str
    words: tuple[str, ...]
    absent: tuple[str, ...]
    details: tuple[str, ...]


TOPICS_CSV = Path(__file__).with_name("topics.csv")
"""The topics, a row each: ``words`` and ``absent`` split at spaces, ``details`` (the
sentences the paper says about it) at ``|``."""


def _topics(path: Path) -> tuple[Topic, ...]:
    with path.open(encoding="utf-8", newline="") as rows:
        return tuple(Topic(cast(Category, row["category"]), cast(Kind, row["kind"]),
                           row["title"], row["subject"], tuple(row["words"].split()),
                           tuple(row["absent"].split()), tuple(row["details"].split("|")))
                     for row in csv.DictReader(rows))


TOPICS = _topics(TOPICS_CSV)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁谢宋郑韩冯邓曹彭"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰志国建文"
COMPANIES = ("锦华", "恒信", "嘉禾", "瑞丰", "宏达", "新城", "金桥", "东方")
GENERIC = (
    "感谢物业服务中心一直以来的支持与配合。",
    "如有疑问，请致电客户服务中心查询。",
    "相关资料已按要求一并提交，请查收。",
    "请在五个工作日内给予书面答复。",
    "以上情况属实，特此说明。",
    "本单据一式两份，双方各执一份。",
    "处理结果将记入客户档案备查。",
    "如需进一步了解情况，可随时与本人联系。",
)
CLAUSES = (
    "双方应遵守国家及地方有关法律法规。",
    "任何一方违约，应赔偿对方因此造成的损失。",
    "本合同未尽事宜，由双方另行协商解决。",
    "因本合同发生的争议，双方应友好协商解决。",
    "本合同自双方签字盖章之日起生效。",
    "付款方式为银行转账，分两期支付。",
)
# Short lines whose Traditional form differs from the Simplified in only a few characters.
PLAIN = (
    "本月二十日上午九点至十一点停水。",
    "大堂地面清洁，请注意安全。",
    "{unit}业主：您好。",
    "本合同一式两份。",
    "上午八点半至下午五点半办公。",
    "特此通知。",
    "明日上午十点消防演习。",
    "请勿在楼道内吸烟。",
    "周六上午开放会议室。",
    "天台门禁已恢复正常。",
    "B2停车场出口改为右侧通行。",
    "{name}先生于{day}来访。",
    "电话：{phone}",
    "金额：{amount}元整。",
)
_CONVERSIONS = ("s2t", "s2tw", "s2hk")


@dataclass(frozen=True)
class ArchivePaper:
    """One generated paper, its metadata, and how a person would describe it."""

    topic: Topic
    script: Script
    household: str
    filed_at: date
    lines: tuple[str, ...]
    description: str

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def in_script(text: str, script: Script, rng: random.Random) -> str:
    """``text`` (written in Simplified) in ``script``; Traditional in one of its regional forms."""
    if script == "simplified":
        return text
    return str(_converter(rng.choice(_CONVERSIONS)).convert(text))


def wrapped(paragraphs: Sequence[str], width: int = LINE_CHARS) -> list[str]:
    """Paragraphs cut into lines of at most ``width`` Chinese characters (a Latin letter or
    digit is half as wide), never inside a Latin word or number and never before a
    closing mark, as a typed page runs."""
    lines: list[str] = []
    for paragraph in paragraphs:
        line, used = "", 0.0
        for piece in _PIECES.findall(paragraph):
            size = sum(0.5 if char.isascii() else 1.0 for char in piece)
            if line and used + size > width and piece[0] not in _CLOSING:
                lines.append(line.rstrip())
                line, used = "", 0.0
            line, used = line + piece, used + size
        lines.append(line.rstrip())
    return lines


# A Latin word or number (with the marks inside it), or any other single character.
_PIECES = re.compile(r"[A-Za-z0-9][A-Za-z0-9,.:-]*[A-Za-z0-9]|.")
_CLOSING = "，。、；：！？）」』,.;:!?)"


class _Fill:
    """The slot values of one paper: its household, people, dates and amounts."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.unit = f"{rng.choice('ABCDEF')}-{rng.randint(2, 30):02d}{rng.randint(1, 8):02d}"
        self.name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))
        self.staff = rng.choice(SURNAMES) + rng.choice(GIVEN)
        self.company = rng.choice(COMPANIES)
        self.filed_at = date(2016, 1, 1) + timedelta(days=rng.randrange(9 * 365))

    def __call__(self, template: str) -> str:
        rng = self.rng
        day = self.filed_at + timedelta(days=rng.randint(1, 60))
        return template.format(
            unit=self.unit, name=self.name, floor=rng.randint(2, 30),
            amount=f"{rng.randint(2, 400) * 50:,}", area=rng.randint(40, 600),
            ticket=f"WX{self.filed_at.year}-{rng.randint(1, 9999):04d}",
            phone=f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}",
            digits=f"{rng.randint(0, 99999):05d}", day=f"{day:%Y年%m月%d日}",
        )

    @property
    def date_line(self) -> str:
        return f"{self.filed_at:%Y年%m月%d日}"


def _letter(topic: Topic, fill: _Fill, body: list[str]) -> list[str]:
    return ["尊敬的物业服务中心：",
            f"我是{fill.unit}的业主{fill.name}，现就{topic.subject}一事致函贵处。", *body,
            "此致", "敬礼", f"业主：{fill.name}（{fill.unit}）", fill.date_line]


def _form(topic: Topic, fill: _Fill, body: list[str]) -> list[str]:
    return [topic.title, f"登记日期：{fill.date_line}  单元号：{fill.unit}",
            fill(f"客户姓名：{fill.name}  联系电话：{{phone}}"), f"事由：{topic.subject}",
            "情况说明：", *body, f"经办人：{fill.staff}"]


def _contract(topic: Topic, fill: _Fill, body: list[str]) -> list[str]:
    clauses = [f"第{'一二三四五六七八九十'[n]}条 {clause}" for n, clause in enumerate(body)]
    number = f"HT{fill.filed_at.year}-{fill.rng.randint(1, 999):03d}"
    return [f"{topic.subject}合同", f"合同编号：{number}",
            f"甲方：{fill.company}物业服务有限公司", f"乙方：{fill.name}（{fill.unit}）",
            f"经双方协商，就{topic.subject}事宜订立本合同。", *clauses,
            "甲方（盖章）：          乙方（签字）：", fill.date_line]


def _notice(topic: Topic, fill: _Fill, body: list[str]) -> list[str]:
    return ["通知", "各位业主、住户：", f"关于{topic.subject}的有关事项通知如下。", *body,
            "特此通知。", f"{fill.company}物业服务中心", fill.date_line]


_LAYOUTS = {"letter": _letter, "form": _form, "contract": _contract, "notice": _notice}


def paper(rng: random.Random, *, script: Script | None = None, length: Length = "long",
          topic: Topic | None = None) -> ArchivePaper:
    """A paper drawn from ``rng`` (its topic, script and length as given, or drawn too)."""
    topic = topic or rng.choice(TOPICS)
    script = script or rng.choice(("simplified", "traditional"))
    fill = _Fill(rng)
    if length == "sparse":
        paragraphs = [fill(line) for line in rng.sample(PLAIN, rng.randint(2, 4))]
    else:
        extra = (CLAUSES if topic.kind == "contract" else GENERIC)
        count = min(rng.randint(4, 7), len(extra)) if length == "long" else rng.randint(0, 1)
        body = [fill(d) for d in topic.details] + rng.sample(extra, count)
        if length == "long":
            rng.shuffle(body)
        paragraphs = _LAYOUTS[topic.kind](topic, fill, body if length == "long" else body[:2])
    simplified = "\n".join(wrapped(paragraphs))
    people = tuple(value for value in (fill.unit, fill.name) if value in simplified)
    text = in_script(simplified, script, rng)
    return ArchivePaper(topic=topic, script=script, household=fill.unit, filed_at=fill.filed_at,
                        lines=tuple(text.split("\n")),
                        description=_description(topic, people, rng, script))


def _description(topic: Topic, people: tuple[str, ...], rng: random.Random, script: Script
                 ) -> str:
    """What a person types to find the paper: some of its words, in any order, maybe a word
    it does not use, maybe the unit or the person it names, maybe in the other script."""
    words = rng.sample(topic.words, min(len(topic.words), rng.randint(2, 3)))
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words) + 1), rng.choice(topic.absent))
    if people and rng.random() < 0.4:
        words.append(rng.choice(people))
    query = rng.choice((" ", "")).join(words)
    other: Script = "traditional" if script == "simplified" else "simplified"
    if rng.random() < 0.3:
        return in_script(query, other, rng)
    return in_script(query, script, rng)
