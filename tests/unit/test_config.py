"""Configuration: typed, embedded defaults, one clear line naming a bad variable."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from services.common.config import Settings, load_settings
from services.common.errors import ConfigError


def test_no_configuration_means_embedded_defaults() -> None:
    settings = load_settings({}, env_file=None)
    assert settings.database_url is None
    assert settings.s3_endpoint is None
    assert settings.elasticsearch_url is None
    assert (settings.loan_days, settings.loan_escalation_days,
            settings.destruction_wait_days) == (7, 15, 184)
    assert settings.database_url_for("registry").startswith("sqlite+aiosqlite:///")


@pytest.mark.parametrize(("variable", "value"), [
    ("ARCHIVE_LOAN_DAYS", "seven"),
    ("ARCHIVE_LOAN_DAYS", "0"),
    ("ARCHIVE_MAX_UPLOAD_MB", "-1"),
    ("ARCHIVE_LOW_CONFIDENCE", "101"),
    ("ARCHIVE_OCR_LANGUAGES", "chi_sim+klingon"),
    ("ARCHIVE_OCR_LANGUAGES", "chi_sim,chi_tra"),
    ("ARCHIVE_PASSWORD_HASH_MEMORY_KIB", "512"),
    ("ARCHIVE_TIME_ZONE", "Beijing"),
    ("ARCHIVE_TIME_ZONE", "../../etc/passwd"),
    ("ARCHIVE_SECRET_KEY", "short"),
    ("ARCHIVE_LOG_LEVEL", "verbose"),
    ("ARCHIVE_DATABASE_URL", "notaurl"),
    ("ARCHIVE_MIGRATION_DATABASE_URL", "postgres://owner@db/archive"),
    ("ARCHIVE_ELASTICSEARCH_INDEX", "Archive Documents"),
    ("ARCHIVE_TRUSTED_PROXIES", "garbage"),
    ("ARCHIVE_TRUSTED_PROXIES", "127.0.0.1,,10.0.0.0/8"),
    ("ARCHIVE_S3_ENDPOINT", "not a url"),
    ("ARCHIVE_S3_ENDPOINT", "ftp://minio:9000"),
    ("ARCHIVE_S3_ENDPOINT", "http://minio:9000/archive"),
    ("ARCHIVE_S3_ENDPOINT", "minio:port"),
    ("ARCHIVE_S3_ENDPOINT", "minio:70000"),
    ("ARCHIVE_BACKUP_S3_ENDPOINT", "https://"),
    ("ARCHIVE_ELASTICSEARCH_URL", "elasticsearch:9200"),
    ("ARCHIVE_ELASTICSEARCH_URL", "htp://elasticsearch:9200"),
    ("ARCHIVE_ELASTICSEARCH_URL", "http://elasticsearch:92OO"),
    ("ARCHIVE_REGISTRY_URL", "10.0.0.5:8000"),
    ("ARCHIVE_INGEST_URL", "http//ingest:8000"),
    ("ARCHIVE_SEARCH_URL", "http://"),
    ("ARCHIVE_S3_BUCKET", "Archive_Files"),
    ("ARCHIVE_S3_BUCKET", "ab"),
])
def test_a_bad_value_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({variable: value}, env_file=None)
    assert str(caught.value).startswith(f"{variable}:")
    assert "\n" not in str(caught.value)


def test_the_company_time_zone_is_shanghai_unless_named() -> None:
    assert load_settings({}, env_file=None).time_zone == ZoneInfo("Asia/Shanghai")
    named = load_settings({"ARCHIVE_TIME_ZONE": "Asia/Hong_Kong"}, env_file=None)
    assert named.time_zone == ZoneInfo("Asia/Hong_Kong")


def test_an_unknown_archive_variable_is_refused() -> None:
    with pytest.raises(ConfigError, match="ARCHIVE_LAON_DAYS: unknown setting"):
        load_settings({"ARCHIVE_LAON_DAYS": "3"}, env_file=None)


def test_the_client_commands_variables_are_not_settings() -> None:
    """``export ARCHIVE_TOKEN=…`` for ``archive search`` must not stop ``archive serve``."""
    settings = load_settings({"ARCHIVE_SERVER": "http://archive.example:8000",
                              "ARCHIVE_TOKEN": "a-token"}, env_file=None)
    assert settings == load_settings({}, env_file=None)


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\nARCHIVE_LOAN_DAYS=9\nARCHIVE_S3_BUCKET='files'\n")
    settings = load_settings({"ARCHIVE_LOAN_DAYS": "5"}, env_file=env_file)
    assert settings.loan_days == 5
    assert settings.s3_bucket == "files"


def test_embedded_signing_key_is_created_once_and_kept(tmp_path: Path) -> None:
    settings = load_settings({"ARCHIVE_DATA_DIR": str(tmp_path)}, env_file=None)
    first = settings.signing_key()
    assert len(first) >= 32
    assert settings.signing_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_a_part_served_apart_needs_the_shared_key(tmp_path: Path) -> None:
    """A service of its own or a worker on a shared database checks tokens the others
    sign: a key of its data directory's own would refuse every one (and /ready's reason)."""
    settings = load_settings({"ARCHIVE_DATA_DIR": str(tmp_path),
                              "ARCHIVE_REGISTRY_URL": "http://registry:8000"}, env_file=None)
    assert settings.parts_apart
    with pytest.raises(ConfigError) as refused:
        settings.signing_key(shared=True)
    assert "ARCHIVE_SECRET_KEY is not set" in str(refused.value)
    assert not (tmp_path / "secret_key").exists()
    keyed = load_settings({"ARCHIVE_DATA_DIR": str(tmp_path), "ARCHIVE_SECRET_KEY": "k" * 40},
                          env_file=None)
    assert keyed.signing_key(shared=True) == "k" * 40


def test_a_data_directory_that_cannot_be_written_is_named(tmp_path: Path) -> None:
    """One line naming ARCHIVE_DATA_DIR, not a traceback from deep in a file write (as root,
    only a read-only mount refuses; a path under a file refuses anyone)."""
    (tmp_path / "a-file").write_text("")
    settings = Settings(data_dir=tmp_path / "a-file" / "data")  # load_settings says so first
    with pytest.raises(ConfigError) as refused:
        settings.signing_key()
    assert f"ARCHIVE_DATA_DIR ({tmp_path / 'a-file' / 'data'}) must be a directory this " \
        "user may write to" in str(refused.value)


@pytest.mark.parametrize("url", [
    "notaurl", "mysql://archive:pw@db/archive", "postgres://archive:pw@db/archive",
    "postgresql+psycopg2://archive:pw@db/archive", "sqlite:///archive.db"])
def test_a_database_url_of_another_kind_says_which_are_supported(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"ARCHIVE_DATABASE_URL": url}, env_file=None)
    said = str(caught.value)
    assert said.startswith("ARCHIVE_DATABASE_URL: expected")
    assert "postgresql+asyncpg://" in said
    assert "sqlite+aiosqlite://" in said
    assert "pw" not in said  # a password is never echoed


def test_the_supported_database_urls_and_any_case_of_a_log_level_are_taken() -> None:
    settings = load_settings({
        "ARCHIVE_DATABASE_URL": "postgresql+asyncpg://archive:pw@db:5432/archive",
        "ARCHIVE_MIGRATION_DATABASE_URL": "sqlite+aiosqlite:///archive.db",
        "ARCHIVE_LOG_LEVEL": "debug"}, env_file=None)
    assert settings.log_level == "debug"


def test_trusted_proxies_and_s3_endpoints_refused_say_what_they_must_be() -> None:
    with pytest.raises(ConfigError) as proxies:
        load_settings({"ARCHIVE_TRUSTED_PROXIES": "garbage"}, env_file=None)
    with pytest.raises(ConfigError) as endpoint:
        load_settings({"ARCHIVE_S3_ENDPOINT": "not a url"}, env_file=None)
    assert str(proxies.value) == (
        "ARCHIVE_TRUSTED_PROXIES: expected * or IP addresses and networks joined by commas, "
        "e.g. 127.0.0.1,10.0.0.0/8 (not 'garbage')")
    assert str(endpoint.value) == ("ARCHIVE_S3_ENDPOINT: expected host[:port] or "
                                   "http(s)://host[:port], e.g. http://minio:9000")


@pytest.mark.parametrize(("proxies", "endpoint"), [
    ("*", "http://minio:9000"), ("127.0.0.1", "minio:9000"),
    ("10.0.0.1, 192.168.0.0/16,::1", "https://s3.example.com"),
    ("127.0.0.1,fd00::/8", "http://[::1]:9000"), ("127.0.0.1", "192.168.1.5:9000"),
])
def test_trusted_proxies_and_s3_endpoints_of_every_usual_form_are_taken(
        proxies: str, endpoint: str) -> None:
    settings = load_settings({"ARCHIVE_TRUSTED_PROXIES": proxies,
                              "ARCHIVE_S3_ENDPOINT": endpoint}, env_file=None)
    assert (settings.trusted_proxies, settings.s3_endpoint) == (proxies, endpoint)


def test_a_short_secret_key_says_how_long_a_key_must_be() -> None:
    with pytest.raises(ConfigError, match="ARCHIVE_SECRET_KEY: expected a key of at least 32"):
        load_settings({"ARCHIVE_SECRET_KEY": "short"}, env_file=None)


def test_a_data_directory_that_is_a_file_or_under_one_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    for data_dir in (a_file, a_file / "data", Path("/dev/null/x")):
        with pytest.raises(ConfigError) as caught:
            load_settings({"ARCHIVE_DATA_DIR": str(data_dir)}, env_file=None)
        assert str(caught.value).startswith("ARCHIVE_DATA_DIR: ")
        assert "is not a directory" in str(caught.value)
    missing = tmp_path / "not-yet" / "data"
    assert load_settings({"ARCHIVE_DATA_DIR": str(missing)}, env_file=None).data_dir == missing


@pytest.mark.parametrize("url", [
    "http://elasticsearch:9200", "https://elastic:secret@es.example.com:9243",
    "http://127.0.0.1:9200/es", "http://[::1]:9200", "https://es.example.com"])
def test_elasticsearch_urls_of_every_usual_form_are_taken(url: str) -> None:
    settings = load_settings({"ARCHIVE_ELASTICSEARCH_URL": url}, env_file=None)
    assert settings.elasticsearch_url == url


def test_a_service_url_refused_says_its_form_and_not_the_value() -> None:
    """The value is left out: an Elasticsearch URL may hold a password."""
    with pytest.raises(ConfigError) as caught:
        load_settings({"ARCHIVE_ELASTICSEARCH_URL": "htp://elastic:secret@es:9200"},
                      env_file=None)
    assert str(caught.value) == ("ARCHIVE_ELASTICSEARCH_URL: expected http(s)://host[:port], "
                                 "e.g. http://elasticsearch:9200")
