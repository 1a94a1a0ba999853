"""The environment of an ``archive`` process a test launches: the test runner's own,
without any ``ARCHIVE_*`` setting of the developer's shell (it would change what the
process under test does), plus the settings the test gives."""

from __future__ import annotations

import os
from collections.abc import Mapping


def clean_environment(settings: Mapping[str, str] | None = None, /, **more: str
                      ) -> dict[str, str]:
    """``os.environ`` without ``ARCHIVE_*``, then ``settings`` and ``more`` on top."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    environment.update(settings or {})
    environment.update(more)
    return environment
