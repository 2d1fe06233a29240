"""Boundaries for the web: simplified, rounded GeoJSON geometries."""

import json

import shapely

# Tolerances in degrees (1e-3 ≈ 80-110 m at Italian latitudes): enough for a zone map on screen.
TOLERANCE = {"region": 0.005, "province": 0.002, "municipality": 0.0005, "zone": 0.0005}
GRID = 0.00001  # about one metre: more digits only add weight to every page
SLIVER = 0.0003  # about 25 m


def for_web(geometry, tolerance: float) -> dict:
    """Simplify keeping topology, snap to a metre grid and return a GeoJSON geometry dict."""
    simplified = shapely.simplify(geometry, tolerance, preserve_topology=True)
    return json.loads(shapely.to_geojson(shapely.set_precision(simplified, GRID)))


def union_of(geojson_geometries: list[dict], tolerance: float) -> dict | None:
    """One geometry covering all the given ones, e.g. a zone from its Comuni."""
    shapes = [shapely.from_geojson(json.dumps(g)) for g in geojson_geometries if g]
    if not shapes:
        return None
    # Simplified neighbours no longer touch exactly: closing by a few metres removes the slivers.
    merged = shapely.union_all([shapely.buffer(s, SLIVER) for s in shapes])
    return for_web(shapely.buffer(merged, -SLIVER), tolerance)
