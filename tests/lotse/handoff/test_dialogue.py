import pytest

from lotse import content as content_module
from lotse.handoff import dialogue, prompts
from lotse.handoff.dialogue import Turn
from tests.lotse.agency_fixture import write_agencies


@pytest.fixture
def content(content_copy):
    return content_module.load(write_agencies(content_copy))


@pytest.mark.parametrize("text,expected", [
    ("0176 123 45 678", ("phone", "017612345678")),
    ("+49 (0) 4121 123456", ("phone", "+494121123456")),
    ("0049 4121/123456", ("phone", "+494121123456")),
    ("٠١٧٦١٢٣٤٥٦٧٨", ("phone", "017612345678")),          # Arabic-Indic digits
    ("۰۱۷۶-۱۲۳۴۵۶۷۸", ("phone", "017612345678")),          # Persian digits
    ("Ali.Rezai@Example.ORG", ("email", "Ali.Rezai@example.org")),
    ("0176 12", (None, "handoff_bad_phone")),
    ("12345678", (None, "handoff_bad_phone")),
    ("ali@", (None, "handoff_bad_email")),
    ("ali at gmail dot com", (None, "handoff_bad_contact")),
    ("call me maybe", (None, "handoff_bad_contact")),
])
def test_parse_contact(text, expected):
    assert dialogue.parse_contact(text) == expected


@pytest.mark.parametrize("turn,group", [
    (Turn("", choice="age_12_26"), "age_12_26"),
    (Turn("ich bin 34"), "age_27_plus"),
    (Turn("عمري ٢٢ سنة"), "age_12_26"),
    (Turn("26"), "age_12_26"),
    (Turn("27"), "age_27_plus"),
    (Turn("11"), "under_12"),
    (Turn("sehr alt"), None),
    (Turn("between 20 and 30"), None),
])
def test_parse_age_group(turn, group):
    assert dialogue.parse_age_group(turn) == group


@pytest.mark.parametrize("text,place", [
    ("Elmshorn", "Elmshorn"), ("ich wohne in elmshon", "Elmshorn"),
    ("seestermühe", "Seestermühe"), ("Hamburg", None), ("", None)])
def test_parse_municipality_with_typos(content, text, place):
    assert dialogue.parse_municipality(Turn(text), content) == place


@pytest.mark.parametrize("text", ["abbrechen", "Cancel", "stop!"])
def test_cancel_words_end_the_form(content, text):
    result = dialogue.validate_step("handoff_municipality", Turn(text), {}, content, "de",
                                    content.agency_directory)
    assert result.slots["handoff_outcome"] == "cancelled"


def test_cancel_words_of_every_language_are_known(content):
    for lang in content.required_languages:
        first = content.message("handoff_cancel_words", lang).split(",")[0].strip()
        assert dialogue.is_cancel(Turn(first), "handoff_contact", content), lang


def test_bad_phone_is_asked_again_with_a_reason(content):
    result = dialogue.validate_step("handoff_contact", Turn("0176 12"), {}, content, "uk",
                                    content.agency_directory)
    assert result.slots == {"handoff_contact": None}
    assert result.replies[0].text == content.message("handoff_bad_phone", "uk")


def test_consent_refused_ends_the_form_without_data(content):
    result = dialogue.validate_step("handoff_consent", Turn("/deny", "deny", 1.0,
                                                           choice="consent_no"),
                                    {}, content, "ar", content.agency_directory)
    assert result.slots == {"handoff_consent": None, "handoff_outcome": "refused"}
    assert dialogue.required_steps(result.slots) == []


def test_emergency_words_mid_form_get_the_emergency_numbers_first(content):
    result = dialogue.validate_step("handoff_municipality",
                                    Turn("mein mann schlägt mich", "emergency", 0.93),
                                    {}, content, "de", content.agency_directory)
    assert "110" in result.replies[0].text and "112" in result.replies[0].text


def test_description_keeps_the_residents_words(content):
    words = "زوجي في سوريا وبدي جيبه <b>بسرعة</b>"
    result = dialogue.validate_step("handoff_description", Turn(words, "family_reunification",
                                                                0.99), {}, content, "ar",
                                    content.agency_directory)
    assert result.slots == {"handoff_description": words}
    too_long = dialogue.validate_step("handoff_description", Turn("x" * 1501), {}, content,
                                      "ar", content.agency_directory)
    assert too_long.slots == {"handoff_description": None}


def test_status_is_asked_only_where_it_changes_the_route():
    assert "handoff_status" in dialogue.required_steps({"handoff_age_group": "age_27_plus",
                                                        "handoff_topic": "benefits"})
    assert "handoff_status" not in dialogue.required_steps({"handoff_age_group": "age_12_26"})
    assert "handoff_status" not in dialogue.required_steps(
        {"handoff_age_group": "age_27_plus", "handoff_topic": "asylum_procedure"})


def test_proposal_names_agency_and_reason_and_summary_quotes_the_resident(content):
    slots = {"handoff_age_group": "age_27_plus", "handoff_municipality": "Elmshorn",
             "handoff_status": "other", "handoff_topic": "benefits",
             "handoff_agency": "mbe_pinneberg_ar", "handoff_contact": "+4917612345678",
             "handoff_description": "بدي مساعدة بالجوب سنتر"}
    proposal = prompts.ask("handoff_agency", slots, content, "ar")[0]
    assert "MBE Pinneberg (arabisch)" in proposal.text
    assert content.message("route_mbe", "ar") in proposal.text
    assert [b["payload"] for b in proposal.buttons][:2] == [
        '/affirm{"handoff_choice": "agency_ok"}', '/affirm{"handoff_choice": "agency_other"}']
    summary = prompts.ask("handoff_confirm", slots, content, "ar")[0].text
    assert "بدي مساعدة بالجوب سنتر" in summary and "+4917612345678" in summary


def test_refusal_gives_the_agency_contact_or_the_office(content):
    slots = {"handoff_proposed_agency": "mbe_elmshorn"}
    text = prompts.outcome("refused", slots, content, "tr")[0].text
    assert text.startswith(content.message("handoff_refused", "tr"))
    assert "04121 000000" in text
    # an agency whose contact is unconfirmed: the Ausländerbehörde's contact instead
    text = prompts.outcome("refused", {"handoff_agency": "refugee_kreis"}, content, "tr")[0].text
    assert content.offices["auslaenderbehoerde"]["phone"] in text


def test_every_question_exists_in_every_language(content):
    slots = {"handoff_age_group": "age_27_plus", "handoff_municipality": "Elmshorn",
             "handoff_status": "protection", "handoff_topic": None,
             "handoff_agency": "refugee_kreis", "handoff_contact": "+491761234567",
             "handoff_telegram_user": "@ali", "handoff_description": "Hilfe beim Jobcenter"}
    for lang in content.required_languages:
        for step in dialogue.STEPS:
            replies = prompts.ask(step, slots, content, lang)
            assert replies and all(r.text.strip() and "{" not in r.text for r in replies)
        other = prompts.ask("handoff_agency", slots, content, lang, wants_other_agency=True)
        assert "agency:refugee_kreis" not in str(other[0].buttons)
        for kind in ("done", "refused", "failed", "cancelled"):
            text = prompts.outcome(kind, slots, content, lang, reference="LP-TEST-0001")[0].text
            assert text.strip() and "{" not in text
