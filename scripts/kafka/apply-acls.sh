#!/usr/bin/env bash
# Adds the ACLs of scripts/kafka/pimflow-acls.txt to a Kafka cluster with kafka-acls.sh, for the principals you name.
#
#   scripts/kafka/apply-acls.sh --bootstrap-server kafka:9092 --command-config admin.properties \
#       --principal orchestrator=User:orchestrator --principal ticket-system=User:ticket-system \
#       --principal mfa-gateway=User:mfa-gateway --principal auditor=User:auditor [--principal operator=User:...]
#
# A party without --principal is skipped (said so on stderr). --dry-run prints the kafka-acls.sh arguments, one ACL a
# line, instead of running them. KAFKA_BIN: where kafka-acls.sh is (default /opt/kafka/bin, as in the apache/kafka
# image); ACLS_FILE: another table. Adding an ACL that exists already changes nothing, so the script can run again.
set -euo pipefail

acls_file="${ACLS_FILE:-$(dirname "$0")/pimflow-acls.txt}"
kafka_bin="${KAFKA_BIN:-/opt/kafka/bin}"
bootstrap=""
command_config=""
dry_run=false
declare -A principal=()

while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap-server) bootstrap="$2"; shift 2 ;;
    --command-config) command_config="$2"; shift 2 ;;
    --principal)
      case "$2" in
        *=User:?*) principal["${2%%=*}"]="${2#*=}" ;;
        *) echo "--principal takes PARTY=User:NAME, not '$2'" >&2; exit 2 ;;
      esac
      shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    *) echo "unknown argument '$1' (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
if ! $dry_run && [ -z "$bootstrap" ]; then
  echo "--bootstrap-server is required" >&2
  exit 2
fi

declare -A skipped=()
line_no=0
while read -r party type pattern name operations rest || [ -n "${party:-}" ]; do
  line_no=$((line_no + 1))
  case "${party:-}" in ''|'#'*) continue ;; esac
  if [ -z "${operations:-}" ] || [ -n "${rest:-}" ]; then
    echo "$acls_file:$line_no: expected 5 columns: party type pattern name operations" >&2
    exit 1
  fi
  case "$type" in topic|group) ;; *) echo "$acls_file:$line_no: resource type must be topic or group, not '$type'" >&2; exit 1 ;; esac
  case "$pattern" in literal|prefixed) ;; *) echo "$acls_file:$line_no: pattern must be literal or prefixed, not '$pattern'" >&2; exit 1 ;; esac
  if [ -z "${principal[$party]:-}" ]; then
    skipped["$party"]=1
    continue
  fi
  args=(--add --allow-principal "${principal[$party]}")
  IFS=',' read -r -a ops <<< "$operations"
  for op in "${ops[@]}"; do
    args+=(--operation "$op")
  done
  args+=("--$type" "$name" --resource-pattern-type "$pattern")
  if $dry_run; then
    echo "${args[*]}"
  else
    config_args=()
    if [ -n "$command_config" ]; then
      config_args=(--command-config "$command_config")
    fi
    "$kafka_bin/kafka-acls.sh" --bootstrap-server "$bootstrap" "${config_args[@]}" "${args[@]}" >/dev/null
    echo "added: ${args[*]}"
  fi
done < "$acls_file"

for party in "${!skipped[@]}"; do
  echo "skipped the ACLs of '$party': no --principal $party=User:..." >&2
done
