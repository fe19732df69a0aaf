"""Near-copies of article bodies (republished wire stories, a lead or title edited): found by hash, before parsing.

A body is cut into overlapping five-word shingles; a MinHash signature of them estimates the Jaccard similarity
of two bodies, and locality-sensitive hashing (datasketch) finds the stored bodies that may be similar without
comparing with each. A body sharing at least ``THRESHOLD`` of its shingles with a stored one is a copy of it.
Bodies shorter than ``MIN_WORDS`` are never copies: short notes of different incidents can read alike.
"""

from __future__ import annotations

import re

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
THRESHOLD = 0.8
SHINGLE_WORDS = 5
MIN_WORDS = 60
SEED = 1
SCHEME = "affine32"

_WORD = re.compile(r"\w+")


def shingles(text: str) -> list[bytes]:
    """The distinct five-word shingles of a body (lower case, punctuation and spacing ignored); empty when the
    body is shorter than ``MIN_WORDS`` words."""
    words = _WORD.findall(text.casefold())
    if len(words) < MIN_WORDS:
        return []
    grams = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    return [gram.encode("utf-8") for gram in sorted(grams)]


def signature(text: str) -> MinHash | None:
    """MinHash signature of a body, or None when it is too short to tell a copy."""
    grams = shingles(text)
    if not grams:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    minhash.update_batch(grams)
    return minhash


def to_bytes(minhash: MinHash) -> bytes:
    """A signature as bytes, to store."""
    return np.asarray(minhash.hashvalues, dtype=np.uint64).tobytes()


def from_bytes(data: bytes) -> MinHash:
    """A stored signature back (the inverse of ``to_bytes``)."""
    values = np.frombuffer(data, dtype=np.uint64).copy()
    return MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=values, scheme=SCHEME)


class CopyIndex:
    """Signatures of original bodies, searchable for near-copies."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._signatures: dict[str, MinHash] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._signatures

    def add(self, article_id: str, minhash: MinHash) -> None:
        """Index one original body (a second add of the same id is ignored)."""
        if article_id not in self._signatures:
            self._signatures[article_id] = minhash
            self._lsh.insert(article_id, minhash)

    def discard(self, article_id: str) -> None:
        """Forget one body (it was never stored after all)."""
        if self._signatures.pop(article_id, None) is not None:
            self._lsh.remove(article_id)

    def find(self, minhash: MinHash) -> str | None:
        """The indexed body this one is a near-copy of: the most similar at or above ``THRESHOLD`` (ties: the
        smallest id), or None."""
        best: tuple[float, str] | None = None
        for article_id in self._lsh.query(minhash):
            similarity = minhash.jaccard(self._signatures[article_id])
            if similarity >= THRESHOLD and (best is None or (-similarity, article_id) < (-best[0], best[1])):
                best = (similarity, article_id)
        return best[1] if best else None
