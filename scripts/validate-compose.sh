#!/usr/bin/env bash
# Validates docker-compose.yml without a Docker engine: `docker-compose config` parses the file, checks it against the
# Compose schema and interpolates the variables. Installs Debian's docker-compose if it is missing.
#   scripts/validate-compose.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker-compose >/dev/null 2>&1; then
  echo "docker-compose is not installed: installing Debian's package"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  # without the recommended packages: the Docker engine is not needed to validate
  if ! $SUDO apt-get install -y --no-install-recommends docker-compose >/dev/null; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y --no-install-recommends docker-compose >/dev/null
  fi
fi
echo "Validating docker-compose.yml with $(docker-compose version --short 2>/dev/null || docker-compose version | head -1)"

# the secrets the file requires (${VAR:?...}); dummy values, only for the check
REQUIRED=(PIM_ADMIN_PASSWORD PIM_MFA_SHARED_SECRET PIM_AUDIT_HMAC_KEY POSTGRES_PASSWORD)

env PIM_ADMIN_PASSWORD=validate-admin-password \
    PIM_MFA_SHARED_SECRET=validate-mfa-shared-secret-of-32-bytes-or-more \
    PIM_AUDIT_HMAC_KEY=validate-audit-hmac-key-of-32-bytes-or-more \
    POSTGRES_PASSWORD=validate-postgres-password \
    docker-compose -f docker-compose.yml config -q
echo "docker-compose.yml is valid"

# each required secret really is required: without it, the file must not resolve
for missing in "${REQUIRED[@]}"; do
  args=()
  for v in "${REQUIRED[@]}"; do
    if [ "$v" != "$missing" ]; then
      args+=("$v=dummy")
    fi
  done
  if env -u "$missing" "${args[@]}" docker-compose -f docker-compose.yml config -q >/dev/null 2>&1; then
    echo "docker-compose.yml resolves without $missing: it must be required (\${$missing:?...})" >&2
    exit 1
  fi
done
echo "docker-compose.yml requires ${REQUIRED[*]}"

# the services and their start order
services="$(env PIM_ADMIN_PASSWORD=x PIM_MFA_SHARED_SECRET=x PIM_AUDIT_HMAC_KEY=x POSTGRES_PASSWORD=x docker-compose -f docker-compose.yml config --services | sort | tr '\n' ' ')"
if [ "$services" != "graph-simulator kafka orchestrator postgres " ]; then
  echo "unexpected services: $services" >&2
  exit 1
fi
echo "services: $services"
