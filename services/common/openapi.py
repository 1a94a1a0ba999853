"""What the OpenAPI schema says beyond what Litestar derives from the handlers: every
operation's problem-details answers, public operations marked public, and request bodies
closed to unknown fields, so the schema is the whole contract (reliability.md, promise 1:
a schema-driven fuzz finds no status the schema does not name).

Statuses an operation may answer, besides its own success:
    400  the request does not decode (``invalid_request``), a NUL character
    401  no token, or a forged, expired or revoked one          (not on public operations)
    403  a role, clearance or view-only refusal                  (not on public operations)
    404  no such object, or one the caller may not know of       (not on public operations)
    409  a state that forbids it (``code`` says which rule)       (not on public operations)
    413  a body past the size limit                              (operations with a body)
    415  an upload of a type the archive does not take           (operations with a body)
    422  a value that breaks a domain rule                       (not on public operations)
    429  too many failed password checks                        (operations that check one)
    503  a store, index or peer cannot be reached
"""

from __future__ import annotations

import dataclasses

from litestar.openapi.spec import (
    Components,
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM = "Problem"
METHODS = ("get", "put", "post", "patch", "delete")

_MEANINGS = {
    "400": "The request does not decode or holds a NUL character",
    "401": "No token, or a forged, expired or revoked one",
    "403": "Not allowed: role, clearance or view-only access",
    "404": "No such object, or one the caller may not know exists",
    "409": "A state that forbids it; code names the rule",
    "413": "The body is larger than the limit",
    "415": "An upload of a type the archive does not take",
    "422": "A value that breaks a domain rule; code names it",
    "429": "Too many failed logins; wait a minute",
    "503": "A store, index or peer service cannot be reached",
}
_THROTTLED = frozenset({"issueToken", "changeOwnPassword", "witnessDestruction",
                        "signHandover"})
"""Operations that check a password, throttled as logins are."""


def describe_problems(openapi: OpenAPI, *, public: frozenset[str]) -> None:
    """Add each operation's problem answers; ``public`` operations (by id) need no token;
    unions are ``anyOf``."""
    _unions_as_any_of(openapi, seen=set())
    components = openapi.components if isinstance(openapi.components, Components) else None
    if components is None:
        components = openapi.components = Components()
    schemas = components.schemas = dict(components.schemas or {})
    for schema in schemas.values():
        if isinstance(schema, Schema) and schema.type == OpenAPIType.OBJECT \
                and schema.properties is not None and schema.additional_properties is None:
            schema.additional_properties = False  # our structs refuse unknown fields
    schemas[PROBLEM] = Schema(
        type=OpenAPIType.OBJECT, title=PROBLEM, description="Problem details (RFC 9457)",
        required=["type", "title", "status", "code", "detail"],
        properties={name: Schema(type=OpenAPIType.INTEGER if name == "status"
                                 else OpenAPIType.STRING)
                     for name in ("type", "title", "status", "code", "detail")},
        additional_properties=True)
    for item in (openapi.paths or {}).values():
        for method in METHODS:
            operation: Operation | None = getattr(item, method, None)
            if operation is not None:
                _describe(operation, public=operation.operation_id in public)


def _describe(operation: Operation, *, public: bool) -> None:
    statuses = ["400", "503"]
    if not public:
        statuses += ["401", "403", "404", "409", "422"]
    if operation.request_body is not None:
        statuses += ["413", "415"]
    if operation.operation_id in _THROTTLED:
        statuses += ["401", "422", "429"]
    responses = operation.responses = dict(operation.responses or {})
    for status in sorted(set(statuses)):
        if status in responses and status != "400":
            continue
        responses[status] = OpenAPIResponse(
            description=_MEANINGS[status],
            content={PROBLEM_MEDIA_TYPE: OpenAPIMediaType(
                schema=Reference(ref=f"#/components/schemas/{PROBLEM}"))})
    if public:
        operation.security = []


def _unions_as_any_of(node: object, *, seen: set[int]) -> None:
    """A msgspec union decodes as the first of its types that fits, so a value may fit
    several (``20`` is both an integer and a number): ``anyOf``, not Litestar's ``oneOf``,
    which would call such a value invalid."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, Schema) and node.one_of is not None:
        node.any_of, node.one_of = [*(node.any_of or []), *node.one_of], None
    if isinstance(node, dict):
        children: list[object] = list(node.values())
    elif isinstance(node, list | tuple):
        children = list(node)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        children = [getattr(node, field.name) for field in dataclasses.fields(node)]
    else:
        return
    for child in children:
        _unions_as_any_of(child, seen=seen)
