#!/usr/bin/env bash
# Vendor the JavaScript that renders the charts of HTML briefs (vega, vega-lite, vega-embed).
#
# Briefs must open offline, so the minified builds are copied into the package and inlined into
# every page (see src/tradepivot/reports/static/README.md). This script downloads the pinned
# tarballs from the npm registry with `npm pack`, checks each tarball's SHA-512 against the pin
# below, and copies build/<name>.min.js and LICENSE into the static folder.
#
# Update: change a version below, set its integrity to "" and run the script; it prints the
# registry's integrity for the new tarball. Paste it here and into static/README.md, and keep
# VEGA_LITE equal to what Altair emits: python -c "import altair; print(altair.SCHEMA_VERSION)".
set -euo pipefail
cd "$(dirname "$0")/.."

# name version sha512-integrity (as `npm view NAME@VERSION dist.integrity` prints it)
PINS=(
  "vega 6.4.0 sha512-rHXCq2LpEWCLMjXBEj7hocY9G0/i5TGYRayGGSj06VTF4+l2IG2Z7oeZKCjWbUh/7hTE/mVhbaOPB72wCElh6g=="
  "vega-lite 6.4.1 sha512-KO3ybHNouRK4A0al/+2fN9UqgTEfxrd/ntGLY933Hg5UOYotDVQdshR3zn7OfXwQ7uj0W96Vfa5R+QxO8am3IQ=="
  "vega-embed 7.3.0 sha512-wQ8s5GaSzqoKgmRfbRolgBrjE2CP7ZKHXqH7NijxMqPjpdWxSs4Dn8tvp9g0giQvh2cK+3p56sxjWWM0wNngGw=="
)
STATIC=src/tradepivot/reports/static

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for pin in "${PINS[@]}"; do
  read -r name version integrity <<<"$pin"
  tarball=$(cd "$work" && npm pack --silent "$name@$version" 2>/dev/null | tail -n 1)
  actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w 0)"
  if [[ -z "$integrity" ]]; then
    echo "$name@$version: no pin; the tarball $tarball has integrity $actual" >&2
    echo "  (registry says: $(npm view "$name@$version" dist.integrity 2>/dev/null))" >&2
  elif [[ "$actual" != "$integrity" ]]; then
    echo "$name@$version: integrity mismatch: expected $integrity, got $actual" >&2
    exit 1
  fi
  mkdir -p "$work/$name"
  tar -xzf "$work/$tarball" -C "$work/$name" "package/build/$name.min.js" package/LICENSE
  install -m 0644 "$work/$name/package/build/$name.min.js" "$STATIC/$name.min.js"
  install -m 0644 "$work/$name/package/LICENSE" "$STATIC/$name.LICENSE"
  echo "$name@$version: $tarball $actual"
done

du -cb "$STATIC"/*.min.js
