"""The OpenAPI document split into its parts, one per tag (``accounts``, ``ingest``,
``search``, …), so that the reference draws one part at a time: Swagger UI took 5-6 s
on a quiet 2-core machine, and 16 s on a loaded one, to draw every operation at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

METHODS = ("get", "put", "post", "patch", "delete")
REF_PREFIX = "#/components/"


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
