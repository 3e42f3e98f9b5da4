#!/usr/bin/env bash
# Trunk's post-build hook (Trunk.toml): names the infrastructure-code module's files by their
# content, as trunk names the app's. Trunk builds that module from index.html's second Rust link,
# which it leaves unhashed (it expects a worker to name its files at run time); a content hash
# lets the service worker keep them for good and drop them when a new build stops naming them,
# and the page names them (data-infra-js / data-infra-wasm) for public/boot.js.
set -euo pipefail

dir=${TRUNK_STAGING_DIR:?run by trunk as a post-build hook}
cd "$dir"
for f in infra.js infra_bg.wasm index.html; do
  [[ -f $f ]] || { echo "hash-infra.sh: $dir/$f is missing" >&2; exit 1; }
done
# 16 hex digits, the length trunk uses and sw.js recognises (shasum where there is no sha256sum,
# as on macOS; no `sed -i`, whose syntax differs there).
sum=(sha256sum)
command -v sha256sum >/dev/null || sum=(shasum -a 256)
hash=$(cat infra_bg.wasm infra.js | "${sum[@]}" | cut -c1-16)
mv infra.js "infra-$hash.js"
mv infra_bg.wasm "infra-${hash}_bg.wasm"
sed -e "s#/infra\.js\"#/infra-$hash.js\"#" -e "s#/infra_bg\.wasm\"#/infra-${hash}_bg.wasm\"#" index.html >index.html.new
mv index.html.new index.html
grep -q "infra-${hash}_bg.wasm" index.html || { echo "hash-infra.sh: index.html does not name the module" >&2; exit 1; }
