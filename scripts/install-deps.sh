#!/usr/bin/env bash
# Installs the system libraries Letterlock links against, when they are missing.
# Debian/Ubuntu only (apt-get); elsewhere it prints what to install and fails.
set -euo pipefail

packages=(pkg-config libjpeg62-turbo-dev libpng-dev libwebp-dev libsodium-dev libsqlite3-dev)
# Ubuntu names libjpeg-turbo's dev package differently.
if ! apt-cache show libjpeg62-turbo-dev >/dev/null 2>&1 && apt-cache show libjpeg-turbo8-dev >/dev/null 2>&1; then
    packages=("${packages[@]/libjpeg62-turbo-dev/libjpeg-turbo8-dev}")
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing system libraries (${missing[*]}) and no apt-get to install them." >&2
    echo "       Install the equivalents of: ${missing[*]}" >&2
    exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing system libraries: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
