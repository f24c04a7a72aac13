#!/usr/bin/env bash
# The npm package as a user gets it: `npm pack`, install the tarball into an empty directory, then
# run from PATH (node_modules/.bin): `mirrorwatch --version`, `mirrorwatch check-config`,
# `mirrorwatch run` (starts, /healthz answers, /metrics carries version and revision, SIGTERM
# stops it; no Kafka needed: the clusters are simply unreachable) and the runbook scripts
# (mirrorwatch-failover / mirrorwatch-failback, which call `mirrorwatch` from PATH). Also checks
# that the rules, dashboards, docs and LICENSE are inside.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
pid=''
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "pack-test: $*" >&2; exit 1; }

# prepack builds dist/ (and dist/build-info.json with the git revision).
tarball=$(npm pack --silent --pack-destination "$work" | tail -1)
[[ -f "$work/$tarball" ]] || fail "npm pack produced no tarball"
echo "packed $tarball ($(du -k "$work/$tarball" | cut -f1) KB)"

listing=$(tar -tzf "$work/$tarball")
for f in package/LICENSE package/CHANGELOG.md package/README.md package/dist/cli/main.js package/dist/build-info.json \
  package/prometheus/rules/mirrorwatch-alerts.yml package/grafana/dashboards/mirrorwatch-overview.json \
  package/docs/runbook.md package/docs/alerts/README.md package/scripts/failover.sh package/scripts/lib/runbook.sh; do
  grep -qx "$f" <<< "$listing" || fail "$f is not in the package"
done
! grep -q '^package/\(src\|test\|node_modules\)/' <<< "$listing" || fail "sources or tests leaked into the package"

app="$work/app"
mkdir -p "$app"
(cd "$app" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "$work/$tarball")
export PATH="$app/node_modules/.bin:$PATH"
[[ "$(command -v mirrorwatch)" == "$app/node_modules/.bin/mirrorwatch" ]] || fail "mirrorwatch is not on PATH from the package"

version=$(node -p "require('$repo/package.json').version")
[[ "$(mirrorwatch --version)" == "$version" ]] || fail "mirrorwatch --version: $(mirrorwatch --version), expected $version"

port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
dead=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
cat > "$app/mirrorwatch.yaml" <<YAML
clusters:
  - alias: us-east
    bootstrapServers: [127.0.0.1:$dead]
    connectionTimeout: 300ms
    requestTimeout: 500ms
  - alias: us-west
    bootstrapServers: [127.0.0.1:$dead]
    connectionTimeout: 300ms
    requestTimeout: 500ms
flows:
  - source: us-east
    target: us-west
poll:
  interval: 1s
  timeout: 800ms
http:
  host: 127.0.0.1
  port: $port
YAML
mirrorwatch check-config -c "$app/mirrorwatch.yaml" > "$work/check-config.out" || fail "check-config failed: $(cat "$work/check-config.out")"
# The example configuration shipped in the package is valid too.
mirrorwatch check-config -c "$app/node_modules/mirrorwatch/config/mirrorwatch.example.yaml" > /dev/null || fail "check-config rejects the shipped example"
echo "check-config: ok"
# The rules renderer (the mixin) runs from the package: its defaults are the shipped rule files.
mirrorwatch rules --out "$work/rules" > /dev/null || fail "mirrorwatch rules failed"
for f in mirrorwatch-recording.yml mirrorwatch-alerts.yml; do
  cmp -s "$work/rules/$f" "$app/node_modules/mirrorwatch/prometheus/rules/$f" || fail "mirrorwatch rules: $f differs from the shipped prometheus/rules/$f"
done
mirrorwatch rules -c "$app/node_modules/mirrorwatch/config/mixin.example.yaml" > "$work/mixin-rules.yml" || fail "mirrorwatch rules rejects the shipped mixin example"
echo "rules: ok"

mirrorwatch run -c "$app/mirrorwatch.yaml" > "$work/run.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$port/healthz" > /dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "mirrorwatch run exited early: $(tail -5 "$work/run.log")"
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/healthz" | grep -q '"ok"' || fail "/healthz did not answer: $(tail -5 "$work/run.log")"
info=$(curl -fsS "http://127.0.0.1:$port/metrics" | grep '^mirrorwatch_build_info')
revision=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)
grep -q "version=\"$version\"" <<< "$info" || fail "build info without the version: $info"
grep -q "revision=\"$revision" <<< "$info" || fail "build info without revision $revision: $info"
echo "run: /healthz ok; $info"
kill -TERM "$pid"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then fail "mirrorwatch run did not stop within 5 s of SIGTERM"; fi
wait "$pid" && code=0 || code=$?
pid=''
[[ $code -eq 0 ]] || fail "mirrorwatch run exited with $code after SIGTERM: $(tail -5 "$work/run.log")"
echo "run: stopped on SIGTERM (exit 0)"

# The runbook scripts from PATH. Against unreachable clusters each must fail cleanly (exit 1) at
# its first mirrorwatch step, which proves it ran the packaged CLI: failover's preflight
# (mirrorwatch lag); failback's catch-up wait, after a no-op hook enabling the reverse flow.
printf 'enable_reverse_flow() { :; }\n' > "$work/hooks.sh"
for script in mirrorwatch-failover mirrorwatch-failback; do
  command -v "$script" > /dev/null || fail "$script is not on PATH"
  set +e
  "$script" --help > "$work/$script.help" 2>&1
  code=$?
  set -e
  [[ $code -eq 2 ]] || fail "$script --help exited $code, expected 2 (usage)"
  grep -q -- '--flow' "$work/$script.help" || fail "$script --help printed no usage"
done
set +e
mirrorwatch-failover --flow 'us-east->us-west' -c "$app/mirrorwatch.yaml" > "$work/failover.out" 2>&1
failover_code=$?
mirrorwatch-failback --flow 'us-east->us-west' -c "$app/mirrorwatch.yaml" --hooks "$work/hooks.sh" --catch-up-timeout 3s > "$work/failback.out" 2>&1
failback_code=$?
set -e
for s in failover failback; do
  ! grep -q 'command not found\|No such file' "$work/$s.out" || fail "$s could not run mirrorwatch: $(tail -5 "$work/$s.out")"
done
[[ $failover_code -eq 1 ]] || fail "failover exited $failover_code, expected 1: $(tail -5 "$work/failover.out")"
grep -q 'FAILED at step 1 (preflight)' "$work/failover.out" || fail "failover did not stop at its preflight: $(tail -5 "$work/failover.out")"
[[ $failback_code -eq 1 ]] || fail "failback exited $failback_code, expected 1: $(tail -5 "$work/failback.out")"
grep -q 'FAILED at step 2' "$work/failback.out" || fail "failback did not stop at its catch-up wait: $(tail -5 "$work/failback.out")"
echo "runbook scripts: mirrorwatch-failover and mirrorwatch-failback run the packaged CLI from PATH"
echo "pack-test: passed"
