"""The OpenAPI document split into its parts, one per tag (``accounts``, ``ingest``,
``search``, …), so that the reference draws one part at a time: Swagger UI took 5-6 s
on a quiet 2-core machine, and 16 s on a loaded one, to draw every operation at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

METHODS = ("get", "put", "post", "patch", "delete")
REF_PREFIX = "#/components/"

PART_DESCRIPTIONS = {
    "access": "访问判定：某人能否阅读或下载一份文件，能看到哪些文件（各服务之间使用）",
    "accounts": "登录取得令牌和退出，账号的建立、修改和停用，人员名单",
    "catalogue": "文件的登记、目录、著录历史和更正，档号和四性检测的核对",
    "catalogues": "打印的目录：总目录、案卷目录、卷内目录、闭卷目录和标签",
    "checks": "盘点、帐物不符的处理和保管状况检查",
    "households": "户档：建立，住户迁入和退租，已退租的户",
    "ingest": "上传归档、批次、识别任务、原件、各页的图像和文字、重新识别、四性检测",
    "journal": "变更流和审计日志（含核验审计链）",
    "lending": "借阅：申请、审批、借出、续借、归还、事故和通知",
    "operations": "移交，移出档案室，以及服务的健康、就绪和指标",
    "retention": "保管期限表、到期清理、鉴定、法律保全和销毁",
    "search": "全文检索、一户的文件、重建索引",
    "statistics": "年度统计",
}
"""What each part (tag) holds, in a line the landing lists beside it (Chinese; the English
is in the staff pages' catalogue); a part not named here is listed without one."""


@dataclass(frozen=True)
class ApiPart:
    """One tag's operations, as the reference's landing lists them."""

    tag: str
    operations: int
    prefixes: tuple[str, ...]
    """The first two segments of its paths (``/registry/users``): where it answers."""


def api_parts(schema: dict[str, Any]) -> list[ApiPart]:
    """Every tag of the document, by name, with how many operations it holds and where."""
    counts: dict[str, int] = {}
    prefixes: dict[str, set[str]] = {}
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            for tag in item.get(method, {}).get("tags", ()):
                counts[tag] = counts.get(tag, 0) + 1
                prefixes.setdefault(tag, set()).add("/".join(path.split("/")[:3]))
    return [ApiPart(tag=tag, operations=counts[tag], prefixes=tuple(sorted(prefixes[tag])))
            for tag in sorted(counts)]


def part_document(schema: dict[str, Any], tag: str) -> dict[str, Any] | None:
    """The OpenAPI document of the operations tagged ``tag`` and the components they refer
    to (the security schemes whole); ``None`` when no operation has that tag."""
    paths: dict[str, Any] = {}
    for path, item in schema.get("paths", {}).items():
        kept = {method: item[method] for method in METHODS
                if tag in item.get(method, {}).get("tags", ())}
        if kept:
            shared = {key: value for key, value in item.items() if key not in METHODS}
            paths[path] = {**shared, **kept}
    if not paths:
        return None
    everything = schema.get("components", {})
    components: dict[str, dict[str, Any]] = {}
    if "securitySchemes" in everything:
        components["securitySchemes"] = everything["securitySchemes"]
    waiting = list(_references(paths))
    while waiting:
        kind, name = waiting.pop()
        if name in components.get(kind, {}):
            continue
        component = everything[kind][name]
        components.setdefault(kind, {})[name] = component
        waiting.extend(_references(component))
    info = {**schema.get("info", {}), "title": f"{schema.get('info', {}).get('title')}: {tag}"}
    return {**schema, "info": info, "paths": paths, "components": components}


def _references(node: Any) -> list[tuple[str, str]]:
    """The components ``node`` names in its ``$ref``s, as (kind, name)."""
    found: list[tuple[str, str]] = []
    waiting = [node]
    while waiting:
        current = waiting.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith(REF_PREFIX):
                kind, _, name = ref.removeprefix(REF_PREFIX).partition("/")
                found.append((kind, name))
            waiting.extend(current.values())
        elif isinstance(current, list):
            waiting.extend(current)
    return found
