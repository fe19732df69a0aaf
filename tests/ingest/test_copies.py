"""Near-copies of article bodies: MinHash signatures and the LSH index that finds a copy's original."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from conflictlog.ingest.copies import MIN_WORDS, CopyIndex, from_bytes, signature, to_bytes

# A body written for these tests: long enough to be told apart, varied enough that shingles differ.
BODY = " ".join(
    f"Report line {n}: fighters from unit {n * 7} moved along road {n % 5} toward the village of place{n} before dawn."
    for n in range(12)
)
OTHER = " ".join(
    f"Market note {n}: the price of grain number {n * 3} rose in town{n} after the harvest of season {n % 4}."
    for n in range(12)
)


def test_copies_edited_lead_is_found_and_another_body_is_not() -> None:
    index = CopyIndex()
    original = signature(BODY)
    assert original is not None
    index.add("a1", original)
    copy = signature("Republished with a new lead line by another outlet.\n" + BODY)
    assert copy is not None and index.find(copy) == "a1"
    other = signature(OTHER)
    assert other is not None and index.find(other) is None


def test_copies_short_body_is_never_a_copy() -> None:
    assert signature(" ".join(["word"] * (MIN_WORDS - 1))) is None


def test_copies_signature_round_trips_through_bytes() -> None:
    original = signature(BODY)
    assert original is not None
    assert from_bytes(to_bytes(original)).jaccard(original) == 1.0


def test_copies_discarded_original_is_not_found() -> None:
    index = CopyIndex()
    original = signature(BODY)
    assert original is not None
    index.add("a1", original)
    index.discard("a1")
    assert index.find(original) is None and len(index) == 0


@given(st.text(max_size=3000))
def test_copies_any_text_gives_a_signature_or_none_and_finds_itself(text: str) -> None:
    minhash = signature(text)
    if minhash is None:
        return
    index = CopyIndex()
    index.add("x", minhash)
    assert index.find(minhash) == "x"
