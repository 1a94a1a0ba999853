"""Without Chromium the browser tests never pass in silence, nor skip: each fails with the
reason and what to run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import require_browser


def test_a_missing_browser_fails_with_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception, match="no-chromium is missing: run 'make setup'"):
        require_browser(tmp_path / "no-chromium")
