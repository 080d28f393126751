#!/usr/bin/env bash
# Builds the krew archive of the single executable (scripts/build-sea.mjs) for this machine's
# platform and prints its sha256. No Node is needed where it is installed.
#   scripts/krew-archive-binary.sh [OUT_DIR] [BASE_URL]
# The archive holds kubectl-kruise, THIRD-PARTY-NOTICES (the bundled packages and Node.js) and
# LICENSE, reproducibly (fixed order, owners and mtimes). With BASE_URL, also writes
# OUT_DIR/kruise-binary.yaml: packaging/krew/kruise-binary.yaml filled in for this platform.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
version="v$(node -p 'require("./package.json").version')"
os="$(node -p 'process.platform')"
arch="$(node -p '({ x64: "amd64", arm64: "arm64" })[process.arch] ?? process.arch')"
node scripts/build-sea.mjs --out "$out/sea" >&2
cp LICENSE "$out/sea/LICENSE"
archive="$out/kubectl-kruise-$version-$os-$arch.tar.gz"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$out/sea" -cf - kubectl-kruise THIRD-PARTY-NOTICES LICENSE |
  gzip -n -9 > "$archive"
sha="$( (sha256sum "$archive" 2>/dev/null || shasum -a 256 "$archive") | cut -d' ' -f1)"
if [ -n "${2:-}" ]; then
  sed -e "s|RELEASE_VERSION|$version|g" -e "s|RELEASE_URI|${2%/}/$(basename "$archive")|g" -e "s|RELEASE_SHA256|$sha|g" \
    -e "s|RELEASE_OS|$os|g" -e "s|RELEASE_ARCH|$arch|g" packaging/krew/kruise-binary.yaml > "$out/kruise-binary.yaml"
fi
echo "$sha  $archive"
