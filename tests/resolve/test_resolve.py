"""Resolver: geocoding and actor names for one mention, with the article's countries as context."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from conflictlog.records import (
    ActorMention,
    Article,
    DateMention,
    EventMention,
    Evidence,
    GeoPrecision,
    PlaceMention,
    TimePrecision,
)
from conflictlog.resolve import Resolver, unit_countries


def _mention(actor1: str, actor2: str | None, place: str | None, qualifier: str | None = None) -> EventMention:
    return EventMention(
        mention_id="m1", article_id="a1", event_type="Battles", sub_event_type="Armed clash",
        actor1=ActorMention(actor1), actor2=ActorMention(actor2) if actor2 else None,
        assoc_actor_2=(ActorMention("US-led coalition warplanes"),),
        place=PlaceMention(place, qualifier=qualifier) if place else None,
        date=DateMention(date(2019, 2, 9), date(2019, 2, 9), TimePrecision.DAY),
    )


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver.load()


def _article(text: str) -> Article:
    return Article(article_id="a1", source="constructed.md", text=text, published=date(2019, 2, 12))


@pytest.mark.slow
def test_resolve_article_countries_most_mentioned_first(resolver: Resolver) -> None:
    article = _article("Syrian troops and Iraqi police met in Syria. A Syrian official spoke; turkey was served.")
    assert resolver.article_countries(article) == ("Syria", "Iraq")


@pytest.mark.slow
def test_resolve_mention_gets_place_and_canonical_actors(resolver: Resolver) -> None:
    article = _article("Fighting went on near the Omar oil fields in eastern Syria, the SDF said.")
    resolved = resolver.resolve(_mention("a group of 12 ISIS members", "SDF positions", "the Omar oil fields"), article)
    assert resolved.place is not None and resolved.place.gazetteer_id == "curated:omar-oil-field"
    assert resolved.place.geo_precision is GeoPrecision.TOWN
    assert resolved.actor1 == "Islamic State (Syria)"
    assert resolved.actor2 == "QSD: Syrian Democratic Forces"
    assert resolved.assoc_actor_2 == ("Global Coalition Against Daesh",)


@pytest.mark.slow
def test_resolve_country_from_single_country_group_when_place_unknown(resolver: Resolver) -> None:
    article = _article("Houthi rebels fired on a village, residents said.")
    resolved = resolver.resolve(_mention("Houthi rebels", "residents", "Qwzxqwzx village"), article)
    # the village cannot be found: the event is coded to the country the group implies, at precision 3
    assert resolved.place is not None
    assert (resolved.place.location, resolved.place.country, resolved.place.admin1) == ("Yemen", "Yemen", None)
    assert resolved.place.geo_precision is GeoPrecision.REGION and resolved.place.score < 0.5
    assert resolved.actor2 == "Civilians (Yemen)"


@pytest.mark.slow
def test_resolve_no_place_and_no_country_stays_unplaced(resolver: Resolver) -> None:
    mention = replace(_mention("gunmen", "residents", "Qwzxqwzx village"), assoc_actor_2=())
    article = replace(_article("Gunmen fired on a village."), article_id="a2")
    resolved = resolver.resolve(replace(mention, article_id="a2"), article)
    assert resolved.place is None


@pytest.mark.slow
def test_resolve_single_country_group_outside_the_actor_roles_sets_the_country(resolver: Resolver) -> None:
    text = "Jets killed five fighters belonging to TTP in Tirah."
    mention = replace(_mention("Jets", "five fighters", "Tirah"), assoc_actor_2=(), article_id="a3",
                      evidence=(Evidence(text, 0, len(text)),))
    resolved = resolver.resolve(mention, replace(_article(text), article_id="a3"))
    # Tirah is also a town in Israel; the Pakistani group the report names says which country is meant
    assert resolved.place is not None and resolved.place.country == "Pakistan"


@pytest.mark.slow
@pytest.mark.parametrize(("generic", "described", "expected"), [
    ("rioters", "Israeli settlers", "Rioters (Israel)"),
    ("civilians", "a nurse of British citizenship", "Civilians (United Kingdom)"),
    ("civilians", "two farmers", "Civilians (Syria)"),  # no nationality given: the event's country
])
def test_resolve_crowd_actors_take_their_own_nationality(resolver: Resolver, generic: str, described: str,
                                                        expected: str) -> None:
    text = "Fighting went on near Aleppo in Syria."
    mention = replace(_mention("gunmen", generic, "Aleppo"), assoc_actor_2=(ActorMention(described),),
                      article_id="a4")
    resolved = resolver.resolve(mention, replace(_article(text), article_id="a4"))
    assert resolved.actor2 == expected


def test_resolve_admin_unit_words_imply_countries() -> None:
    assert unit_countries("A bomb went off in a village of Kaliganj upazila.") == ("Bangladesh",)
    assert unit_countries("Gunmen raided Ward 3 of Dass LGA.") == ("Nigeria",)
    assert unit_countries("Clashes in the district of Hama.") == ()


@pytest.mark.slow
def test_resolve_admin_unit_word_sets_the_country_when_none_is_named(resolver: Resolver) -> None:
    text = "A grenade wounded two traders at a market in Qwzxqwzx upazila."
    mention = replace(_mention("unidentified armed group", "two traders", "Qwzxqwzx"), assoc_actor_2=(),
                      article_id="a5", evidence=(Evidence(text, 0, len(text)),))
    resolved = resolver.resolve(mention, replace(_article(text), article_id="a5"))
    # the place is unknown and no country is named: the upazila says Bangladesh
    assert resolved.place is not None and resolved.place.country == "Bangladesh"


@pytest.mark.slow
@pytest.mark.parametrize(("town", "on", "admin1"), [
    ("Lashio", date(2022, 3, 1), "Shan-North"), ("Taunggyi", date(2022, 3, 1), "Shan-South"),
    ("Kengtung", date(2022, 3, 1), "Shan-East"), ("Pyay", date(2022, 3, 1), "Bago-West"),
    ("Lashio", date(2015, 3, 1), "Shan"),  # before ACLED coded the state in parts
])
def test_resolve_acled_parts_of_a_first_level_area(resolver: Resolver, town: str, on: date, admin1: str) -> None:
    mention = replace(_mention("soldiers", "rebels", town), assoc_actor_2=(), article_id="a6",
                      date=DateMention(on, on, TimePrecision.DAY))
    resolved = resolver.resolve(mention, replace(_article("Fighting in Myanmar."), article_id="a6"))
    assert resolved.place is not None and resolved.place.admin1 == admin1


@pytest.mark.slow
def test_resolve_actor_columns_hold_only_actors(resolver: Resolver) -> None:
    article = _article("An attack hit the weekly market in Idlib, Syria, residents said.")
    mention = replace(_mention("the weekly market", "a minibus", "Idlib"),
                      assoc_actor_1=(ActorMention("SDF"), ActorMention("bases")),
                      actor2=ActorMention("Syrian Democratic Forces"))
    resolved = resolver.resolve(mention, article)
    # a place is no actor: the battle's unnamed side is the generic armed group of the country
    assert resolved.actor1 == "Unidentified Armed Group (Syria)"
    assert resolved.actor2 == "QSD: Syrian Democratic Forces"
    assert resolved.assoc_actor_1 == ("QSD: Syrian Democratic Forces",)  # "bases" dropped
    same = resolver.resolve(replace(mention, actor1=ActorMention("the SDF"), assoc_actor_1=(ActorMention("QSD"),)),
                            article)
    assert same.actor1 == "QSD: Syrian Democratic Forces" and same.assoc_actor_1 == ()  # never the main actor again


@pytest.mark.slow
def test_resolve_unnamed_attacker_of_an_air_strike_and_crowds(resolver: Resolver) -> None:
    article = _article("Aircraft struck Idlib, Syria.")
    strike = replace(_mention("themselves", None, "Idlib"), event_type="Explosions/Remote violence",
                     sub_event_type="Air/drone strike", assoc_actor_2=())
    assert resolver.resolve(strike, article).actor1 == "Unidentified Military Forces"
    protest = replace(strike, actor1=None, event_type="Protests", sub_event_type="Peaceful protest")
    assert resolver.resolve(protest, article).actor1 == "Protesters (Syria)"
    talks = replace(strike, actor1=None, event_type="Strategic developments", sub_event_type="Agreement")
    assert resolver.resolve(talks, article).actor1 is None


@pytest.mark.slow
def test_resolve_unknown_village_falls_back_to_the_district_the_text_names(resolver: Resolver) -> None:
    # an invented village: the district the sentence puts it in, not the country, is the event's place
    text = "Residents of Qolpatenabad village of Habiganj district of Bangladesh were attacked by a mob."
    mention = replace(_mention("a mob", "residents", "Qolpatenabad", "village"),
                      evidence=(Evidence(text, 0, len(text)),))
    article = replace(_article(text), article_id="a-village")  # the resolver caches countries by article
    place = resolver.resolve(mention, article).place
    assert place is not None
    assert (place.location, place.admin1, place.admin2) == ("Habiganj", "Sylhet", "Habiganj")
    assert place.geo_precision is GeoPrecision.NEAR
