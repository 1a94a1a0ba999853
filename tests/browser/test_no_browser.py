"""Without Chromium the browser tests never pass in silence: under ``CI=true`` the run
fails, elsewhere each test is skipped with the reason (``-ra`` prints it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import require_browser


def test_under_ci_a_missing_browser_fails_the_run(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="no-chromium is missing: run 'make setup'"):
        require_browser(tmp_path / "no-chromium", ci=True)


def test_elsewhere_a_missing_browser_skips_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(pytest.skip.Exception, match="no-chromium is missing: run 'make setup'"):
        require_browser(tmp_path / "no-chromium", ci=False)

