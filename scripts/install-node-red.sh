#!/usr/bin/env bash
# Install the Node-RED peer for bench/node-red-peer.ts (figure 7) OUTSIDE the repo, so it never
# becomes a dependency of the product. Idempotent: a second run with the pinned versions in place
# does nothing.
#   NODE_RED_DIR   where to install (default /opt/nodered); the bench reads the same variable.
# Pins (see issue 8): node-red@4 (5.x needs Node 22), node-red-contrib-modbus@5.23.3 (newer
# releases pull a tarball from outside the npm registry, which this workplace cannot reach).
set -euo pipefail
dir="${NODE_RED_DIR:-/opt/nodered}"
red_version="4"
modbus_version="5.23.3"

installed() {
  # True when both packages are there at the pinned major / exact version.
  node -e '
    const [dir, red, modbus] = process.argv.slice(1);
    const v = (p) => require(require("path").join(dir, "node_modules", p, "package.json")).version;
    try { process.exit(v("node-red").split(".")[0] === red && v("node-red-contrib-modbus") === modbus ? 0 : 1); }
    catch { process.exit(1); }
  ' "$dir" "$red_version" "$modbus_version"
}

if installed; then
  echo "node-red@${red_version} and node-red-contrib-modbus@${modbus_version} already in ${dir}"
  exit 0
fi
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || npm init -y >/dev/null
# --no-audit/--no-fund: no extra registry round trips; the install is all we want.
npm install --no-audit --no-fund "node-red@${red_version}" "node-red-contrib-modbus@${modbus_version}"
installed && echo "installed node-red and node-red-contrib-modbus in ${dir}"
