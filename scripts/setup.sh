#!/usr/bin/env bash
# Installs what LLMBench needs on a fresh Debian machine with Swift at /opt/swift:
# the C libraries it links (libcurl, libxml2, SQLite), pkg-config, xmllint and Python's
# junitparser (both used by the JUnit tests). With --tests, also what only the tests use: zsh and fish
# (the completion tests run the generated scripts in each shell) and Debian's pytest for the system
# python3 (the JUnit-XML grader's tests run it in the sandbox, whose PATH is the system's) and
# Chromium (the HTML report is opened in it, headless). Safe to run twice.
set -euo pipefail

export PATH="/opt/swift/usr/bin:$PATH"
need_apt=()
packages=(libcurl4-openssl-dev libxml2-dev libsqlite3-dev pkg-config libxml2-utils python3 sqlite3)
[ "${1:-}" = "--tests" ] && packages+=(zsh fish python3-pytest chromium)
for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if ! python3 -c "import junitparser" 2>/dev/null; then
    python3 -m pip install -q junitparser==5.0.3 2>/dev/null || python3 -m pip install -q --break-system-packages junitparser==5.0.3
fi
