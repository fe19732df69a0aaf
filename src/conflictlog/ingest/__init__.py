"""ingest stage: read files, folders, globs and JSONL/CSV feeds into RawDocuments.

``read_paths(paths)`` is the entry point; it yields a ``Failure`` for each bad file or record and goes on.
"""

from conflictlog.ingest.encoding import decode_bytes, sniff_binary
from conflictlog.ingest.files import DEFAULT_MAX_BYTES, read_file, read_paths

__all__ = ["DEFAULT_MAX_BYTES", "decode_bytes", "read_file", "read_paths", "sniff_binary"]
