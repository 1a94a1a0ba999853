#!/usr/bin/env bash
# Idempotent set-up: Debian packages (when root and missing), uv, and the .venv from uv.lock,
# its bytecode compiled.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra postgresql fonts-noto-cjk fonts-arphic-ukai
          poppler-utils chromium nginx-light openssl)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
        echo "setup: installing Debian packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    else
        echo "setup: missing Debian packages: ${missing[*]}" >&2
        echo "setup: run 'sudo make setup' or: sudo apt-get install ${missing[*]}" >&2
        exit 1
    fi
fi

uv=$(command -v uv || true)
if [[ -z "$uv" ]]; then
    if [[ ! -x .venv-tools/bin/uv ]]; then
        echo "setup: installing uv from PyPI into .venv-tools"
        python3 -m venv .venv-tools
        .venv-tools/bin/pip install -q uv
    fi
    uv=.venv-tools/bin/uv
fi
# Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set (it is on our build
# machines), every process would otherwise compile SQLAlchemy, NumPy and Litestar from
# source as it starts, which was a third of the test suite's CPU.
"$uv" sync --locked --quiet --compile-bytecode
.venv/bin/python -m compileall -q -j 0 services >/dev/null
