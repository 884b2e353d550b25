#!/usr/bin/env bash
# Debian packages the project needs: Python's venv module, a PostgreSQL server and Chromium.
# Installs what is missing when run as root; otherwise says what to install.
# One rule for the browser, the same as the tests: /usr/bin/chromium (Debian's package).
set -euo pipefail
missing=()
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  missing+=(postgresql)
fi
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null
else
  echo "WARNING: missing Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]});"
  echo "WARNING: without them the PostgreSQL and/or browser tests are skipped and say so."
fi
