import subprocess
import sys

import pytest
import yaml

from lotse import content as content_module
from lotse.validate import ROOT, domain_intents, main as validate_main


@pytest.fixture(scope="module")
def content():
    return content_module.load()


def test_project_content_is_valid(content):
    report = content_module.validate(content, intents=domain_intents(ROOT / "domain.yml"))
    assert report.errors == []


def test_domain_intents_are_exactly_the_topics_plus_fallback(content):
    intents = set(domain_intents(ROOT / "domain.yml"))
    assert intents == set(content.topics)
    assert len(content.topics) == 42


def test_every_required_language_answers_every_topic(content):
    for lang in content.required_languages:
        for topic in content.topic_ids():
            if content.is_answer_topic(topic):
                assert content.answer(topic, lang).strip()
                assert content.title(topic, lang).strip()


def test_validation_command_fails_when_one_answer_is_removed(content_copy, capsys):
    assert validate_main(["--content", str(content_copy), "--no-training-data"]) == 0
    path = content_copy / "answers" / "uk.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["topics"]["family_reunification"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert validate_main(["--content", str(content_copy), "--no-training-data"]) == 1
    assert "answers/uk.yml: no answer for topic 'family_reunification'" in capsys.readouterr().out


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["topics"]["fees"].update(answer=""), "topic 'fees' has an empty 'answer'"),
    (lambda d: d["topics"]["fees"].update(colour="red"), "unknown field 'colour'"),
    (lambda d: d["messages"].pop("privacy"), "missing message 'privacy'"),
    (lambda d: d["buttons"].update(shiny="x"), "unknown button 'shiny'"),
    (lambda d: d["topics"].update(made_up={"title": "x", "answer": "y"}),
     "unknown topic 'made_up'"),
])
def test_validation_catches_broken_answers(content_copy, change, expected):
    _edit(content_copy / "answers" / "ar.yml", change)
    report = content_module.validate(content_module.load(content_copy))
    assert any(expected in e for e in report.errors), report.errors


def test_missing_language_file_is_an_error(content_copy):
    (content_copy / "answers" / "fa.yml").unlink()
    report = content_module.validate(content_module.load(content_copy))
    assert "answers/fa.yml: missing (required language)" in report.errors


@pytest.mark.parametrize("url", ["http://example.org", "www.example.org", "https://", "https://a b.de"])
def test_broken_link_field_is_an_error(content_copy, url):
    _edit(content_copy / "topics.yml",
          lambda d: d["topics"]["fees"].update(links=[url]))
    report = content_module.validate(content_module.load(content_copy))
    assert any("is not an https URL" in e for e in report.errors)


def test_office_without_source_or_date_is_an_error(content_copy):
    def change(d):
        d["offices"]["auslaenderbehoerde"]["source"] = ""
        d["offices"]["auslaenderbehoerde"]["checked"] = "last week"
    _edit(content_copy / "offices.yml", change)
    errors = content_module.validate(content_module.load(content_copy)).errors
    assert "offices.yml: auslaenderbehoerde: no source" in errors
    assert any("'checked' must be a date" in e for e in errors)


def test_unconfirmed_office_fields_are_never_shown(content):
    office = content.offices["auslaenderbehoerde"]
    text = content.office_contact("auslaenderbehoerde", "de")
    for name in office.get("unconfirmed") or []:
        if office.get(name):
            assert str(office[name]) not in text
    assert office["address"] in text


def test_unknown_language_falls_back_to_default(content):
    assert content.lang_or_default("xx") == "de"
    assert content.answer("fees", "xx") == content.answer("fees", "de")


def test_validate_cli_runs_as_module():
    result = subprocess.run([sys.executable, "-m", "lotse.validate", "--no-training-data"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Content OK" in result.stdout


def test_municipalities_and_language_aliases_are_validated(content_copy):
    _edit(content_copy / "municipalities.yml", lambda d: d.update(source="", zip="25335"))
    _edit(content_copy / "languages.yml", lambda d: d["aliases"].pop("pl"))
    errors = content_module.validate(content_module.load(content_copy)).errors
    assert "municipalities.yml: no source" in errors
    assert "municipalities.yml: unknown field 'zip'" in errors
    assert "languages.yml: no aliases for 'pl'" in errors


@pytest.mark.parametrize("change,expected", [
    (lambda a: a["diakomigra_pinneberg"].update(roles=["helpdesk"]), "unknown role 'helpdesk'"),
    (lambda a: a["diakomigra_pinneberg"].update(municipalities=["Hamburg"]),
     "unknown municipality 'Hamburg'"),
    (lambda a: a["diakomigra_pinneberg"].update(source=""), "diakomigra_pinneberg: no source"),
    (lambda a: a["diakomigra_pinneberg"].update(website="http://x.de"), "not an https URL"),
    (lambda a: a["diakomigra_pinneberg"].update(fax="1"), "unknown field 'fax'"),
    (lambda a: a["diakomigra_pinneberg"]["handoff"].update(
        webhook_url="https://example.org/hook", webhook_secret_env=""),
     "a webhook needs webhook_secret_env"),
    (lambda a: a.pop("abh_service_desk"), "service desk 'abh_service_desk' is missing"),
])
def test_agency_directory_is_validated(content_copy, change, expected):
    path = content_copy / "agencies.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["agencies"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = content_module.validate(content_module.load(content_copy))
    assert any(expected in error for error in report.errors), report.errors


def test_unconfirmed_agency_fields_and_channels_are_never_used(content):
    desk = content.agency_directory.service_desk
    assert "opening_hours" not in desk.visible_contact()
    for agency in content.agency_directory.agencies.values():
        hidden = set(content.agencies[agency.id].get("unconfirmed") or [])
        assert not hidden & set(agency.visible_contact())
        if "handoff" in hidden:
            assert (agency.handoff_email, agency.webhook_url) == ("", "")
