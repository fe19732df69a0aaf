"""`conflictlog gazetteer`: what the gazetteer holds, and places users bring (GeoNames dumps, WOF repositories)."""

from __future__ import annotations

from pathlib import Path

import click

from conflictlog.errors import ConflictlogError


@click.group()
def gazetteer() -> None:
    """The offline gazetteer: GeoNames towns and areas, curated places, packed and imported villages."""


def _places_file(ctx: click.Context) -> Path:
    """The file of the places imported for the database ``--db`` names (refused for one without a file)."""
    from conflictlog.resolve.villages import imported_path

    db = (ctx.find_root().obj or {}).get("db", "conflictlog.sqlite")
    path = imported_path(db)
    if path is None:
        raise click.ClickException(f"{db}: imported places are kept beside a database file; name one with --db")
    return path


@gazetteer.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--countries", default="", help="Comma-separated ISO alpha-2 codes to keep (default: all).")
@click.pass_context
def import_(ctx: click.Context, paths: tuple[Path, ...], countries: str) -> None:
    """Add places from GeoNames dumps (XX.zip, allCountries.zip, .txt), WOF repository folders or WOF TSVs to
    the gazetteer of the database --db names (kept in a file beside it, read when ingesting into it).

    Each file is added in one transaction; places already imported are kept as they were.
    """
    from conflictlog.resolve.sources import read_source
    from conflictlog.resolve.villages import import_places

    target = _places_file(ctx)
    wanted = [c.strip().upper() for c in countries.split(",") if c.strip()]
    for path in paths:
        try:
            added = import_places(lambda path=path: read_source(path, wanted), origin=str(path.resolve()),
                                  path=target)
        except ConflictlogError as err:
            raise click.ClickException(str(err)) from err
        click.echo(f"{path}\t{added} added")
    click.echo(f"imported places are in {target}", err=True)


@gazetteer.command()
@click.pass_context
def info(ctx: click.Context) -> None:
    """Say what the gazetteer of the database --db names holds: index entries, packed places per country,
    imported places per file."""
    from conflictlog.resolve.gazetteer import cache_dir, load_gazetteer
    from conflictlog.resolve.villages import PACK_PATH, legacy_imported_path, load_villages

    imported = _places_file(ctx)
    try:
        towns = load_gazetteer()
        villages = load_villages()
        villages.use_imported(imported)
        counts = villages.counts()
    except ConflictlogError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"towns and areas (GeoNames cities500, admin areas, curated)\t{len(towns)} entries")
    packed = counts.pop("pack", {})
    click.echo(f"packed villages ({PACK_PATH.name})\t{sum(packed.values())} places in {len(packed)} countries: "
               + " ".join(f"{iso2}={n}" for iso2, n in sorted(packed.items())))
    for origin, table in sorted(counts.items()):
        click.echo(f"imported from {origin}\t{sum(table.values())} places: "
                   + " ".join(f"{iso2}={n}" for iso2, n in sorted(table.items())))
    if not counts:
        click.echo(f"imported\tnone ({imported})")
    legacy = legacy_imported_path()
    if legacy.exists():
        click.echo(f"not read\t{legacy} (imported before places belonged to one database: import them again)")
    click.echo(f"index files\t{cache_dir()}")
