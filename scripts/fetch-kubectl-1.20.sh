#!/usr/bin/env bash
# Fetches Debian's kubernetes-client (kubectl 1.20) into .cache/kubectl-1.20 without installing
# it system-wide (apt-get install can conflict with a newer kubectl). Prints the binary's path.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.cache/kubectl-1.20"
bin="$dest/usr/bin/kubectl"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
( cd "$work" && { apt-get download kubernetes-client >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get download kubernetes-client >/dev/null 2>&1; }; } ) || { echo "kubectl 1.20: apt-get download kubernetes-client failed" >&2; exit 1; }
dpkg-deb -x "$work"/kubernetes-client_*.deb "$dest"
[ -x "$bin" ] || { echo "kubectl 1.20: no usr/bin/kubectl in the package" >&2; exit 1; }
echo "$bin"
