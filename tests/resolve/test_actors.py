"""Actor normalisation: alias table, country qualifier, regime periods, canonical keys, table validation."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conflictlog.errors import ResolveError
from conflictlog.resolve.actors import (
    ActorNormalizer,
    build_normalizer,
    canonical_key,
    load_actor_normalizer,
    read_actor_table,
)
from conflictlog.resolve.gazetteer import load_country_table

FEB_2019 = date(2019, 2, 9)
MAR_2022 = date(2022, 3, 1)


@pytest.fixture(scope="module")
def actors() -> ActorNormalizer:
    return load_actor_normalizer()


@pytest.mark.parametrize(
    ("text", "country", "when", "expected"),
    [
        ("SAA", "Syria", FEB_2019, "Military Forces of Syria (2000-)"),
        ("Syrian Arab Army", None, FEB_2019, "Military Forces of Syria (2000-)"),
        ("regime forces", "Syria", FEB_2019, "Military Forces of Syria (2000-)"),
        ("government forces", "Syria", FEB_2019, "Military Forces of Syria (2000-)"),
        ("Syrian army", None, FEB_2019, "Military Forces of Syria (2000-)"),
        ("pro-government forces", "Syria", FEB_2019, "Military Forces of Syria (2000-)"),
        ("ISIS", "Syria", FEB_2019, "Islamic State (Syria)"),
        ("IS", "Iraq", MAR_2022, "Islamic State (Iraq)"),
        ("ISIL", "Iraq", MAR_2022, "Islamic State (Iraq)"),
        ("Daesh", "Syria", FEB_2019, "Islamic State (Syria)"),
        ("a group of 12 ISIS members", "Syria", FEB_2019, "Islamic State (Syria)"),
        ("ISIS", "Nigeria", MAR_2022, "Islamic State (West Africa)"),
        ("SDF", "Syria", FEB_2019, "QSD: Syrian Democratic Forces"),
        ("QSD", "Syria", MAR_2022, "QSD: Syrian Democratic Forces"),
        ("the US-backed Syrian Democratic Forces", "Syria", FEB_2019, "QSD: Syrian Democratic Forces"),
        ("SDF fighters", "Syria", FEB_2019, "QSD: Syrian Democratic Forces"),
        ("YPG", "Syria", FEB_2019, "YPG: Peoples Protection Units"),
        ("HTS", "Syria", FEB_2019, "Hayat Tahrir al-Sham"),
        ("Turkish army", "Syria", MAR_2022, "Military Forces of Turkey (2016-)"),
        ("Turkish forces", "Syria", MAR_2022, "Military Forces of Turkey (2016-)"),
        ("Turkish-backed militants", "Syria", FEB_2019, "JWS: Syrian National Army"),
        ("Russian warplanes", "Syria", FEB_2019, "Military Forces of Russia (2000-)"),
        ("Taliban", "Afghanistan", date(2020, 3, 5), "Taliban"),
        ("al-Shabaab militants", "Somalia", MAR_2022, "Al Shabaab"),
        ("Houthi rebels", "Yemen", MAR_2022, "Military Forces of Yemen (2016-) Supreme Political Council"),
        ("JNIM", "Mali", MAR_2022, "JNIM: Group for Support of Islam and Muslims"),
        ("ISWAP", "Nigeria", MAR_2022, "Islamic State (West Africa)"),
        ("Boko Haram", "Nigeria", MAR_2022, "Boko Haram - Jamatu Ahli is-Sunnah lid-Dawati wal-Jihad"),
        ("Ukrainian forces", "Ukraine", MAR_2022, "Military Forces of Ukraine (2019-)"),
        ("junta troops", "Myanmar", MAR_2022, "Military Forces of Myanmar (2021-)"),
        ("US-led coalition warplanes", "Syria", FEB_2019, "Global Coalition Against Daesh"),
        ("Saudi-led coalition", "Yemen", MAR_2022, "Operation Restoring Hope"),
    ],
)
def test_actors_alias_table(actors: ActorNormalizer, text: str, country: str | None, when: date,
                            expected: str) -> None:
    assert actors.normalize(text, country, when) == expected


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("gunmen", "Iraq", "Unidentified Armed Group (Iraq)"),
        ("unknown assailants", "Nigeria", "Unidentified Armed Group (Nigeria)"),
        ("militants", "Somalia", "Unidentified Armed Group (Somalia)"),
        ("protesters", "Syria", "Protesters (Syria)"),
        ("demonstrators", "Iraq", "Protesters (Iraq)"),
        ("rioters", "Democratic Republic of Congo", "Rioters (Democratic Republic of Congo)"),
        ("civilians", "Syria", "Civilians (Syria)"),
        ("residents", "Yemen", "Civilians (Yemen)"),
        ("a man", "Mexico", "Civilians (Mexico)"),
        ("journalists", "Afghanistan", "Civilians (Afghanistan)"),
        ("unidentified drones", "Syria", "Unidentified Military Forces"),
        ("Protesters", "SY", "Protesters (Syria)"),
        ("a number of young men", "Syria", "Civilians (Syria)"),
        ("1 policeman", "Iraq", "Police Forces of Iraq (2020-2022)"),
        ("2 commandos", "Afghanistan", "Military Forces of Afghanistan (2021-)"),
        ("Arbaki forces", "Afghanistan", "Militia (Pro-Government)"),
        # criminal groups are gangs, armed people no civilians, minority communities civilians
        ("members of a criminal group", "Mexico", "Unidentified Gang (Mexico)"),
        ("rival drug trafficking groups", "Mexico", "Unidentified Gang (Mexico)"),
        ("two gang members", "Mexico", "Unidentified Gang (Mexico)"),
        ("three armed individuals", "Mexico", "Unidentified Armed Group (Mexico)"),
        ("two armed suspects", "Mexico", "Unidentified Armed Group (Mexico)"),
        ("members of the minority community", "India", "Civilians (India)"),
        # a militia a place or people names takes that name; a nationality leaves it unidentified
        ("members of a Kaduna communal militia", "Nigeria", "Kaduna Communal Militia (Nigeria)"),
        ("Hema ethnic militiamen", "Democratic Republic of Congo",
         "Hema Ethnic Militia (Democratic Republic of Congo)"),
        ("a Nigerian communal militia", "Nigeria", "Unidentified Communal Militia (Nigeria)"),
    ],
)
def test_actors_generic_groups_take_the_event_country(actors: ActorNormalizer, text: str, country: str,
                                                      expected: str) -> None:
    assert actors.normalize(text, country, MAR_2022) == expected


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("Iraqi police", "Iraq", "Police Forces of Iraq (2020-2022)"),
        ("Afghan soldiers", "Afghanistan", "Military Forces of Afghanistan (2021-)"),
        ("Nigerian troops", "Nigeria", "Military Forces of Nigeria (2015-2023)"),
        ("Somali forces", "Somalia", "Military Forces of Somalia (2017-2022)"),
        ("Pakistani security forces", "Pakistan", "Military Forces of Pakistan (2018-2022)"),
        ("Indian police", "India", "Police Forces of India (2014-)"),
        ("Congolese army", "Democratic Republic of Congo", "Military Forces of the Democratic Republic of Congo (2019-)"),
        ("Burkinabe soldiers", "Burkina Faso", "Military Forces of Burkina Faso (2022-)"),
        ("Filipino troops", "Philippines", "Military Forces of the Philippines (2016-2022)"),
        ("Mexican police", "Mexico", "Police Forces of Mexico (2018-2024)"),
        ("Iraqi protesters", None, "Protesters (Iraq)"),
        ("3 Afghan security personnel", None, "Military Forces of Afghanistan (2021-)"),
        ("up to 40 Somali elders", None, "Civilians (Somalia)"),
        ("Iraqi intelligence", None, "Police Forces of Iraq (2020-2022)"),
        ("Iraqi military intelligence", None, "Military Forces of Iraq (2020-2022)"),
        # a description ending in a state-force noun is that force; a proper name is its own actor
        ("hostage police officers", "Mexico", "Police Forces of Mexico (2018-2024)"),
        ("police Special Action Force personnel", "Philippines", "Police Forces of the Philippines (2016-2022)"),
        ("two units of regional security forces", "Somalia", "Military Forces of Somalia (2017-2022)"),
    ],
)
def test_actors_nationality_and_force(actors: ActorNormalizer, text: str, country: str | None, expected: str) -> None:
    assert actors.normalize(text, country, MAR_2022) == expected


@pytest.mark.parametrize(
    ("country", "when", "expected"),
    [
        ("Afghanistan", date(2020, 3, 5), "Military Forces of Afghanistan (2014-2021)"),
        ("Afghanistan", date(2021, 8, 15), "Military Forces of Afghanistan (2021-)"),
        ("Iraq", date(2019, 6, 1), "Military Forces of Iraq (2018-2020)"),
        ("Iraq", date(2023, 1, 1), "Military Forces of Iraq (2022-)"),
        ("Syria", date(2019, 2, 9), "Military Forces of Syria (2000-)"),
        ("Syria", date(2025, 1, 10), "Military Forces of Syria (2024-)"),
        ("Tuvalu", date(2020, 1, 1), "Military Forces of Tuvalu"),
    ],
)
def test_actors_regime_period_follows_event_date(actors: ActorNormalizer, country: str, when: date,
                                                 expected: str) -> None:
    assert actors.normalize("government forces", country, when) == expected


def test_actors_taliban_become_state_forces_after_august_2021(actors: ActorNormalizer) -> None:
    assert actors.normalize("Taliban", "Afghanistan", date(2021, 7, 1)) == "Taliban"
    assert actors.normalize("Taliban", "Afghanistan", date(2022, 3, 26)) == "Military Forces of Afghanistan (2021-)"
    assert actors.normalize("Taliban", "Pakistan", date(2022, 3, 26)) == "Taliban"


def test_actors_country_restricted_aliases(actors: ActorNormalizer) -> None:
    assert actors.normalize("SNA", "Syria", MAR_2022) == "JWS: Syrian National Army"
    assert actors.normalize("SNA", "Somalia", MAR_2022) == "Military Forces of Somalia (2017-2022)"
    assert actors.normalize("SNA", None, MAR_2022) is None


@pytest.mark.parametrize("text", ["the terrorist group", "", "   ", "the sides", "Qwzxqwzx"])
def test_actors_unknown_or_ambiguous_is_none(actors: ActorNormalizer, text: str) -> None:
    assert actors.normalize(text, "Syria", FEB_2019) is None


def test_actors_generic_without_country_drops_the_country_but_a_state_force_needs_one(actors: ActorNormalizer) -> None:
    assert actors.normalize("gunmen", None, FEB_2019) == "Unidentified Armed Group"
    assert actors.normalize("civilians", None, FEB_2019) == "Civilians"
    assert actors.normalize("the police", None, FEB_2019) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Free Syrian Police", "Free Syrian Police"),
    ("the National Investigation Agency", "National Investigation Agency"),
    ("Ahl al-Marouf", "Ahl al-Marouf"),
    ("FDLR", "FDLR"),
    ("UPND rioters", "Rioters (Zambia)"),
    ("several fighters", "Unidentified Armed Group (Zambia)"),
    ("the weekly market", None),
    ("a minibus", None),
    ("bases", None),
    ("themselves", None),
    ("Seven soldiers", "Military Forces of Zambia"),
    ("Warplanes", None),
    ("THEMSELVES", None),
    ("Fulani extremists", "Fulani extremists"),
    ("National Resistance forces", "National Resistance forces"),
    ("a group of 30 militants", "Unidentified Armed Group (Zambia)"),
    ("Jabal Subeih", None),
    ("Al Mukalla Port", None),
    ("President Donald Trump", None),
    ("Mercedes 4WD", None),
    ("Ahrar Sinjar", "Ahrar Sinjar"),
    ("guards of a COMIDE mining site", None),
])
def test_actors_unknown_phrase_is_a_name_the_actor_its_head_names_or_nothing(
        actors: ActorNormalizer, text: str, expected: str | None) -> None:
    assert actors.unknown_actor(text, "Zambia", FEB_2019) == expected


def test_actors_canonical_names_normalise_to_themselves(actors: ActorNormalizer) -> None:
    for name in ("Islamic State (Syria)", "QSD: Syrian Democratic Forces", "Hayat Tahrir al-Sham", "Al Shabaab"):
        assert actors.normalize(name, "Syria", FEB_2019) == name
    assert actors.normalize("Syrian Democratic Forces", "Syria", FEB_2019) == "QSD: Syrian Democratic Forces"
    assert actors.normalize("Islamic State", "Syria", FEB_2019) == "Islamic State (Syria)"


def test_actors_normalize_many_drops_unknown_and_duplicates(actors: ActorNormalizer) -> None:
    names = actors.normalize_many(["SDF", "the SDF", "Qwzxqwzx", "ISIS"], "Syria", FEB_2019)
    assert names == ("QSD: Syrian Democratic Forces", "Islamic State (Syria)")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Military Forces of Syria (2000-)", "Military Forces of Syria"),
        ("Military Forces of Syria (2000-2024)", "military forces of syria"),
        ("Police Forces of Honduras (2010-2022)", "Police Forces of Honduras"),
        ("Military Forces of the Democratic Republic of Congo (2019-)", "Military Forces of Democratic Republic of Congo"),
        ("YPG: People's Protection Units", "YPG: Peoples Protection Units"),
        ("Hayat Tahrir al-Sham", "Hayat Tahrir al Sham"),
    ],
)
def test_actors_canonical_key_equates(a: str, b: str) -> None:
    assert canonical_key(a) == canonical_key(b)


def test_actors_canonical_key_keeps_country_qualifier() -> None:
    assert canonical_key("Protesters (Syria)") != canonical_key("Protesters (Iraq)")
    assert canonical_key("Protesters (Syria)") == "protesters syria"


def test_actors_table_is_well_formed() -> None:
    table = read_actor_table()
    normalizer = build_normalizer(table, load_country_table())  # raises on any bad entry
    for item in table["actor"] + table["generic"]:
        assert item["aliases"], item["name"]
    # every country the brief lists has a regime table
    for country in ("Syria", "Iraq", "Yemen", "Afghanistan", "Nigeria", "Somalia", "Ukraine", "Myanmar", "Mali",
                    "Burkina Faso", "Niger", "Democratic Republic of Congo", "Sudan", "Ethiopia", "Pakistan", "India",
                    "Bangladesh", "Algeria", "Mexico", "Colombia", "Brazil", "Philippines"):
        assert normalizer.period_label(country, date(2022, 1, 1)), country


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"regimes": {"Syria": [["2024-12-08", "2024-"], ["2000-07-17", "2000-"]]}}, "oldest first"),
        ({"regimes": {"Syrie": [["2000-07-17", "2000-"]]}}, "not an ACLED country"),
        ({"regimes": {"Syria": [["2000-13-40", "2000-"]]}}, "bad date"),
        ({"actor": [{"name": "X ({place})", "aliases": ["x"]}]}, "unknown placeholder"),
        ({"actor": [{"name": "X", "aliases": []}]}, "aliases"),
        ({"actor": [{"name": "X", "aliases": ["x"], "countries": ["Narnia"]}]}, "Narnia"),
        ({"actor": [{"name": "X ({period})", "aliases": ["x"]}]}, "needs a regime"),
    ],
)
def test_actors_bad_table_entries_raise_coded_errors(patch: dict, message: str) -> None:
    table = {"regimes": {"Syria": [["2000-07-17", "2000-"]]}, "generic": [], "actor": []}
    table.update(patch)
    with pytest.raises(ResolveError, match=message) as err:
        build_normalizer(table, load_country_table())
    assert err.value.code == "E503"


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("Turkish army warplanes", "Syria", "Military Forces of Turkey (2016-)"),
        ("PKK forces", "Iraq", "PKK: Kurdistan Workers Party"),
        ("an unknown armed group", "Syria", "Unidentified Armed Group (Syria)"),
        ("the 30th Brigade of the Popular Mobilization Forces", "Iraq",
         "Military Forces of Iraq (2020-2022) Popular Mobilization Forces"),
        ("an SDF patrol", "Syria", "QSD: Syrian Democratic Forces"),
        ("a regime checkpoint", "Syria", "Military Forces of Syria (2000-)"),
        ("an IS cell leader", "Iraq", "Islamic State (Iraq)"),
        ("a Yemeni citizen", None, "Civilians (Yemen)"),
    ],
)
def test_actors_names_inside_longer_phrases(actors: ActorNormalizer, text: str, country: str | None,
                                            expected: str) -> None:
    assert actors.normalize(text, country, MAR_2022) == expected


def test_actors_short_acronyms_inside_phrases_must_be_capitals(actors: ActorNormalizer) -> None:
    assert actors.normalize("this is what they said", "Syria", MAR_2022) is None


def test_actors_infer_country_from_single_country_groups(actors: ActorNormalizer) -> None:
    assert actors.infer_country(["QSD fighters", "Turkish army"]) == "Syria"
    assert actors.infer_country(["Houthi rebels"]) == "Yemen"
    assert actors.infer_country(["gunmen", "civilians"]) is None
    assert actors.infer_country(["QSD", "Houthis"]) is None


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("the regime's 5th Armoured Division", "Syria", "Military Forces of Syria (2000-)"),
        ("the 3rd Brigade of the army", "Iraq", "Military Forces of Iraq (2020-2022)"),
        ("three unidentified tribal groups", "Yemen", "Unidentified Tribal Militia (Yemen)"),
        ("armed tribesmen", "Libya", "Unidentified Tribal Militia (Libya)"),
        ("clan militias", "Somalia", "Unidentified Clan Militia (Somalia)"),
        ("an unknown militant group", "Nigeria", "Unidentified Armed Group (Nigeria)"),
        ("joint FARDC and MONUSCO troops", "Democratic Republic of Congo",
         "Military Forces of the Democratic Republic of Congo (2019-)"),
        ("FAMa soldiers", "Mali", "Military Forces of Mali (2021-)"),
        ("IRG forces", "Yemen", "Military Forces of Yemen (2012-)"),
        ("HBDH militants", "Turkey", "HBDH: Peoples United Revolutionary Movement"),
        ("CPC rebels", "Central African Republic", "CPC: Coalition of Patriots for Change"),
        ("the troops of Pakistan", None, "Military Forces of Pakistan (2018-2022)"),
    ],
)
def test_actors_formations_generic_groups_and_national_armies(actors: ActorNormalizer, text: str, country: str,
                                                               expected: str) -> None:
    assert actors.normalize(text, country, MAR_2022) == expected


def test_actors_a_proper_name_ending_in_a_force_noun_is_not_the_state(actors: ActorNormalizer) -> None:
    assert actors.normalize("Free Syrian Police", "Syria", MAR_2022) is None


def test_actors_gangs_before_acled_named_them_are_unidentified_armed_groups(actors: ActorNormalizer) -> None:
    assert actors.normalize("a criminal gang", "Kenya", date(2016, 5, 1)) == "Unidentified Armed Group (Kenya)"
    assert actors.normalize("a criminal gang", "Kenya", MAR_2022) == "Unidentified Gang (Kenya)"



@given(st.text(max_size=80), st.sampled_from([None, "Nigeria", "Syria", "Mexico"]))
@settings(max_examples=200, deadline=None)
def test_actors_any_phrase_normalises_to_a_name_or_none(text: str, country: str | None) -> None:
    actors = load_actor_normalizer()
    for result in (actors.normalize(text, country, MAR_2022), actors.unknown_actor(text, country, MAR_2022)):
        assert result is None or (result.strip() == result and result)
