"""Count the actor values of extracted events that are not names of actors, from an `evaluate --json` file.

An actor value is *known* when the actor-type table (src/conflictlog/data/acled_actor_types.toml) types it by
prefix or name; an unknown value that begins in lowercase is a phrase, not a name ("a checkpoint", "forces");
unknown capitalised values are listed for reading. Violent events without an actor1 are counted too.

Run: `conflictlog evaluate ../shared/eval/dev/ --json results.json && python scripts/actor_phrases.py results.json`.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from conflictlog.export.acled import load_acled_tables

VIOLENT = ("Battles", "Explosions/Remote violence", "Violence against civilians")


def main() -> None:
    """Print the counts and the unknown actor values, most frequent first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="JSON written by `conflictlog evaluate --json`")
    parser.add_argument("--show", type=int, default=40, help="unknown values to list")
    args = parser.parse_args()
    tables = load_acled_tables()

    def known(name: str) -> bool:
        return (any(name.startswith(p) for p, _, _ in tables.prefixes) or name in tables.named
                or name.rsplit(" (", 1)[0] in tables.named)

    records = json.loads(args.results.read_text(encoding="utf-8"))["records"]
    events = no_actor1 = 0
    phrases: Counter[str] = Counter()
    unknown_names: Counter[str] = Counter()
    for record in records.values():
        extracted = record.get("extracted") or {}
        if not extracted.get("event_type"):
            continue
        events += 1
        no_actor1 += extracted["event_type"] in VIOLENT and not extracted.get("actor1")
        for role in ("actor1", "actor2"):
            name = extracted.get(role)
            if name and not known(name):
                (unknown_names if name[:1].isupper() else phrases)[name] += 1
    with_phrase = sum(phrases.values())
    print(f"events: {events}; actor values that are lowercase phrases: {with_phrase} "
          f"({with_phrase / max(events, 1):.1%} of events); unknown capitalised values: {sum(unknown_names.values())}; "
          f"violent events without actor1: {no_actor1}")
    print("phrases:", dict(phrases.most_common(args.show)))
    print("unknown capitalised:", dict(unknown_names.most_common(args.show)))


if __name__ == "__main__":
    main()
