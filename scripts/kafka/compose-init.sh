#!/usr/bin/env bash
# docker-compose.yml's kafka-init: creates the SCRAM-SHA-512 users of pimflow's parties on the compose broker and adds
# their ACLs (pimflow-acls.txt through apply-acls.sh), as the broker's admin (super user, SASL/PLAIN on the internal
# listener). Runs in the apache/kafka image after the broker is healthy; adding what exists changes nothing, so it runs
# again at every `docker compose up`. A party whose password variable is empty gets no user (its ACLs are added all the
# same, ready for when it has one).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${KAFKA_BIN:-/opt/kafka/bin}"
bootstrap="${KAFKA_BOOTSTRAP:-kafka:9092}"

umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/admin.properties" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="${ADMIN_PASSWORD:?ADMIN_PASSWORD is required}";
PROPS

create_user() { # name password
  if [ -z "$2" ]; then
    echo "no password for Kafka user '$1': not created"
    return
  fi
  case "$2" in *[,\]\[=\"\ ]*) echo "the Kafka password of '$1' must not contain , [ ] = \" or spaces" >&2; exit 1 ;; esac
  "$bin/kafka-configs.sh" --bootstrap-server "$bootstrap" --command-config "$work/admin.properties" --alter \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$2]" --entity-type users --entity-name "$1" >/dev/null
  echo "Kafka user '$1' (SCRAM-SHA-512) is set"
}
create_user orchestrator "${ORCHESTRATOR_PASSWORD:?ORCHESTRATOR_PASSWORD is required}"
create_user ticket-system "${TICKET_SYSTEM_PASSWORD:-}"
create_user mfa-gateway "${MFA_GATEWAY_PASSWORD:-}"
create_user auditor "${AUDITOR_PASSWORD:-}"

principals=(--principal orchestrator=User:orchestrator --principal ticket-system=User:ticket-system
            --principal mfa-gateway=User:mfa-gateway --principal auditor=User:auditor)
if [ "${DEV_MFA_GATEWAY_ENABLED:-false}" = "true" ]; then
  # the development MFA gateway runs inside the orchestrator (trials only)
  principals+=(--principal dev-mfa-gateway=User:orchestrator)
fi
KAFKA_BIN="$bin" bash "$here/apply-acls.sh" --bootstrap-server "$bootstrap" --command-config "$work/admin.properties" "${principals[@]}"
echo "Kafka users and ACLs are in place"
