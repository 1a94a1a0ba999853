"""Fixtures shared by the whole suite live in tests/fixtures, registered here.

The files run longest first. xdist (``--dist loadfile``) hands out files in collection
order; a long file handed out last leaves one worker running it while the others wait.
"""

from __future__ import annotations

import tempfile

import pytest

from tests.support.memory import in_memory

pytest_plugins = [
    "tests.fixtures.postgres",
    "tests.fixtures.app",
    "tests.fixtures.s3",
    "tests.fixtures.elasticsearch",
]

LONGEST_FILES = (
    "tests/e2e/test_cli_serve.py",
    "tests/e2e/backup/test_generations.py",
    "tests/browser/test_staff_pages.py",
    "tests/contract/ingest/test_ocr_engines.py",
    "tests/browser/test_loan_pages.py",
    "tests/browser/test_handover_pages.py",
    "tests/browser/test_narrow_pages.py",
    "tests/browser/test_reading_aloud.py",
    "tests/e2e/ingest/test_previews.py",
    "tests/e2e/test_fuzz_api.py",
    "tests/e2e/backup/test_restore_drill.py",
    "tests/contract/common/test_relational_store.py",
    "tests/security/test_existence_not_counted.py",
    "tests/security/test_listings_redacted.py",
    "tests/browser/test_statistics_page.py",
    "tests/browser/test_accounts_page.py",
    "tests/e2e/registry/test_catalogues.py",
    "tests/browser/test_ingest_page.py",
    "tests/e2e/registry/test_handovers.py",
    "tests/e2e/ingest/test_fixity.py",
    "tests/browser/test_retention_pages.py",
    "tests/e2e/retention/test_retention_api.py",
    "tests/unit/registry/retention/test_destruction.py",
    "tests/e2e/ingest/test_crash_safety.py",
    "tests/e2e/search/test_consumer.py",
    "tests/e2e/search/test_reindex.py",
    "tests/browser/test_review_page.py",
    "tests/security/test_locked_originals.py",
    "tests/e2e/retention/test_object_lock.py",
    "tests/unit/ingest/test_script_choice.py",
    "tests/browser/test_inventory_pages.py",
)
"""The 30 files whose tests' setups, calls and teardowns summed longest in a whole run
(``--junitxml``, 2026-12-06, on four workers), longest first, and test_reading_aloud (some
75 s on its own, 2026-12-07); a hint, never a rule: a file missing here only runs in its
directory's turn."""
DIRECTORIES_BY_LENGTH = ("browser", "e2e", "security", "contract", "unit")
"""Real browsers and servers first, unit tests (a second or less a file) at the end."""


def _turn(item: pytest.Item) -> tuple[int, int]:
    path = item.path.relative_to(item.config.rootpath).as_posix()
    first = LONGEST_FILES.index(path) if path in LONGEST_FILES else len(LONGEST_FILES)
    directory = path.split("/")[1] if path.count("/") > 1 else ""
    rank = DIRECTORIES_BY_LENGTH.index(directory) if directory in DIRECTORIES_BY_LENGTH \
        else len(DIRECTORIES_BY_LENGTH)
    return first, rank


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A stable sort on the file alone: each file's tests keep their order (and the
    # grouping of their module-scoped fixtures).
    items.sort(key=_turn)


def pytest_configure(config: pytest.Config) -> None:
    # pytest's base temporary directory (every tmp_path; xdist's workers are handed theirs
    # from it) in memory when there is room (tests/support/memory.py); --basetemp still
    # wins. pytest keeps the last three runs' files there, as it does on disk.
    if config.option.basetemp is None and (memory := in_memory()) is not None:
        tempfile.tempdir = str(memory)
