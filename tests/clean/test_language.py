"""The stopword-ratio language check: English passes, other languages and scripts are named."""

from __future__ import annotations

import pytest

from conflictlog.clean.language import detect_language

ENGLISH = (
    "Government forces said they had pushed back an attack on their positions near the town, and that "
    "several fighters were killed in the clashes, which lasted for most of the night."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(ENGLISH, "en", id="english prose"),
        pytest.param("Turkish shelling kills 2 civilians in Afrin countryside", "en", id="english headline"),
        pytest.param("SDF repel ISIS attack", "en", id="short headline"),
        pytest.param(
            "Les forces gouvernementales ont repoussé une attaque contre leurs positions près de la ville, "
            "et plusieurs combattants ont été tués dans les affrontements selon une source locale.",
            "fr",
            id="french",
        ),
        pytest.param(
            "Las fuerzas del gobierno repelieron un ataque contra sus posiciones cerca de la ciudad y varios "
            "combatientes murieron en los enfrentamientos, según una fuente local.",
            "es",
            id="spanish",
        ),
        pytest.param(
            "Die Regierungstruppen haben einen Angriff auf ihre Stellungen in der Nähe der Stadt abgewehrt, "
            "und mehrere Kämpfer wurden bei den Gefechten getötet, sagte eine Quelle.",
            "de",
            id="german",
        ),
        pytest.param(
            "Правительственные силы отразили нападение на свои позиции возле города, несколько боевиков погибли.",
            "ru",
            id="cyrillic",
        ),
        pytest.param("صدت القوات الحكومية هجوما على مواقعها قرب المدينة وقتل عدد من المسلحين في الاشتباكات", "ar", id="arabic"),
        pytest.param("12345 -- 678", "und", id="no words"),
    ],
)
def test_language_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_language_english_with_foreign_names_stays_english() -> None:
    text = (
        "The Hayat Tahrir al-Sham group said its fighters attacked positions of the Liwa al-Quds militia "
        "near Kafr Nabudah and Tell Sukayk, and that the Jaysh al-Izza brigade took part in the operation."
    )
    assert detect_language(text) == "en"
