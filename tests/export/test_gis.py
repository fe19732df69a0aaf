"""GIS tools read the GeoJSON export whole: ogr2ogr to a Shapefile and to a GeoPackage keeps every feature, and each
property is one plain field (skipped where GDAL's ogr2ogr is not installed; CI installs Debian's gdal-bin)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conflictlog.export import export_events
from tests.export.test_exporters import make_event

pytestmark = pytest.mark.skipif(shutil.which("ogr2ogr") is None or shutil.which("ogrinfo") is None,
                                reason="GDAL's ogr2ogr is not installed (Debian: apt-get install gdal-bin)")


def summary(path: Path) -> str:
    done = subprocess.run(["ogrinfo", "-so", "-al", str(path)], capture_output=True, text=True, check=True, timeout=60)
    return done.stdout


@pytest.mark.parametrize(("driver", "name"), [("ESRI Shapefile", "events.shp"), ("GPKG", "events.gpkg")])
def test_gis_ogr2ogr_keeps_every_feature(tmp_path: Path, driver: str, name: str) -> None:
    events = [
        make_event("SYR-a", assoc_actor_1=(), actor2=None, sources=(), claims=(), evidence=(), injured=None),
        make_event("SYR-b", notes="Ракка — دير الزور " * 30),
        make_event("SYR-c", latitude=None, longitude=None, geo_precision=None),
        make_event("SYR-d", assoc_actor_2=("Tribal elders",), fatalities_high=None, longitude=-3.5),
    ]
    source = tmp_path / "events.geojson"
    assert export_events(events, "geojson", source) == len(events)
    target = tmp_path / name
    subprocess.run(["ogr2ogr", "-f", driver, str(target), str(source)], capture_output=True, text=True, check=True,
                   timeout=120)
    info = summary(target)
    assert re.search(r"Feature Count: (\d+)", info).group(1) == str(len(events))  # type: ignore[union-attr]
    assert "List" not in info  # no StringList / IntegerList fields, which Shapefiles cannot hold
