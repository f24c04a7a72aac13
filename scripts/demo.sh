#!/usr/bin/env bash
# The README's demo in one command on a fresh machine: a supported Node (fetched from the npm
# registry when the machine's is older than 22.15), npm ci when needed, then `npm run demo`.
# Arguments are passed on: bash scripts/demo.sh --port 9467 --version 3.9.2
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=node-env.sh
. scripts/node-env.sh
use_node system
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
exec npm run demo -- "$@"
