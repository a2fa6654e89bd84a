import pytest

from lotse import content as content_module
from lotse.entities import EntityLookup

CONTENT = content_module.load()
LOOKUP = EntityLookup.from_content(CONTENT.languages, CONTENT.municipalities)


@pytest.mark.parametrize("text, code", [
    ("ich will lieber auf arabischer sprache schreiben", "ar"),
    ("по-русски можно?", "ru"),
    ("po polsku prosze", "pl"),
    ("بالعربي لو سمحت", "ar"),
    ("farsi lotfan", "fa"),
    ("українською будь ласка", "uk"),
    ("türkçe yazabilir misin", "tr"),
    ("in english please", "en"),
])
def test_language_names_in_any_language_become_codes(text, code):
    assert [e.value for e in LOOKUP.languages(text)] == [code]


@pytest.mark.parametrize("text, places", [
    ("ich wohne in elmshon", ["Elmshorn"]),
    ("termin in Klein Nordende", ["Klein Nordende"]),
    ("wohne in Pinneberch und Wedel", ["Pinneberg", "Wedel"]),
    ("Kölln-Reisiek", ["Kölln-Reisiek"]),
    ("ich wohne in Hamburg", []),
    ("mein termin ist morgen", []),
])
def test_municipalities_with_typos(text, places):
    assert [e.value for e in LOOKUP.municipalities(text)] == places


def test_entity_offsets_point_into_the_text():
    text = "wohne in Tornesch"
    (entity,) = LOOKUP.municipalities(text)
    assert text[entity.start:entity.end] == "Tornesch"
