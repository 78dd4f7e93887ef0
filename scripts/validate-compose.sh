#!/usr/bin/env bash
# Validates docker-compose.yaml and the provisioning it mounts, without a
# Docker engine: the Go checker in .config/composecheck loads the compose file
# as docker compose does (schema, ${VAR:-default} interpolation), applies the
# project's rules to its services (Grafana, the MQTT broker, the demo feed)
# and their Dockerfiles, and checks every provisioned data source and query
# against docs/query-model.md and docs/mqtt.md. Its own tests run first.
#
#   scripts/validate-compose.sh                 the repository's compose file
#   scripts/validate-compose.sh -os-env FILE    a file, with this shell's environment
#
# Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/.config/composecheck"
# The checker is its own module, outside go.work.
export GOWORK=off

echo "== composecheck: its tests"
go test -count=1 ./...

echo "== composecheck: docker-compose.yaml and provisioning/"
if [ "$#" -eq 0 ]; then
  set -- "$root/docker-compose.yaml"
fi
go run . -project-directory "$root" "$@"

# Where the Docker CLI is installed, let compose itself agree (no engine needed).
if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  echo "== docker compose config"
  (cd "$root" && docker compose -f docker-compose.yaml config --quiet)
fi
