#!/usr/bin/env bash
# Installs what the test suites need on a Debian machine, when it is missing; tests/run.sh calls it first.
# Silent when everything is there (one dpkg-query, no apt-get). Run as root with apt-get, it installs the
# missing packages with one "apt-get update" and one "apt-get install"; otherwise it prints exactly what to
# install and goes on. Best effort either way: a test whose tool is missing is reported as skipped with
# the reason (and with CI=true, tests/run.sh fails the run for it).
#
# What needs what:
#   docker.io       the Docker tests start a private dockerd (tests/TestSupport/Docker)
#   busybox-static  the sandbox image those tests build (deploy/sandbox/build-image.sh)
#   bubblewrap      the local task sandbox (bwrap), used when there is no Docker engine
#   chromium        the dashboard's browser test (tests/e2e), driven through playwright-core
#   user postgres   initdb refuses to run as root, so as root the embedded servers run as "postgres"
#
# Not installed here (the README's prerequisites): the .NET SDK, Node 20 with npm, and the PostgreSQL
# binaries the tests start their servers from.
set -uo pipefail

packages=(docker.io busybox-static bubblewrap chromium)

is_root() { [[ $(id -u) == 0 ]]; }

# The packages of $packages that dpkg does not list as installed. Without dpkg (not Debian) nothing can be
# checked: say so once and report nothing missing.
missing_packages() {
    if ! command -v dpkg-query >/dev/null; then
        echo "tests/setup.sh: no dpkg-query (not Debian?); make sure these are installed: ${packages[*]}" >&2
        return
    fi
    local package
    for package in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q '^install ok installed$'; then
            echo "$package"
        fi
    done
}

install_packages() {
    local log
    log=$(mktemp)
    echo "tests/setup.sh: installing $*" >&2
    if ! { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -qq update \
           && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -qq install -y "$@"; } \
           >"$log" 2>&1; then
        echo "tests/setup.sh: installing $* failed; the tests that need them will be skipped:" >&2
        tail -n 20 "$log" >&2
    fi
    rm -f "$log"
}

mapfile -t missing < <(missing_packages)
if ((${#missing[@]} > 0)); then
    if is_root && command -v apt-get >/dev/null; then
        install_packages "${missing[@]}"
    else
        echo "tests/setup.sh: missing ${missing[*]}; the tests that need them will be skipped. Install them with:" >&2
        echo "    sudo apt-get install -y ${missing[*]}" >&2
    fi
fi

# Only root needs the postgres user (as anyone else the embedded servers run as that user). Debian's
# postgresql packages create it; binaries installed some other way may not have.
if is_root && ! id postgres >/dev/null 2>&1; then
    if ! useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres; then
        echo "tests/setup.sh: could not create the postgres user; the PostgreSQL tests will fail. Create it with:" >&2
        echo "    useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres" >&2
    fi
fi

exit 0
