#!/usr/bin/env bash
# Failback runbook (docs/runbook.md): after a failover to the secondary, bring traffic back to the
# primary once the reverse flow has copied everything written to the secondary meanwhile.
#
#   scripts/failback.sh --flow 'secondary->primary' (-c mirrorwatch.yaml | --url http://mirrorwatch:9467)
#                       [--hooks hooks.sh] [--group billing ...] [--catch-up-lag 1000]
#                       [--catch-up-timeout 30m] [--wait-timeout 10m] [--verify-timeout 2m]
#
# --flow is the REVERSE flow, from the cluster now serving traffic back to the primary. Its
# figures must be known to mirrorwatch (list it under flows:, or enable it in mm2.properties).
# Steps (a failing step stops the script with exit 1, 2 for bad usage):
#   1. enable_reverse_flow  HOOK (required): e.g. set secondary->primary.enabled = true, restart MM2
#   2. catch up             mirrorwatch wait --max-lag N while traffic still flows (bulk copy)
#   3. stop_producers       HOOK (required): stop writing to the secondary
#   4. wait                 mirrorwatch wait --max-lag 0 on the reverse flow
#   5. stop_consumers       HOOK (optional): stop the consumers on the secondary
#   6. wait groups          with --group: their last commits are checkpointed for the primary
#   7. verify               mirrorwatch verify on the reverse flow
#   8. switch_traffic       HOOK (required): DNS / load balancers back to the primary
#   9. start_consumers      HOOK (required): consumers on the primary
#  10. start_producers      HOOK (optional): producers on the primary
#  11. restore_replication  HOOK (optional): e.g. back to active-passive primary->secondary
#
# Hooks are shell functions named as above in the file given with --hooks (or $MIRRORWATCH_HOOKS),
# or commands in HOOK_ENABLE_REVERSE_FLOW, HOOK_STOP_PRODUCERS, ... A hook sees MW_SCRIPT=failback,
# MW_STEP, MW_SOURCE (the secondary), MW_TARGET (the primary) and MW_FLOW.
# $MIRRORWATCH is the mirrorwatch command (default: mirrorwatch), e.g. "npx mirrorwatch".
set -euo pipefail

SCRIPT=failback
usage() {
  sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

FLOW=''
SOURCE_ARGS=()
HOOKS_FILE="${MIRRORWATCH_HOOKS:-}"
GROUP_ARGS=()
CATCH_UP_LAG=1000
CATCH_UP_TIMEOUT=30m
WAIT_TIMEOUT=10m
VERIFY_TIMEOUT=2m
while [ $# -gt 0 ]; do
  case "$1" in
    --flow) FLOW="${2:-}"; shift 2 ;;
    -c|--config) SOURCE_ARGS=(-c "${2:-}"); shift 2 ;;
    --url) SOURCE_ARGS=(--url "${2:-}"); shift 2 ;;
    --hooks) HOOKS_FILE="${2:-}"; shift 2 ;;
    --group) GROUP_ARGS+=(--group "${2:-}"); shift 2 ;;
    --catch-up-lag) CATCH_UP_LAG="${2:-}"; shift 2 ;;
    --catch-up-timeout) CATCH_UP_TIMEOUT="${2:-}"; shift 2 ;;
    --wait-timeout) WAIT_TIMEOUT="${2:-}"; shift 2 ;;
    --verify-timeout) VERIFY_TIMEOUT="${2:-}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "$SCRIPT: unknown argument: $1" >&2; usage ;;
  esac
done
[ -n "$FLOW" ] || { echo "$SCRIPT: --flow 'secondary->primary' (the reverse flow) is required" >&2; exit 2; }

STEPS_TOTAL=11
# Flow checks, hooks loading, step, die, hook and mw are shared with the other runbook script.
# shellcheck source=lib/runbook.sh
# Resolved: npm links the installed package's bin entries (mirrorwatch-failover, ...) to this file.
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/runbook.sh"

step enable_reverse_flow "enable replication $FLOW"
hook enable_reverse_flow required

step catch_up "let $MW_TARGET catch up while traffic still flows (lag <= $CATCH_UP_LAG per partition)"
mw wait --flow "$FLOW" --max-lag "$CATCH_UP_LAG" --timeout "$CATCH_UP_TIMEOUT" "${SOURCE_ARGS[@]}" ||
  die "the reverse flow did not catch up within $CATCH_UP_TIMEOUT; nothing was switched, traffic stays on $MW_SOURCE"

step stop_producers "stop producers on $MW_SOURCE"
hook stop_producers required

step wait "wait until $MW_TARGET has every record (lag 0)"
mw wait --flow "$FLOW" --max-lag 0 --timeout "$WAIT_TIMEOUT" "${SOURCE_ARGS[@]}" ||
  die "the reverse flow did not reach lag 0 within $WAIT_TIMEOUT; producers are stopped, traffic still points at $MW_SOURCE"

step stop_consumers "stop consumers on $MW_SOURCE"
hook stop_consumers optional

step wait_groups "wait until the consumer groups' last commits are checkpointed"
if [ ${#GROUP_ARGS[@]} -gt 0 ]; then
  mw wait --flow "$FLOW" --max-lag 0 "${GROUP_ARGS[@]}" --timeout "$WAIT_TIMEOUT" "${SOURCE_ARGS[@]}" ||
    die "the groups' offsets were not checkpointed within $WAIT_TIMEOUT"
else
  echo '(no --group given: skipped)'
fi

step verify "verify $MW_TARGET is a complete copy"
mw verify --flow "$FLOW" --timeout "$VERIFY_TIMEOUT" "${SOURCE_ARGS[@]}" || die "verification of $FLOW failed; traffic still points at $MW_SOURCE"

step switch_traffic "switch DNS / load balancers back to $MW_TARGET"
hook switch_traffic required

step start_consumers "start consumers on $MW_TARGET"
hook start_consumers required

step start_producers "start producers on $MW_TARGET"
hook start_producers optional

step restore_replication "restore the usual replication direction"
hook restore_replication optional

printf '\n%s: done, traffic back on %s (%s)\n' "$SCRIPT" "$MW_TARGET" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
