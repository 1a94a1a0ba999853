"""The suite's asserts rewritten ahead of a run (``make test``), as pytest rewrites them, into
the cache pytest reads (``__pycache__/*.cpython-311-pytest-<version>.pyc``, checked by the
source's hash, so a fresh clone's files find them).

pytest writes that cache only where ``PYTHONDONTWRITEBYTECODE`` is unset; where it is set,
as on our build machines, each of the four workers rewrote and compiled every test module
as it collected: 6-7 s of CPU a worker, 2-3 s with the cache. Two processes write it here
in about 3 s of CPU in all. A file changed afterwards is only rewritten again by pytest.

It uses pytest's own rewriting (``_pytest.assertion.rewrite``, pinned with pytest in
uv.lock), with no configuration: the suite sets none that changes a rewrite.
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from _pytest.assertion.rewrite import PYC_TAIL, _rewrite_test, _write_pyc_fp, get_cache_dir

TESTS = Path(__file__).resolve().parents[1]


def rewritten_by_pytest(tests: Path) -> list[Path]:
    """The files pytest rewrites: test modules, conftests and the plugins they name."""
    return sorted({*tests.rglob("test_*.py"), *tests.rglob("conftest.py"),
                   *(tests / "fixtures").glob("*.py")})


def rewrite(source: Path) -> None:
    """``source`` rewritten into pytest's cache beside it, replacing any pyc atomically."""
    source_hash, code = _rewrite_test(source, None)  # type: ignore[arg-type]
    cache = get_cache_dir(source)
    cache.mkdir(exist_ok=True)
    pyc = cache / (source.name[:-3] + PYC_TAIL)
    partial = pyc.with_name(f"{pyc.name}.ahead")
    with open(partial, "wb") as out:
        _write_pyc_fp(out, source_hash, code)
    partial.replace(pyc)


def main() -> None:
    sources = rewritten_by_pytest(TESTS)
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(rewrite, sources, chunksize=16))
    print(f"rewrote the asserts of {len(sources)} test files ahead of the run", file=sys.stderr)


if __name__ == "__main__":
    main()
