# Shared by scripts/failover.sh and scripts/failback.sh (sourced, not run): numbered steps,
# failing with the step named, and operator hooks as shell functions or HOOK_<NAME> commands.
# The caller sets SCRIPT, STEPS_TOTAL, FLOW and HOOKS_FILE; sourcing checks the flow, loads the
# operator's hooks file and sets MW_SOURCE, MW_TARGET and MW (the mirrorwatch command as an array).
case "$FLOW" in *'->'*) ;; *) echo "$SCRIPT: --flow must be SOURCE->TARGET, got '$FLOW'" >&2; exit 2 ;; esac
MW_SOURCE="${FLOW%%->*}"
MW_TARGET="${FLOW#*->}"
export MW_SCRIPT="$SCRIPT" MW_FLOW="$FLOW" MW_SOURCE MW_TARGET
# mirrorwatch from PATH; failing that, the CLI of the package (or built checkout) these scripts
# belong to, so that `npx mirrorwatch-failover` works without a global install.
MW_PACKAGE_CLI="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/dist/cli/main.js"
if [ -n "${MIRRORWATCH:-}" ]; then
  read -r -a MW <<< "$MIRRORWATCH"
elif ! command -v mirrorwatch >/dev/null 2>&1 && [ -f "$MW_PACKAGE_CLI" ]; then
  MW=(node "$MW_PACKAGE_CLI")
else
  MW=(mirrorwatch)
fi
if [ -n "$HOOKS_FILE" ]; then
  [ -r "$HOOKS_FILE" ] || { echo "$SCRIPT: cannot read hooks file $HOOKS_FILE" >&2; exit 2; }
  # shellcheck source=/dev/null
  . "$HOOKS_FILE"
fi
STEP_NO=0
step() {
  STEP_NO=$((STEP_NO + 1))
  export MW_STEP="$1"
  printf '\n==> [%d/%d] %s: %s (%s)\n' "$STEP_NO" "$STEPS_TOTAL" "$SCRIPT" "$2" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
die() {
  printf '\n%s FAILED at step %d (%s): %s\n' "$SCRIPT" "$STEP_NO" "${MW_STEP:-?}" "$1" >&2
  exit 1
}
# Runs hook $1: a shell function of that name, else the command in HOOK_<NAME>; $2 = required|optional.
hook() {
  local name="$1" need="$2" var
  var="HOOK_$(printf '%s' "$name" | tr '[:lower:]' '[:upper:]')"
  local rc
  if declare -F "$name" > /dev/null; then
    # In a subshell with errexit, so any failing command in the hook fails the step (under
    # `||` bash would ignore errexit inside the function).
    set +e
    (set -e; "$name")
    rc=$?
    set -e
    [ "$rc" -eq 0 ] || die "hook $name exited with $rc"
  elif [ -n "${!var:-}" ]; then
    bash -ec "${!var}" || die "hook $var exited with $?"
  elif [ "$need" = required ]; then
    die "no $name hook: define a shell function $name in the hooks file (--hooks or MIRRORWATCH_HOOKS) or set $var"
  else
    echo "(no $name hook: skipped)"
  fi
}
mw() {
  "${MW[@]}" "$@"
}
