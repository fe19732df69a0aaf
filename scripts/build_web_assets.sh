#!/usr/bin/env bash
# Copy the web map's browser libraries from the npm registry packages pinned in package.json / package-lock.json
# into src/conflictlog/serve/static/vendor/, where conflictlog serves them itself (the page needs no internet).
# Install scripts are never run (--ignore-scripts); dev dependencies (basemap sources) are not needed here.
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=src/conflictlog/serve/static/vendor
if [ ! -f node_modules/leaflet/dist/leaflet.js ] || [ ! -f node_modules/.package-lock.json ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --omit=dev --ignore-scripts --no-audit --no-fund
fi
rm -rf "$VENDOR"
mkdir -p "$VENDOR/leaflet/images" "$VENDOR/markercluster" "$VENDOR/swagger-ui"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE "$VENDOR/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$VENDOR/leaflet/images/"
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
   node_modules/leaflet.markercluster/dist/MarkerCluster.css \
   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css \
   node_modules/leaflet.markercluster/MIT-LICENCE.txt "$VENDOR/markercluster/"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
   node_modules/swagger-ui-dist/LICENSE "$VENDOR/swagger-ui/"
echo "web assets copied to $VENDOR" >&2
