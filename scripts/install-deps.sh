#!/usr/bin/env bash
# Installs the Debian 12 packages Huikuan builds and tests with. Idempotent: does nothing
# (and needs no network) when every package is already installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ninja-build
  libsqlite3-dev libsqlitecpp-dev sqlite3
  libpqxx-dev postgresql  # the PostgreSQL store; its tests start a throwaway cluster
  nlohmann-json3-dev rapidjson-dev libcli11-dev libtomlplusplus-dev libhowardhinnant-date-dev tzdata
  libfmt-dev libspdlog-dev libexpected-dev
  libxlsxwriter-dev libicu-dev libabsl-dev libsodium-dev
  libboost1.81-dev libboost-url1.81-dev prometheus-cpp-dev libgmime-3.0-dev libgoogle-perftools-dev wrk
  libcurl4-openssl-dev libkainjow-mustache-dev libcairo2-dev libpango1.0-dev  # messages and PDF letters
  python3-aiosmtpd openssl poppler-utils  # message tests: local SMTP server, TLS certificate; pdftotext, pdftoppm
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format
  chromium fonts-noto-cjk  # the web app's end-to-end tests and screenshots (playwright-core)
)
# Node.js builds the web app (Vite needs 20.19 or later); Debian's package when there is none.
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
