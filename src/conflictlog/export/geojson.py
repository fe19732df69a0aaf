"""GeoJSON FeatureCollection export (RFC 7946), streamed feature by feature.

This is the only place where coordinates are written in GeoJSON's lon/lat order; events without
coordinates become features with a null geometry.
"""

from __future__ import annotations

import json
from typing import Any

from conflictlog.export.base import Exporter, event_to_row
from conflictlog.records import Event


def event_to_feature(event: Event) -> dict[str, Any]:
    """One event as a GeoJSON Feature: Point [longitude, latitude], the event row as properties."""
    geometry = None
    if event.latitude is not None and event.longitude is not None:
        geometry = {"type": "Point", "coordinates": [event.longitude, event.latitude]}
    return {"type": "Feature", "id": event.event_id, "geometry": geometry, "properties": event_to_row(event)}


class GeoJsonExporter(Exporter):
    """`geojson`: `{"type": "FeatureCollection", "features": [...]}`."""

    media_type = "application/geo+json"

    def start(self) -> None:
        """Open the collection."""
        self.stream.write('{"type":"FeatureCollection","features":[')

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
