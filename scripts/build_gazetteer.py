"""Build conflictlog's gazetteer data.

    python scripts/build_gazetteer.py                 # build the index caches ahead of first use (make venv)
    python scripts/build_gazetteer.py pack SOURCE...  # rebuild data/gazetteer_places.tsv.gz from upstream data

`pack` reads Who's On First admin repositories (a checkout or `git archive HEAD data | tar x` of
whosonfirst-data/whosonfirst-data-admin-XX: its data/**/*.geojson), GeoNames dump files (XX.zip,
allCountries.zip or their .txt) and derived WOF TSVs (xx.tsv.gz), keeps the countries in PACK_COUNTRIES (or
--countries) and writes one gzipped TSV; a place found in several sources is kept once (first source wins).
The index caches are built from the packages and data files in $CONFLICTLOG_CACHE (default ~/.cache/conflictlog).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from conflictlog.errors import ConflictlogError
from conflictlog.resolve.gazetteer import cache_dir, load_gazetteer
from conflictlog.resolve.sources import PlaceRow, read_source, write_pack
from conflictlog.resolve.villages import PACK_PATH, load_villages

#: Countries of the shipped pack: where ACLED codes the most political violence, less the four whose WOF
#: repositories are too large to fetch (MX, BR, IN, US), where GeoNames cities500 already places most events.
PACK_COUNTRIES = ("SY IQ YE UA MM AF SO NG ML BF NE CD SD SS ET PK LB LY PS IL TR IR CM MZ CF KE BD CO PH HT PE "
                  "NP").split()

log = logging.getLogger("build_gazetteer")


def pack_rows(sources: Sequence[Path], countries: Sequence[str]) -> Iterator[PlaceRow]:
    """Rows of every source in the given countries, each place once (by source id, then GeoNames id)."""
    seen_ids: set[str] = set()
    seen_geonames: set[int] = set()
    for source in sources:
        kept = 0
        for row in read_source(source, countries):
            if row.source_id in seen_ids or (row.geonames_id and row.geonames_id in seen_geonames):
                continue
            seen_ids.add(row.source_id)
            if row.geonames_id:
                seen_geonames.add(row.geonames_id)
            kept += 1
            yield row
        log.info("%s: %d places", source, kept)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the index caches, or (``pack``) the gazetteer pack from upstream sources."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    pack = sub.add_parser("pack", help="rebuild the gazetteer pack from WOF/GeoNames sources")
    pack.add_argument("sources", nargs="+", type=Path, help="WOF repo folders, GeoNames dumps, WOF TSVs")
    pack.add_argument("--countries", default=",".join(PACK_COUNTRIES), help="comma-separated ISO alpha-2 codes")
    pack.add_argument("-o", "--output", type=Path, default=PACK_PATH)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        if args.command == "pack":
            countries = [c.strip().upper() for c in args.countries.split(",") if c.strip()]
            count = write_pack(pack_rows(args.sources, countries), args.output)
            log.info("wrote %d places to %s (%.1f MB) in %.0fs", count, args.output,
                     args.output.stat().st_size / 1e6, time.perf_counter() - started)
            return 0
        gazetteer = load_gazetteer()
        villages = load_villages()
    except ConflictlogError as err:
        log.error("%s", err)
        return 1
    log.info("gazetteer ready in %.1fs: %d entries, %d ruler patterns, %d packed places; cache in %s",
             time.perf_counter() - started, len(gazetteer), len(gazetteer.ruler_patterns()), len(villages),
             cache_dir())
    return 0


if __name__ == "__main__":
    sys.exit(main())
