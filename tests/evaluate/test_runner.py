"""The product path of evaluate: records ingested as one feed, merged and stored, each scored against the stored
events of its article (a stand-in pipeline gives hand-made reports, so no model is needed)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date

from conflictlog.bench_merge import make_place, make_report
from conflictlog.evaluate.runner import build_report, compare_reports, evaluate_product, publication_date
from conflictlog.evaluate.scoring import RecordResult
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


def _scored(record_id: str, dataset: str, country: str | None, location_ok: bool | None) -> RecordResult:
    gold = {"country": country} if country else {}
    return RecordResult(record_id, dataset, "acled", "text", gold, 1, None,
                        {"found": True, "admin1": True, "location_25km": location_ok})


def test_runner_by_country_tallies_each_dataset_and_all() -> None:
    report = build_report([_scored("a", "one", "Testland", True), _scored("b", "one", "Testland", False),
                           _scored("c", "one", "Otherland", True), _scored("d", "two", "Otherland", None),
                           _scored("e", "two", None, True)])
    table = report.by_country()
    assert list(table) == ["one", "two", "all"]
    assert list(table["one"]) == ["Testland", "Otherland"]  # most records first
    testland = table["one"]["Testland"].fields["location_25km"]
    assert (testland.correct, testland.total) == (1, 2)
    assert table["all"]["Otherland"].n_records == 2
    assert list(table["two"]) == ["Otherland"]  # a record without a gold country is left out
    assert table["two"]["Otherland"].fields["location_25km"].total == 0  # unscored records count no total
    data = report.to_dict()
    assert data["countries"]["one"]["Testland"]["fields"]["location_25km"]["rate"] == 0.5
    assert data["records"]["a"]["country"] == "Testland" and data["records"]["e"]["country"] is None


def test_runner_compare_reports_names_the_countries_that_moved() -> None:
    before = build_report([_scored("a", "one", "Testland", False), _scored("b", "one", "Otherland", True)])
    after = build_report([_scored("a", "one", "Testland", True), _scored("b", "one", "Otherland", True)])
    lines = compare_reports(before.to_dict(), after.to_dict())
    assert "one Testland location_25km: 0.000 -> 1.000 (+1.000)" in lines
    assert not any("Otherland" in line for line in lines)
