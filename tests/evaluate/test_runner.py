"""The product path of evaluate: records ingested as one feed, merged and stored, each scored against the stored
events of its article (a stand-in pipeline gives hand-made reports, so no model is needed)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date

from conflictlog.bench_merge import make_place, make_report
from conflictlog.evaluate.runner import evaluate_product, publication_date
from conflictlog.records import Article, ResolvedEvent

PLACE = make_place("Alpha", "TST", 10.0, 20.0, admin1="North", gazetteer_id="test:1")
ACTORS = ("Military Forces of Testland (2010-)", "Testland Rebels")


def _record(record_id: str, text: str, day: date | None, no_event: bool = False) -> dict[str, object]:
    gold: dict[str, object] = {"taxonomy": "acled"}
    if no_event:
        gold["no_event"] = True
    else:
        gold.update({"event_date": day.isoformat() if day else None, "event_type": "Battles",
                     "sub_event_type": "Armed clash", "actor1": ACTORS[0], "actor2": ACTORS[1], "admin1": "North",
                     "latitude": 10.0, "longitude": 20.0, "fatalities": 4})
    return {"id": record_id, "text": text, "gold": gold, "dataset": "tiny", "meta": {}}


RECORDS = [
    _record("r1", "Soldiers clashed with rebels at Alpha on Monday.", date(2021, 5, 3)),
    _record("r2", "Another clash at Alpha three days later.", date(2021, 5, 6)),
    _record("r3", "Troops and rebels fought at Alpha; four died.", date(2021, 5, 3)),
    _record("r4", "A museum remembers the battle of Alpha.", date(2021, 5, 1), no_event=True),
    _record("r5", "Rebels attacked Alpha again.", date(2021, 5, 1), no_event=True),
]
# each text's report: r1 and r3 tell one incident, r2 is another day's, r4 a past one, r5 a current one
REPORTS = {
    "r1": dict(day=date(2021, 5, 3), fatalities=4),
    "r2": dict(day=date(2021, 5, 6), fatalities=1),
    "r3": dict(day=date(2021, 5, 3), fatalities=6),
    "r4": dict(day=date(1950, 5, 1), historical=True),
    "r5": dict(day=date(2021, 4, 30)),
}


class StandInPipeline:
    """Gives each article the hand-made report of its record (looked up by the article's source)."""

    def process_many(self, articles: Iterable[Article]) -> Iterator[tuple[Article, list[ResolvedEvent]]]:
        for article in articles:
            record_id = article.source.split(":")[-1]
            report = make_report(f"m-{record_id}", article.article_id, place=PLACE, actors=ACTORS,
                                 evidence=f"Evidence of {record_id}.", **REPORTS[record_id])  # type: ignore[arg-type]
            yield article, [replace(report)]


def test_runner_product_path_merges_one_incident_and_reports_the_share() -> None:
    report = evaluate_product(RECORDS, pipeline=StandInPipeline())
    merged = {r.record_id: r.merged for r in report.records}
    assert merged == {"r1": True, "r2": False, "r3": True, "r4": False, "r5": False}
    tiny = report.datasets["tiny"]
    assert (tiny.n_merged, tiny.n_records) == (2, 5)
    # both records see the merged event, which keeps the lower plainly reported figure (4, not r3's 6)
    by_id = {r.record_id: r for r in report.records}
    assert by_id["r3"].aligned is not None and by_id["r3"].aligned.fatalities == 4
    assert by_id["r2"].fields["event_date"] is True
    data = report.to_dict()["datasets"]["tiny"]
    assert data["merged"]["share"] == 0.4
    assert data["no_event_current"] == {"count": 1, "total": 2}
    assert data["events_per_100"] == 100.0


def test_runner_product_path_reads_each_record_as_published_after_its_event() -> None:
    assert publication_date(RECORDS[0]) == date(2021, 5, 4)
    report = evaluate_product(RECORDS[:1], pipeline=StandInPipeline())
    assert report.meta["run"]["articles.stored"] == 1
