#!/usr/bin/env bash
# Debian packages the test suite needs: a PostgreSQL server and Chromium.
# Installs what is missing when run as root; otherwise says what to install.
set -euo pipefail
missing=()
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  missing+=(postgresql)
fi
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null
else
  echo "WARNING: missing Debian packages: ${missing[*]} (sudo apt-get install ${missing[*]});"
  echo "WARNING: the PostgreSQL and/or browser tests will be skipped and say so."
fi
