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
REQUIRED=(PIM_ADMIN_PASSWORD PIM_MFA_SHARED_SECRET PIM_AUDIT_HMAC_KEY POSTGRES_PASSWORD KAFKA_ADMIN_PASSWORD KAFKA_ORCHESTRATOR_PASSWORD)
DUMMIES=(PIM_ADMIN_PASSWORD=validate-admin-password
         PIM_MFA_SHARED_SECRET=validate-mfa-shared-secret-of-32-bytes-or-more
         PIM_AUDIT_HMAC_KEY=validate-audit-hmac-key-of-32-bytes-or-more
         POSTGRES_PASSWORD=validate-postgres-password
         KAFKA_ADMIN_PASSWORD=validateKafkaAdminPassword
         KAFKA_ORCHESTRATOR_PASSWORD=validateKafkaOrchestratorPassword)

env "${DUMMIES[@]}" docker-compose -f docker-compose.yml config -q
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
services="$(env "${DUMMIES[@]}" docker-compose -f docker-compose.yml config --services | sort | tr '\n' ' ')"
if [ "$services" != "graph-simulator kafka kafka-init orchestrator postgres " ]; then
  echo "unexpected services: $services" >&2
  exit 1
fi
echo "services: $services"

# Kafka authenticates and authorizes (issue 17, finding 5): no PLAINTEXT listener, the standard authorizer with no
# allow-everyone fallback, kafka-init's users and ACLs before the orchestrator, which logs in with SCRAM
config="$(env "${DUMMIES[@]}" docker-compose -f docker-compose.yml config)"
require() { # description pattern
  if ! grep -Eq -- "$2" <<< "$config"; then
    echo "docker-compose.yml: $1 (expected a line matching: $2)" >&2
    exit 1
  fi
}
if grep -Eq 'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:.*:PLAINTEXT(,|$| )' <<< "$config"; then
  echo "docker-compose.yml: a Kafka listener is PLAINTEXT (unauthenticated)" >&2
  exit 1
fi
require "the broker must authorize with the standard KRaft authorizer" 'KAFKA_AUTHORIZER_CLASS_NAME: org\.apache\.kafka\.metadata\.authorizer\.StandardAuthorizer'
require "requests no ACL allows must be refused" "KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND: ['\"]?false"
require "the orchestrator must log in with SASL" 'SPRING_KAFKA_SECURITY_PROTOCOL: SASL_(PLAINTEXT|SSL)'
require "the orchestrator must use SCRAM-SHA-512" 'SPRING_KAFKA_PROPERTIES_SASL_MECHANISM: SCRAM-SHA-512'
require "kafka-init must run the ACL script" 'compose-init\.sh'
require "the orchestrator must wait for kafka-init" 'condition: service_completed_successfully'
for f in scripts/kafka/compose-init.sh scripts/kafka/apply-acls.sh scripts/kafka/pimflow-acls.txt; do
  [ -f "$f" ] || { echo "missing $f (kafka-init mounts scripts/kafka)" >&2; exit 1; }
done
bash -n scripts/kafka/compose-init.sh
bash -n scripts/kafka/apply-acls.sh
echo "Kafka: SASL/SCRAM listeners, the standard authorizer, kafka-init's users and ACLs before the orchestrator"
