"""Exception tree and coded messages.

Codes group by stage (E1xx ingest, E2xx clean, E3xx parse, E4xx extract, E5xx resolve, E6xx store,
E7xx export, E8xx serve, E9xx settings/evaluate) so users can search for them. The library raises;
only ``cli.py`` and ``serve/api.py`` turn errors into messages for people.
"""

from __future__ import annotations


class ConflictlogError(Exception):
    """Base of every error conflictlog raises on purpose. ``code`` is the searchable E-code."""

    code: str = "E000"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"[{self.code}] {self.args[0]}"


class SettingsError(ConflictlogError):
    code = "E900"


class IngestError(ConflictlogError):
    code = "E100"


class CleanError(ConflictlogError):
    code = "E200"


class ParseError(ConflictlogError):
    code = "E300"


class OverTimeBudget(ParseError):
    """A document was still being parsed and coded when its time budget ran out."""

    code = "E305"


class ExtractionError(ConflictlogError):
    code = "E400"


class ResolveError(ConflictlogError):
    code = "E500"


class StoreError(ConflictlogError):
    code = "E600"


class StoreBusy(StoreError):
    """Another process held the database's write lock for longer than a writer waits (server: 503)."""

    code = "E603"


class ExportError(ConflictlogError):
    code = "E700"


class ServeError(ConflictlogError):
    code = "E800"


class NotFound(ConflictlogError):
    code = "E404"


class BackendUnavailable(ConflictlogError):
    """A component cannot work here (model or driver not installed); the message says what to install."""

    code = "E001"


# Coded message templates. Format with keyword arguments; always name the file or record.
E101 = "{source}: cannot read file: {reason}"
E102 = "{source}: file is empty"
E103 = "{source}: looks like binary data ({reason}), not an article"
E104 = "{source}: file is {size_mb:.1f} MB, larger than the {limit_mb} MB limit for one article"
E105 = "{source}: unsupported file type {suffix!r} (expected .html, .htm, .md, .txt, .jsonl, .csv)"
E106 = "{source}: bad feed record: {reason}"
E107 = "{source}: no such file or folder"
E108 = "{source}: a link to a file outside the folder {root}; skipped (ingest --follow-links reads it)"
E110 = "{url}: fetch failed after {tries} tries: {reason}"
E111 = "{url}: robots.txt disallows fetching it"
E112 = "{source}: cannot read watched source: {reason}"
E201 = "{source}: could not decode text: {reason}"
E202 = "{source}: no article text left after removing boilerplate"
E203 = "{source}: text is not English (detected {language!r}); skipped"
E305 = "{source}: still being parsed and coded after {seconds:.0f} s, the time budget for one article; skipped"
E306 = "{source}: lost on the Dask cluster after {tries} tries: {reason}"
E601 = "{path}: database error: {reason}"
E602 = "{path}: database schema version {found} is newer than this conflictlog supports ({supported})"
E603 = "{path}: database is busy: another process held the write lock for over {seconds} s ({tries} tries); try again"
E604 = "{path}: no such database (read-only commands do not create one; check --db or CONFLICTLOG_DB)"
E701 = "unknown export format {fmt!r} (expected one of {choices})"
E704 = "{path}: bad export data table: {reason}"
E901 = "{path}: cannot read evaluation records: {reason}"
E902 = "{path}: cannot read the coreference corpus: {reason}"
E620 = "subscription {name!r}: {reason}"
E621 = "no subscription {name!r}"
E622 = "{url}: webhook test notification failed: {reason}"
E623 = "subscription {name!r}: the name is taken"
E910 = "{path}: bad outlet registry: {reason}"
E911 = "--cluster {spec}: bad cluster: {reason}"
E912 = "--cluster {spec}: cannot reach the Dask cluster: {reason}"
E913 = "--cluster {spec}: the workers cannot run conflictlog: {reason}"
