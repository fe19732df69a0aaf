"""GeoJSON FeatureCollection export (RFC 7946), streamed feature by feature.

This is the only place where coordinates are written in GeoJSON's lon/lat order; events without
coordinates become features with a null geometry. Properties are flat and keep one type in every feature
(lists "; "-joined, sources, evidence and claims as JSON text), so GIS tools (ogr2ogr, QGIS) read each as one
field; the collection carries the export schema version.
"""

from __future__ import annotations

import json
from typing import Any

from conflictlog.export.base import LIST_SEPARATOR, SCHEMA_VERSION, Exporter, event_to_row
from conflictlog.records import Event


NESTED = ("sources", "evidence", "claims")


def flat_properties(event: Event) -> dict[str, Any]:
    """The event row with one fixed type per property: lists "; "-joined, nested records as JSON text."""
    row = event_to_row(event)
    for key, value in row.items():
        if key in NESTED:
            row[key] = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        elif isinstance(value, list):
            row[key] = LIST_SEPARATOR.join(value)
    return row


def event_to_feature(event: Event) -> dict[str, Any]:
    """One event as a GeoJSON Feature: Point [longitude, latitude], the flat event row as properties."""
    geometry = None
    if event.latitude is not None and event.longitude is not None:
        geometry = {"type": "Point", "coordinates": [event.longitude, event.latitude]}
    return {"type": "Feature", "id": event.event_id, "geometry": geometry, "properties": flat_properties(event)}


class GeoJsonExporter(Exporter):
    """`geojson`: `{"type": "FeatureCollection", "features": [...]}`."""

    media_type = "application/geo+json"

    def start(self) -> None:
        """Open the collection."""
        self.stream.write('{"type":"FeatureCollection","schema_version":"%s","features":[' % SCHEMA_VERSION)

    def write(self, event: Event) -> None:
        """Write one feature."""
        if self.count:
            self.stream.write(",")
        self.stream.write("\n")
        self.stream.write(json.dumps(event_to_feature(event), ensure_ascii=False, separators=(",", ":")))
        self.count += 1

    def finish(self) -> None:
        """Close the collection."""
        self.stream.write("\n]}\n")
        super().finish()
