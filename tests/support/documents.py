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

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

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


def _topic(category: Category, kind: Kind, title: str, subject: str, words: str, absent: str,
           *details: str) -> Topic:
    return Topic(category, kind, title, subject, tuple(words.split()), tuple(absent.split()),
                 details)


TOPICS: tuple[Topic, ...] = (
    _topic("application", "form", "申请单", "更换大堂水牌", "更换 大堂 水牌", "广告 招牌",
           "公司已更名，原水牌上的名称需要同步修改。", "新水牌样式与大堂现有水牌保持一致。"),
    _topic("application", "form", "申请单", "周末加班使用空调", "加班 空调 周末", "延时 费用",
           "本周六、周日两天需要加班，请开放{floor}层空调。", "加班期间的能耗费用由本单位承担。"),
    _topic("application", "form", "申请单", "租用地下停车位", "停车位 租用 地下", "车库 月租",
           "车牌号为粤B{digits}，希望安排在靠近电梯的位置。", "租期暂定一年，到期后优先续租。"),
    _topic("application", "form", "申请单", "更换入户门锁", "门锁 更换 入户", "钥匙 防盗",
           "原门锁已损坏，无法正常开启。", "更换后请将备用钥匙交管理处登记。"),
    _topic("application", "form", "申请单", "开通电话线路", "电话 线路 开通", "宽带 安装",
           "办公室需要新开两条电话线路。", "请协调电信公司于本周内上门安装。"),
    _topic("complaint", "form", "投诉登记表", "楼上装修噪音扰民", "装修 噪音 楼上", "吵闹 投诉",
           "楼上单元每天早上七点开始施工，影响休息。", "要求物业督促施工方遵守装修时间规定。"),
    _topic("complaint", "form", "投诉登记表", "电梯经常停运", "电梯 停运 经常", "故障 维保",
           "电梯在{floor}层经常停运，有人被困十余分钟。", "希望尽快联系维保单位彻底检修。"),
    _topic("complaint", "letter", "投诉信", "垃圾清运不及时", "垃圾 清运 及时", "卫生 臭味",
           "楼下垃圾桶已满三天仍无人清理，气味难闻。", "请加强保洁管理，按时清运。"),
    _topic("complaint", "letter", "投诉信", "停车位被他人占用", "停车位 占用 他人", "车位 霸占",
           "本人购买的车位连续多日被陌生车辆占用。", "请管理处查明车主并处理。"),
    _topic("complaint", "form", "投诉登记表", "宠物狗夜间吠叫", "宠物 吠叫 夜间", "养狗 扰民",
           "邻居饲养的宠物狗每晚吠叫到深夜。", "请物业上门沟通，提醒文明养犬。"),
    _topic("repair", "form", "报修单", "卫生间天花板漏水", "卫生间 漏水 天花板", "渗水 维修",
           "卫生间天花板出现大面积水渍，并持续滴水。", "怀疑楼上防水层破损，请派人检查。"),
    _topic("repair", "form", "报修单", "厨房下水道堵塞", "下水道 堵塞 厨房", "疏通 排水",
           "厨房水槽排水缓慢，已完全堵塞。", "请工程部携带疏通设备上门处理。"),
    _topic("repair", "form", "报修单", "客厅空调不制冷", "空调 制冷 客厅", "冷气 维修",
           "客厅空调开机后只吹风不制冷。", "室外机运转声音异常，请尽快检修。"),
    _topic("repair", "form", "报修单", "走廊照明灯损坏", "照明 走廊 灯", "灯泡 电灯",
           "{floor}层走廊照明灯闪烁后熄灭。", "夜间通行不便，存在安全隐患。"),
    _topic("repair", "form", "报修单", "阳台窗户密封条老化", "窗户 密封条 阳台", "漏风 雨水",
           "阳台窗户密封条老化开裂，下雨时雨水渗入室内。", "请更换密封条并检查窗框。"),
    _topic("decoration", "form", "装修审批表", "拆除非承重墙", "拆除 非承重墙", "装修 改造",
           "拟拆除客厅与书房之间的非承重墙。", "已附结构图纸及施工单位资质证明。"),
    _topic("decoration", "form", "装修审批表", "二次装修铺设木地板", "木地板 装修 铺设",
           "地面 翻新",
           "施工单位为{name}装饰公司，工期三十天。", "装修押金{amount}元已缴纳。"),
    _topic("engineering", "contract", "工程合同", "中央空调末端改造", "中央空调 改造 末端",
           "暖通 工程",
           "改造范围为{floor}层全部风机盘管及管道。", "工程质保期为两年，自验收合格之日起计算。"),
    _topic("engineering", "contract", "工程合同", "消防喷淋系统更新", "消防 喷淋 更新", "灭火 管网",
           "更换老化的喷淋头及报警阀组。", "施工期间须保证其余楼层消防系统正常运行。"),
    _topic("engineering", "notice", "工程通知", "外墙清洗及翻新", "外墙 清洗 翻新", "粉刷 高空",
           "施工期间请关好门窗，勿在阳台晾晒衣物。", "高空作业区域下方将设置警戒线。"),
    _topic("contract", "contract", "租赁合同", "商铺租赁", "商铺 租赁 租金", "出租 店面",
           "租赁面积为{area}平方米，月租金{amount}元。", "租赁期限为三年，租金每年递增百分之五。"),
    _topic("contract", "contract", "租赁合同", "写字楼办公室租赁", "办公室 租赁 写字楼",
           "出租 办公",
           "租赁单元为{unit}，建筑面积{area}平方米。", "乙方须按季度预付租金及物业管理费。"),
    _topic("payment", "form", "缴费单", "缴纳物业管理费", "物业管理费 缴纳", "收费 账单",
           "本季度物业管理费共计{amount}元。", "收据编号{ticket}，请妥善保管。"),
    _topic("payment", "letter", "函件", "退还装修押金", "押金 退还 装修", "保证金 退款",
           "装修已于上月完工并通过验收。", "请将押金{amount}元退回原付款账户。"),
    _topic("violation_arrears", "notice", "催缴通知", "拖欠物业费催缴", "欠费 催缴 物业费",
           "逾期 滞纳金",
           "截至本月底，贵户累计拖欠物业费{amount}元。", "请于十五日内缴清，逾期将按规定处理。"),
    _topic("violation_arrears", "notice", "整改通知", "违规搭建阳台雨棚", "违规 搭建 雨棚",
           "违建 拆除",
           "贵户在阳台外侧私自搭建雨棚，影响外立面。", "请于七日内自行拆除并恢复原状。"),
    _topic("correspondence", "letter", "函件", "调整停车收费标准", "停车 收费 调整", "涨价 车费",
           "根据物价部门批复，停车收费标准将作调整。", "新标准自下月一日起执行。"),
    _topic("correspondence", "letter", "函件", "大堂增设快递柜", "快递柜 大堂 增设", "包裹 智能",
           "为方便住户收取包裹，拟在大堂增设快递柜。", "如有意见，请于两周内书面反馈。"),
    _topic("move_in", "form", "入住登记表", "新业主办理入住", "入住 办理 业主", "交房 钥匙",
           "业主已验收房屋并领取钥匙三把。", "水电表读数已当场确认。"),
    _topic("emergency_contact", "form", "紧急联络人登记表", "登记紧急联络人", "紧急 联络人 登记",
           "亲属 电话",
           "紧急联络人{name}，与业主为父子关系。", "联系电话{phone}，二十四小时可接听。"),
    _topic("contact", "form", "联络资料", "更新联系电话", "联系电话 更新", "手机 号码",
           "原登记电话已停用，新号码为{phone}。", "请同步更新业主通讯录。"),
    _topic("supplement", "form", "资料补充", "补交营业执照复印件", "营业执照 复印件 补交",
           "证件 公司",
           "本单位营业执照已换发新证。", "复印件已加盖公章，请归档。"),
    _topic("unit_info", "form", "客户资料", "单位名称变更", "名称 变更 单位", "更名 公司",
           "本单位已于今年完成工商变更登记。", "请将客户资料及铭牌一并更新。"),
    _topic("visit", "form", "回访记录", "维修完成后回访", "回访 维修 满意", "跟进 电话",
           "客户对维修结果表示满意。", "客户建议缩短报修响应时间。"),
    _topic("visit", "form", "拜访记录", "节前走访商户", "走访 商户 节前", "拜访 慰问",
           "了解商户经营情况及对物业服务的意见。", "商户反映停车位紧张，已记录。"),
    _topic("policy", "notice", "公司文件", "加强消防安全管理", "消防安全 管理 加强", "防火 检查",
           "各部门须每月开展一次消防安全检查。", "楼道内严禁堆放杂物，保持疏散通道畅通。"),
    _topic("policy", "notice", "公司文件", "档案借阅管理规定", "档案 借阅 规定", "借出 归还",
           "借阅档案须填写借阅登记表，经部门负责人审批。", "借阅期限不超过七日，到期须归还。"),
)

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
