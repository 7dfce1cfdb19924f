#!/usr/bin/env bash
# Runs docker-compose on deploy/compose.yaml with deploy/compose.host-network.yaml (and any further -f files
# given in COMPOSE_EXTRA_FILES, space-separated) for an engine without bridge networking. docker-compose 1.29,
# the version Debian serves, cannot drop compose.yaml's published ports in an override (and an engine
# refuses published ports on the host network), so this renders the merged configuration with
# `docker-compose config`, removes `ports` from the services on the host network, and runs the command
# on that. Usage (docs/operations.md, "Docker and Kubernetes"):
#
#   deploy/compose-host-network.sh -p PROJECT up -d --build
#   deploy/compose-host-network.sh -p PROJECT down -v
#
# The first argument pair must be -p PROJECT; the rest is passed to docker-compose.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ ${1:-} == -p && -n ${2:-} ]] || { echo "usage: $0 -p PROJECT COMMAND [ARGS...]" >&2; exit 2; }
project=$2
shift 2

files=(-f "$here/compose.yaml" -f "$here/compose.host-network.yaml")
for extra in ${COMPOSE_EXTRA_FILES:-}; do
    files+=(-f "$extra")
done

rendered=$(mktemp "${TMPDIR:-/tmp}/orleanshub-compose.XXXXXX.yaml")
trap 'rm -f "$rendered"' EXIT
docker-compose -p "$project" --project-directory "$here" "${files[@]}" config \
    | python3 -c '
import sys, yaml
config = yaml.safe_load(sys.stdin)
for service in config.get("services", {}).values():
    if service.get("network_mode") == "host":
        service.pop("ports", None)
yaml.safe_dump(config, sys.stdout, default_flow_style=False, sort_keys=False)
' > "$rendered"
docker-compose -p "$project" --project-directory "$here" -f "$rendered" "$@"
