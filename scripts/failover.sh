#!/usr/bin/env bash
# Failover runbook (docs/runbook.md): move producers and consumers from the primary cluster to the
# secondary once MirrorMaker 2 has copied everything.
#
#   scripts/failover.sh --flow 'primary->secondary' (-c mirrorwatch.yaml | --url http://mirrorwatch:9467)
#                       [--hooks hooks.sh] [--group billing ...] [--max-lag 0]
#                       [--wait-timeout 10m] [--verify-timeout 2m]
#
# Steps (each must succeed before the next runs; a failing step stops the script with exit 1,
# 2 for bad usage):
#   1. preflight        mirrorwatch lag: the flow can be read
#   2. stop_producers   HOOK (required): stop writing to the primary
#   3. wait             mirrorwatch wait --max-lag 0: everything produced is on the secondary
#   4. stop_consumers   HOOK (optional): stop the consumers on the primary
#   5. wait groups      with --group: their last commits are checkpointed (translated for the secondary)
#   6. verify           mirrorwatch verify: remote topics, partitions, lag 0, nothing lost
#   7. switch_traffic   HOOK (required): DNS / load balancers / client configs to the secondary
#   8. start_consumers  HOOK (required): consumers on the secondary (they resume from the
#                       offsets MM2 translated, with sync.group.offsets.enabled = true)
#   9. start_producers  HOOK (optional): producers on the secondary
#
# Hooks are shell functions named as above in the file given with --hooks (or $MIRRORWATCH_HOOKS),
# or commands in environment variables HOOK_STOP_PRODUCERS, HOOK_SWITCH_TRAFFIC, ... A hook sees
# MW_SCRIPT=failover, MW_STEP, MW_SOURCE (primary), MW_TARGET (secondary) and MW_FLOW.
# $MIRRORWATCH is the mirrorwatch command (default: mirrorwatch), e.g. "npx mirrorwatch".
set -euo pipefail

SCRIPT=failover
usage() {
  sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

FLOW=''
SOURCE_ARGS=()
HOOKS_FILE="${MIRRORWATCH_HOOKS:-}"
GROUP_ARGS=()
MAX_LAG=0
WAIT_TIMEOUT=10m
VERIFY_TIMEOUT=2m
while [ $# -gt 0 ]; do
  case "$1" in
    --flow) FLOW="${2:-}"; shift 2 ;;
    -c|--config) SOURCE_ARGS=(-c "${2:-}"); shift 2 ;;
    --url) SOURCE_ARGS=(--url "${2:-}"); shift 2 ;;
    --hooks) HOOKS_FILE="${2:-}"; shift 2 ;;
    --group) GROUP_ARGS+=(--group "${2:-}"); shift 2 ;;
    --max-lag) MAX_LAG="${2:-}"; shift 2 ;;
    --wait-timeout) WAIT_TIMEOUT="${2:-}"; shift 2 ;;
    --verify-timeout) VERIFY_TIMEOUT="${2:-}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "$SCRIPT: unknown argument: $1" >&2; usage ;;
  esac
done
[ -n "$FLOW" ] || { echo "$SCRIPT: --flow 'primary->secondary' is required" >&2; exit 2; }

STEPS_TOTAL=9
# Flow checks, hooks loading, step, die, hook and mw are shared with the other runbook script.
# shellcheck source=lib/runbook.sh
# Resolved: npm links the installed package's bin entries (mirrorwatch-failover, ...) to this file.
. "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib/runbook.sh"

step preflight "read flow $FLOW"
mw lag --flow "$FLOW" "${SOURCE_ARGS[@]}" || die "cannot read flow $FLOW (mirrorwatch lag exited with $?); nothing was changed"

step stop_producers "stop producers on $MW_SOURCE"
hook stop_producers required

step wait "wait until $MW_TARGET has every record (lag <= $MAX_LAG)"
mw wait --flow "$FLOW" --max-lag "$MAX_LAG" --timeout "$WAIT_TIMEOUT" "${SOURCE_ARGS[@]}" ||
  die "replication did not catch up within $WAIT_TIMEOUT; producers are stopped, traffic still points at $MW_SOURCE"

step stop_consumers "stop consumers on $MW_SOURCE"
hook stop_consumers optional

step wait_groups "wait until the consumer groups' last commits are checkpointed"
if [ ${#GROUP_ARGS[@]} -gt 0 ]; then
  mw wait --flow "$FLOW" --max-lag "$MAX_LAG" "${GROUP_ARGS[@]}" --timeout "$WAIT_TIMEOUT" "${SOURCE_ARGS[@]}" ||
    die "the groups' offsets were not checkpointed within $WAIT_TIMEOUT: consumers on $MW_TARGET would re-read more than needed"
else
  echo '(no --group given: skipped)'
fi

step verify "verify $MW_TARGET is a complete copy"
mw verify --flow "$FLOW" --timeout "$VERIFY_TIMEOUT" "${SOURCE_ARGS[@]}" || die "verification of $FLOW failed; traffic still points at $MW_SOURCE"

step switch_traffic "switch DNS / load balancers to $MW_TARGET"
hook switch_traffic required

step start_consumers "start consumers on $MW_TARGET"
hook start_consumers required

step start_producers "start producers on $MW_TARGET"
hook start_producers optional

printf '\n%s: done, traffic now on %s (%s)\n' "$SCRIPT" "$MW_TARGET" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
