"""The ACLED taxonomy and trigger lexicon: well-formed data, precedence, context modifiers."""

from __future__ import annotations

import pytest

from conflictlog.extract.taxonomy import code_event, find_triggers, is_civilian, is_state, load_taxonomy


def test_taxonomy_has_six_types_and_25_sub_types() -> None:
    tax = load_taxonomy()
    assert sorted(tax.types) == sorted([
        "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
        "Strategic developments"])
    assert sum(len(subs) for subs in tax.types.values()) == 25
    assert set(tax.types["Riots"]) == {"Violent demonstration", "Mob violence"}
    assert all(tax.definitions[name] for subs in tax.types.values() for name in subs)


def test_taxonomy_every_trigger_and_modifier_maps_to_a_valid_pair() -> None:
    tax = load_taxonomy()
    assert tax.triggers
    for trig in tax.triggers:
        assert tax.is_valid(trig.event_type, trig.sub_event_type), trig.id
        for _, (event_type, sub_event_type) in trig.modifiers:
            assert tax.is_valid(event_type, sub_event_type), trig.id
    covered = {t.sub_event_type for t in tax.triggers} | {m[1][1] for t in tax.triggers for m in t.modifiers}
    assert covered == {s for subs in tax.types.values() for s in subs}, "every sub-event type is reachable"


def test_taxonomy_trigger_ids_are_unique() -> None:
    ids = [t.id for t in load_taxonomy().triggers]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("text", "first"), [
    ("Artillery shelled the town, killing two people.", "Shelling/artillery/missile attack"),
    ("An airstrike hit a market and killed five civilians.", "Air/drone strike"),
    ("Engineers defused an IED planted on the road.", "Disrupted weapons use"),
    ("A suicide bomber blew himself up at a checkpoint.", "Suicide bomb"),
    ("Fighters clashed near the bridge.", "Armed clash"),
    ("Hundreds protested outside the ministry.", "Peaceful protest"),
    # the harm done ("injured", "killed") gives way to the act that did it
    ("A student was injured when a bomb hidden in a flask went off.", "Remote explosive/landmine/IED"),
    ("Two farmers were killed in a blast near the market.", "Remote explosive/landmine/IED"),
    ("Gunmen shot dead a teacher.", "Attack"),
])
def test_taxonomy_precedence_puts_the_specific_act_first(text: str, first: str) -> None:
    matches = find_triggers(text)
    assert matches[0].trigger.sub_event_type == first


def test_taxonomy_no_trigger_in_commentary() -> None:
    assert find_triggers("The situation in the region remains tense and talks continue.") == ()


def test_taxonomy_generic_attack_on_civilians_is_violence_against_civilians() -> None:
    text = "Gunmen attacked a farmer in the village."
    match = next(m for m in find_triggers(text) if m.trigger.id == "attack")
    assert code_event(match, text, "Gunmen", "a farmer") == ("Violence against civilians", "Attack")
    assert code_event(match, text, "Gunmen", "an army checkpoint") == ("Battles", "Armed clash")


def test_taxonomy_territory_depends_on_whether_the_actor_is_the_state() -> None:
    text = "They recaptured the town."
    match = next(m for m in find_triggers(text) if m.trigger.id == "territory")
    assert code_event(match, text, "government forces", None) == ("Battles", "Government regains territory")
    assert code_event(match, text, "rebel fighters", None) == ("Battles", "Non-state actor overtakes territory")


def test_taxonomy_protest_turns_riot_when_violent() -> None:
    calm = "Teachers protested in front of the ministry."
    angry = "Students protested and threw stones at the police station."
    assert code_event(find_triggers(calm)[0], calm) == ("Protests", "Peaceful protest")
    match = next(m for m in find_triggers(angry) if m.trigger.id == "protest")
    assert code_event(match, angry) == ("Riots", "Violent demonstration")


def test_taxonomy_protest_with_intervention_and_excessive_force() -> None:
    dispersed = "Workers protested until police dispersed them with tear gas."
    shot = "Police opened fire on protesters with live ammunition, killing one."
    match = next(m for m in find_triggers(dispersed) if m.trigger.id == "protest")
    assert code_event(match, dispersed) == ("Protests", "Protest with intervention")
    match = next(m for m in find_triggers(shot) if m.trigger.id == "protest")
    assert code_event(match, shot) == ("Protests", "Excessive force against protesters")


def test_taxonomy_detentions_by_armed_groups_are_abductions() -> None:
    text = "Militants detained three traders."
    match = next(m for m in find_triggers(text) if m.trigger.id == "detain")
    assert code_event(match, text, "Militants", "three traders") == (
        "Violence against civilians", "Abduction/forced disappearance")
    assert code_event(match, text, "the police", "three traders") == ("Strategic developments", "Arrests")


def test_taxonomy_actor_classes() -> None:
    assert is_civilian("two farmers")
    assert is_civilian("an off-duty soldier")
    assert not is_civilian("army soldiers")
    assert is_state("government forces")
    assert not is_state("IS militants")


def test_taxonomy_taking_to_the_streets_is_a_protest() -> None:
    matches = find_triggers("Thousands of workers took to the streets to call for higher wages.")
    assert matches and matches[0].trigger.event_type == "Protests"


def test_taxonomy_killing_with_looting_is_an_attack() -> None:
    from conflictlog.extract.taxonomy import code_event

    text = "Militiamen killed two farmers in the village and looted their cattle."
    looting = next(m for m in find_triggers(text) if m.trigger.id == "looting-goods")
    assert code_event(looting, text) == ("Violence against civilians", "Attack")
    text = "Militiamen looted cattle from two villages."
    looting = next(m for m in find_triggers(text) if m.trigger.id == "looting-goods")
    assert code_event(looting, text) == ("Strategic developments", "Looting/property destruction")


def test_taxonomy_a_crowd_clashing_with_the_police_riots() -> None:
    text = "Traders clashed with police in the market."
    match = next(m for m in find_triggers(text) if m.trigger.id == "clash")
    assert code_event(match, text, "Traders", "police") == ("Riots", "Mob violence")
    assert code_event(match, text, "police", "traders") == ("Riots", "Mob violence")
    assert code_event(match, text, "rebels", "police") == ("Battles", "Armed clash")
    # "armed" supporters are no crowd
    assert code_event(match, text, "armed party supporters", "villagers") == ("Battles", "Armed clash")


def test_taxonomy_an_attack_on_a_crowd_is_no_riot() -> None:
    text = "Soldiers attacked farmers near the border."
    match = next(m for m in find_triggers(text) if m.trigger.id == "attack")
    assert code_event(match, text, "Soldiers", "farmers") == ("Violence against civilians", "Attack")


def test_taxonomy_an_attack_on_infrastructure_destroys_property() -> None:
    text = "Gunmen attacked an oil pipeline near the village."
    match = next(m for m in find_triggers(text) if m.trigger.id == "attack")
    assert code_event(match, text, "Gunmen", "an oil pipeline") == (
        "Strategic developments", "Looting/property destruction")
    deadly = "Gunmen attacked an oil pipeline, killing two guards."
    match = next(m for m in find_triggers(deadly) if m.trigger.id == "attack")
    assert code_event(match, deadly, "Gunmen", "an oil pipeline") == ("Battles", "Armed clash")


@pytest.mark.parametrize(("text", "first"), [
    ("Troops of the two countries targeted each other across the border.", "exchange"),
    ("The enemy positions were hit by jet fighter aerial fire.", "air-strike"),
    ("Rioters threw projectiles at the police.", "mob"),
    ("The militants fired projectiles at the base.", "shelling"),
])
def test_taxonomy_trigger_for_mutual_fire_jets_and_thrown_projectiles(text: str, first: str) -> None:
    assert find_triggers(text)[0].trigger.id == first


def test_taxonomy_rioters_facing_the_police_are_a_violent_demonstration() -> None:
    police = "Rioters fought with riot police near the parliament."
    match = next(m for m in find_triggers(police) if m.trigger.id == "mob")
    assert code_event(match, police, "Rioters", "riot police") == ("Riots", "Violent demonstration")
    raid = "Rioters clashed with soldiers during a raid on the camp."
    match = next(m for m in find_triggers(raid) if m.trigger.id == "mob")
    assert code_event(match, raid, "Rioters", "soldiers") == ("Riots", "Mob violence")
    lynching = "A mob beat a suspected thief before police arrived."
    match = next(m for m in find_triggers(lynching) if m.trigger.id == "mob")
    assert code_event(match, lynching, "A mob", "a suspected thief") == ("Riots", "Mob violence")


def test_taxonomy_a_die_in_is_a_protest() -> None:
    assert find_triggers("Nurses staged a die-in outside the hospital.")[0].trigger.event_type == "Protests"
