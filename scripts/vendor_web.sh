#!/usr/bin/env bash
# Vendor the assets of the web app (tradepivot serve): htmx, Swagger UI and the world map.
#
# The web app must work offline, so every script, stylesheet and map it uses ships in the
# package (see src/tradepivot/web/static/vendor/README.md). This script downloads the pinned
# tarballs from the npm registry with `npm pack`, checks each one's SHA-512 against the pin,
# and copies the files and their licences into the vendor folder. The Vega builds the charts
# use are vendored for the HTML briefs already (scripts/vendor_vega.sh) and served from there.
#
# Update: change a version below, set its integrity to "" and run the script; it prints the
# registry's integrity for the new tarball. Paste it here and into the README's table.
set -euo pipefail
cd "$(dirname "$0")/.."

# name version sha512-integrity "tarball-path:vendored-name ..."
PINS=(
  "htmx.org 2.0.11 sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA== dist/htmx.min.js:htmx.min.js LICENSE:htmx.LICENSE"
  "swagger-ui-dist 5.35.0 sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ== swagger-ui-bundle.js:swagger-ui-bundle.js swagger-ui.css:swagger-ui.css LICENSE:swagger-ui.LICENSE NOTICE:swagger-ui.NOTICE.txt"
  "world-atlas 2.0.2 sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ== countries-110m.json:world-110m.json LICENSE:world-atlas.LICENSE"
)
VENDOR=src/tradepivot/web/static/vendor

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$VENDOR"

for pin in "${PINS[@]}"; do
  read -r name version integrity files <<<"$pin"
  tarball=$(cd "$work" && npm pack --silent "$name@$version" 2>/dev/null | tail -n 1)
  actual="sha512-$(openssl dgst -sha512 -binary "$work/$tarball" | base64 -w 0)"
  if [[ -z "$integrity" ]]; then
    echo "$name@$version: no pin; the tarball $tarball has integrity $actual" >&2
  elif [[ "$actual" != "$integrity" ]]; then
    echo "$name@$version: integrity mismatch: expected $integrity, got $actual" >&2
    exit 1
  fi
  mkdir -p "$work/$name"
  tar -xzf "$work/$tarball" -C "$work/$name"
  for pair in $files; do
    install -m 0644 "$work/$name/package/${pair%%:*}" "$VENDOR/${pair##*:}"
  done
  echo "$name@$version: $tarball $actual"
done
# The source map reference would only make a DevTools 404 (the maps are not shipped).
sed -i -e '/^\/\/# sourceMappingURL=/d' -e '/^\/\*# sourceMappingURL=/d' "$VENDOR/swagger-ui-bundle.js" "$VENDOR/swagger-ui.css"
du -cb "$VENDOR"/*.js "$VENDOR"/*.css "$VENDOR"/*.json
