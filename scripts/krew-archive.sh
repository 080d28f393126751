#!/usr/bin/env bash
# Builds the krew archive and prints its sha256. Offline: `npm pack` runs prepack (esbuild) on
# this checkout and needs only the installed devDependencies.
#   scripts/krew-archive.sh [OUT_DIR] [BASE_URL]
# The archive is the npm tarball itself (package/bin, package/dist, package/package.json; the
# bundle has no runtime dependencies) and is reproducible (npm fixes mtimes and order).
# With BASE_URL (where the release will serve the archive), also writes OUT_DIR/kruise.yaml:
# packaging/krew/kruise.yaml with RELEASE_VERSION, RELEASE_URI and RELEASE_SHA256 filled in.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
version="v$(node -p 'require("./package.json").version')"
tgz="$(npm pack --offline --silent --pack-destination "$out" | tail -n 1)"
archive="$out/kubectl-kruise-$version.tar.gz"
mv "$out/$tgz" "$archive"
sha="$( (sha256sum "$archive" 2>/dev/null || shasum -a 256 "$archive") | cut -d' ' -f1)"
if [ -n "${2:-}" ]; then
  sed -e "s|RELEASE_VERSION|$version|g" -e "s|RELEASE_URI|${2%/}/$(basename "$archive")|g" -e "s|RELEASE_SHA256|$sha|g" \
    packaging/krew/kruise.yaml > "$out/kruise.yaml"
fi
echo "$sha  $archive"
