"""Typed settings, decoded once from ``ARCHIVE_*`` environment variables and ``.env``.

Unset means the embedded default (SQLite, a local directory, Tantivy). A bad value raises
``ConfigError`` whose message names the variable; ``archive`` prints it as one line.
This is the only module that reads the environment.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from services.common.clock import COMPANY_ZONE
from services.common.durable import create_durably
from services.common.errors import ConfigError
from services.common.models import END

PREFIX = "ARCHIVE_"
SERVER_VARIABLE = "ARCHIVE_SERVER"
TOKEN_VARIABLE = "ARCHIVE_TOKEN"  # noqa: S105 - a variable's name
CLIENT_VARIABLES = frozenset({SERVER_VARIABLE, TOKEN_VARIABLE})
"""The client commands' own (``--server``, ``--token``), not settings: a shell that set
them for ``archive search`` may also run ``archive serve`` or ``archive user add``."""

PositiveInt = Annotated[int, msgspec.Meta(ge=1)]
OcrLanguages = Annotated[str, msgspec.Meta(
    pattern=rf"^(chi_sim|chi_tra|eng)(\+(chi_sim|chi_tra|eng))*{END}",
    description="Tesseract models joined by '+': chi_sim, chi_tra, eng",
)]
DatabaseUrl = Annotated[str, msgspec.Meta(
    pattern=r"^(sqlite\+aiosqlite|postgresql\+asyncpg)://",
    description="a database URL, postgresql+asyncpg://user:password@host:port/database "
                "(or sqlite+aiosqlite:///path); no other database or driver is supported",
)]
LogLevel = Annotated[str, msgspec.Meta(
    pattern=rf"^(?i:debug|info|warning|error|critical){END}",
    description="a log level: DEBUG, INFO, WARNING, ERROR or CRITICAL",
)]
ELASTICSEARCH_INDEX = "archive-documents"
ElasticsearchIndexName = Annotated[str, msgspec.Meta(
    pattern=rf"^[a-z0-9][a-z0-9_-]{{0,199}}{END}",
    description="an index name: lowercase letters, digits, '-' and '_'",
)]
BucketName = Annotated[str, msgspec.Meta(
    pattern=rf"^[a-z0-9][a-z0-9.-]{{1,61}}[a-z0-9]{END}",
    description="an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-', "
                "beginning and ending with a letter or digit",
)]
Key = Annotated[str, msgspec.Meta(
    min_length=32,
    description="a key of at least 32 characters (make one with: openssl rand -base64 48)",
)]

PASSWORD_HASH_MEMORY_KIB = 32 * 1024
"""argon2id's memory per password hash and check: a login ~50–100 ms on two cores. OWASP
asks at least 19 MiB (with two passes) of an archive that faces a network."""


class Settings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    data_dir: Path = Path("./archive-data")
    database_url: DatabaseUrl | None = None
    s3_endpoint: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_bucket: BucketName = "archive"
    s3_region: str = "us-east-1"
    elasticsearch_url: str | None = None
    elasticsearch_index: ElasticsearchIndexName = ELASTICSEARCH_INDEX
    secret_key: Key | None = None
    registry_url: str | None = None
    ingest_url: str | None = None
    search_url: str | None = None
    ocr_engine: Literal["ppocr", "tesseract"] = "ppocr"
    ocr_languages: OcrLanguages = "chi_sim+chi_tra+eng"
    loan_days: PositiveInt = 7
    loan_escalation_days: PositiveInt = 15
    loan_max_renewals: Annotated[int, msgspec.Meta(ge=0)] = 2
    # R5's six months: six calendar months run up to 184 days (March to August, July to
    # December), so 184 days are never fewer than six months.
    destruction_wait_days: PositiveInt = 184
    max_upload_mb: PositiveInt = 200
    max_pages: PositiveInt = 2000
    max_image_pixels: PositiveInt = 178_956_970
    page_timeout_s: PositiveInt = 180
    ocr_workers: Annotated[int, msgspec.Meta(ge=0)] = 0
    job_lease_s: PositiveInt = 30
    job_max_attempts: PositiveInt = 5
    low_confidence: Annotated[float, msgspec.Meta(ge=0, le=100)] = 60.0
    fixity_interval_days: Annotated[int, msgspec.Meta(ge=0)] = 7
    token_ttl_s: PositiveInt = 8 * 3600
    login_attempts_per_minute: PositiveInt = 10
    login_attempts_per_address_per_minute: PositiveInt = 30
    password_hash_memory_kib: Annotated[int, msgspec.Meta(ge=1024)] = PASSWORD_HASH_MEMORY_KIB
    trusted_proxies: str = "127.0.0.1"
    log_level: LogLevel = "INFO"
    migration_database_url: DatabaseUrl | None = None
    audit_key: Key | None = None
    audit_anchor_interval_s: PositiveInt = 300
    backup_s3_endpoint: str | None = None
    backup_s3_access_key: str | None = None
    backup_s3_secret_key: str | None = None
    metrics_token: Key | None = None
    time_zone: ZoneInfo = COMPANY_ZONE
    synonyms_file: Path | None = None

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def embedded(self) -> bool:
        """No database URL: SQLite files in the data directory, migrated at start-up."""
        return self.database_url is None

    def database_url_for(self, service: str) -> str:
        """Each service owns its tables; embedded, each gets its own SQLite file."""
        if self.database_url is not None:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir.resolve() / (service + '.db')}"

    def migration_url_for(self, service: str) -> str:
        """Where ``archive migrate`` connects: ``ARCHIVE_MIGRATION_DATABASE_URL`` (the role
        that owns the tables) when set, else the services' own database."""
        return self.migration_database_url or self.database_url_for(service)

    @property
    def secret_key_file(self) -> Path:
        """Where the embedded signing key is kept when ``ARCHIVE_SECRET_KEY`` is unset."""
        return self.data_dir / "secret_key"

    @property
    def audit_key_file(self) -> Path:
        """Where the embedded audit key is kept when ``ARCHIVE_AUDIT_KEY`` is unset."""
        return self.data_dir / "audit_key"

    @property
    def parts_apart(self) -> bool:
        """The services call each other at addresses of their own (``ARCHIVE_*_URL``)."""
        return any((self.registry_url, self.ingest_url, self.search_url))

    def signing_key(self, *, shared: bool = False) -> str:
        """``ARCHIVE_SECRET_KEY``, or embedded: a random key kept in the data directory.
        ``shared``: other processes must check what this one signs (a service served
        apart, a worker on a shared database), so a key of this data directory's own
        would make every token of theirs invalid here: refused without the variable."""
        if self.secret_key is None and shared:
            raise ConfigError(
                "ARCHIVE_SECRET_KEY is not set: services served apart, and workers on a "
                "shared database, sign and check each other's tokens with one key; set "
                "the same ARCHIVE_SECRET_KEY (32 characters or more, e.g. from "
                "'openssl rand -base64 48') for every one of them")
        return self.secret_key or _kept_key(self.secret_key_file)

    def audit_key_bytes(self) -> bytes:
        """The key the audit log is chained with (HMAC), held outside the database:
        ``ARCHIVE_AUDIT_KEY``, or a random key kept in ``<data_dir>/audit_key``."""
        return (self.audit_key or _kept_key(self.audit_key_file)).encode()


def _kept_key(path: Path) -> str:
    """The random key in ``path``, made (readable by its owner only) on first use."""
    if not path.exists():
        try:
            create_durably(path, secrets.token_urlsafe(48).encode())
        except OSError as exc:
            raise ConfigError(f"cannot write {path} ({exc.strerror}): ARCHIVE_DATA_DIR "
                              f"({path.parent}) must be a directory this user may write "
                              "to") from exc
    key = path.read_text().strip()
    if not key:
        raise ConfigError(f"{path} is empty: an archive never writes it so (it was cut short "
                          "or edited); restore it from the last backup, or set the key's "
                          "ARCHIVE_* variable")
    return key


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines; ``#`` comments and blank lines ignored; quotes stripped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise ConfigError(f"{path}:{number}: expected KEY=VALUE, got {line!r}")
        key, value = line.split("=", 1)
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def load_settings(
    environ: Mapping[str, str] | None = None, *, env_file: Path | None = Path(".env")
) -> Settings:
    """Decode settings; the environment wins over ``.env``. Raises ``ConfigError``."""
    merged: dict[str, str] = read_env_file(env_file) if env_file else {}
    merged.update(os.environ if environ is None else environ)
    fields = {f.name: f for f in msgspec.structs.fields(Settings)}
    raw: dict[str, str] = {}
    for key, value in merged.items():
        if not key.startswith(PREFIX) or key in CLIENT_VARIABLES:
            continue
        name = key[len(PREFIX):].lower()
        if name not in fields:
            known = ", ".join(PREFIX + n.upper() for n in fields)
            raise ConfigError(f"{key}: unknown setting (known: {known})")
        if value != "":
            raw[name] = value
    try:
        settings = msgspec.convert(raw, Settings, strict=False, dec_hook=_decoded)
    except msgspec.ValidationError as exc:
        message = str(exc)
        variable = _variable_in(message)
        described = _description(variable)
        # The value is left out: it may be a password or a key.
        said = f"expected {described}" if described else message.split(" - at ")[0]
        raise ConfigError(f"{variable}: {said}") from exc
    _check_data_dir(settings.data_dir)
    _check_trusted_proxies(settings.trusted_proxies)
    for variable, endpoint in (("ARCHIVE_S3_ENDPOINT", settings.s3_endpoint),
                               ("ARCHIVE_BACKUP_S3_ENDPOINT", settings.backup_s3_endpoint)):
        if endpoint is not None:
            try:
                s3_endpoint(endpoint)
            except ValueError:
                raise ConfigError(f"{variable}: expected {S3_ENDPOINT_FORM}") from None
    for variable, url, example in (
            ("ARCHIVE_ELASTICSEARCH_URL", settings.elasticsearch_url, "http://elasticsearch:9200"),
            ("ARCHIVE_REGISTRY_URL", settings.registry_url, "http://10.0.0.5:8000"),
            ("ARCHIVE_INGEST_URL", settings.ingest_url, "http://10.0.0.5:8000"),
            ("ARCHIVE_SEARCH_URL", settings.search_url, "http://10.0.0.5:8000")):
        if url is not None and not _is_http_url(url):
            raise ConfigError(f"{variable}: expected http(s)://host[:port], e.g. {example}")
    return settings


S3_ENDPOINT_FORM = "host[:port] or http(s)://host[:port], e.g. http://minio:9000"
_HOST_NAME = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?$",
                        re.IGNORECASE)


def s3_endpoint(value: str) -> tuple[str, bool]:
    """An S3 endpoint as the minio client takes it: its ``host[:port]``, and whether it is
    HTTPS (plain ``host[:port]`` is HTTP). ``ValueError`` unless ``value`` is
    ``S3_ENDPOINT_FORM``: a host name or IP address, a port 1-65535, nothing after."""
    url = urlsplit(value if "://" in value else f"http://{value}")
    port = url.port  # a ValueError itself when not a number up to 65535
    host = url.hostname or ""
    if (url.scheme not in ("http", "https") or url.path.strip("/") or url.query
            or url.fragment or url.username is not None or port == 0
            or not (_HOST_NAME.match(host) or _is_address(host))):
        raise ValueError(value)
    return url.netloc, url.scheme == "https"


def _is_http_url(value: str) -> bool:
    """Whether ``value`` is an ``http(s)://host[:port][/path]`` URL. A URL without its
    scheme once ended ``archive serve`` in a traceback, and one with a mistyped scheme
    (``htp://``) made it wait for Elasticsearch for ever, as for a server not up yet."""
    url = urlsplit(value)
    try:
        port = url.port
    except ValueError:
        return False
    host = url.hostname or ""
    return (url.scheme in ("http", "https") and port != 0 and not url.query
            and not url.fragment and bool(_HOST_NAME.match(host) or _is_address(host)))


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _check_trusted_proxies(value: str) -> None:
    """``*``, or addresses and networks joined by commas: what uvicorn's
    ``forwarded_allow_ips`` trusts (a name it would take as a literal never matches a
    client's address, so a typo would trust nobody without a word)."""
    if value.strip() == "*":
        return
    for item in value.split(","):
        try:
            ipaddress.ip_network(item.strip(), strict=False)
        except ValueError:
            raise ConfigError(
                "ARCHIVE_TRUSTED_PROXIES: expected * or IP addresses and networks joined by "
                f"commas, e.g. 127.0.0.1,10.0.0.0/8 (not {item.strip()!r})") from None


def _check_data_dir(path: Path) -> None:
    """Refuse a data directory that is a file or lies under one: every command would
    stop at its first write with ``NotADirectoryError`` otherwise."""
    for place in (path, *path.absolute().parents):
        if place.exists():
            if not place.is_dir():
                where = "" if place == path else f"lies under {place}, which "
                raise ConfigError(f"ARCHIVE_DATA_DIR: {path} {where}is not a directory; set "
                                  "it to a directory (one that is missing is made)")
            return


def _decoded(kind: type, value: object) -> object:
    """msgspec's ``dec_hook``: it converts ``Path`` and ``ZoneInfo`` (an IANA name such as
    ``Asia/Shanghai``); raising NotImplementedError is how a hook declines any other type
    (msgspec then reports the value as invalid)."""
    if kind is Path and isinstance(value, str):
        return Path(value)
    if kind is ZoneInfo and isinstance(value, str):
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"not a time zone (an IANA name such as Asia/Shanghai): {value!r}"
                             ) from exc
    raise NotImplementedError(kind)


def _description(variable: str) -> str | None:
    """The ``description`` of the setting's ``Meta``, if it has one: what a value must be
    said in words (a regular expression says it to nobody)."""
    fields = msgspec.inspect.type_info(Settings).fields  # type: ignore[attr-defined]
    for field in fields:
        if PREFIX + field.name.upper() == variable:
            kinds = getattr(field.type, "types", (field.type,))  # a union: ``X | None``
            for kind in kinds:
                schema = getattr(kind, "extra_json_schema", None) or {}
                if "description" in schema:
                    return str(schema["description"])
    return None


def _variable_in(message: str) -> str:
    marker = "$."
    if marker in message:
        name = message.split(marker, 1)[1].split("`")[0].split(" ")[0].strip("`'\"")
        return PREFIX + name.upper()
    return "ARCHIVE_*"
