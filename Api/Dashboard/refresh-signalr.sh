#!/usr/bin/env bash
# Refreshes the dashboard's vendored SignalR browser client from the npm registry:
#   wwwroot/vendor/signalr.min.js    the package's dist/browser/signalr.min.js, byte for byte
#   wwwroot/vendor/signalr.version   which package version it is and the file's SHA-256
#
#   bash Api/Dashboard/refresh-signalr.sh [version]
#
# Without a version it takes the one tests/e2e/package.json pins, so the page and the Node e2e tests
# use the same client (tests/e2e checks that they agree). To move to a new client: change the pin
# there, run `npm install` in tests/e2e (updates package-lock.json), then run this script.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vendor="$here/wwwroot/vendor"
version=${1:-$(node -p "require('$here/../../tests/e2e/package.json').devDependencies['@microsoft/signalr']")}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$work" && npm pack --silent "@microsoft/signalr@$version" 2>/dev/null | tail -n 1)
tar -xzf "$work/$tarball" -C "$work"

resolved=$(node -p "require('$work/package/package.json').version")
license=$(node -p "require('$work/package/package.json').license")
cp "$work/package/dist/browser/signalr.min.js" "$vendor/signalr.min.js"
# The package names its license (MIT) but ships no license file; keep ours unless it starts shipping one.
for name in LICENSE LICENSE.txt LICENSE.md; do
    if [[ -f "$work/package/$name" ]]; then
        cp "$work/package/$name" "$vendor/signalr.LICENSE.txt"
    fi
done

{
    echo "package: @microsoft/signalr"
    echo "version: $resolved"
    echo "license: $license"
    echo "file: dist/browser/signalr.min.js"
    echo "sha256: $(sha256sum "$vendor/signalr.min.js" | cut -d' ' -f1)"
} >"$vendor/signalr.version"

echo "Vendored @microsoft/signalr $resolved into $vendor"
