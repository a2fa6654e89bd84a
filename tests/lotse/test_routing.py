import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lotse import content as content_module
from lotse import routing
from tests.lotse.agency_fixture import write_agencies

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def content(content_copy):
    return content_module.load(write_agencies(content_copy))


def route(content, age, municipality="Elmshorn", status=None, language="de", topic=None):
    return routing.route(content.agency_directory, age=age, status=status,
                         municipality=municipality, amt=content.amt_of(municipality),
                         language=language, topic=topic)


@pytest.mark.parametrize("age,role", [(11, "mbe"), (12, "jmd"), (26, "jmd"), (27, "mbe")])
def test_age_edges(content, age, role):
    assert route(content, age, topic="housing").role == role


def test_under_12_is_a_parent_asking_for_a_child(content):
    assert route(content, 8, topic="school_childcare").reason_code == "mbe_child"


def test_protection_status_at_20_goes_to_jmd_and_at_40_to_refugee_counselling(content):
    assert route(content, 20, status="protection", topic="benefits").role == "jmd"
    adult = route(content, 40, status="protection", topic="benefits")
    assert (adult.role, adult.reason_code, adult.agency.id) == \
        ("refugee_counselling", "refugee_status", "refugee_kreis")


@pytest.mark.parametrize("status", ["asylum_seeker", "tolerated"])
def test_asylum_and_tolerated_adults_go_to_refugee_counselling(content, status):
    assert route(content, 33, status=status).role == "refugee_counselling"


@pytest.mark.parametrize("topic", sorted(routing.REFUGEE_TOPICS))
def test_refugee_topics_without_status(content, topic):
    chosen = route(content, 45, status="other", topic=topic)
    assert (chosen.role, chosen.reason_code) == ("refugee_counselling", "refugee_topic")


def test_recognition_topic_and_municipality_served_by_no_agency_of_the_role(content):
    served = route(content, 35, municipality="Pinneberg", topic="recognition_qualifications",
                   language="fa")
    assert (served.role, served.agency.id, served.match) == \
        ("recognition_counselling", "recognition_sh", "municipality")
    unserved = route(content, 35, municipality="Wedel", topic="recognition_qualifications")
    assert (unserved.role, unserved.agency.id, unserved.match) == \
        ("recognition_counselling", "abh_service_desk", "service_desk")


def test_refugee_status_beats_recognition(content):
    assert route(content, 35, status="asylum_seeker",
                 topic="recognition_qualifications").role == "refugee_counselling"


def test_violence_comes_before_age_and_emergency_has_no_agency(content):
    violence = route(content, 19, topic="violence_protection")
    assert (violence.role, violence.agency.id) == ("violence_protection", "women_kreis")
    emergency = route(content, 19, topic="emergency")
    assert (emergency.role, emergency.agency) == ("emergency", None)


def test_prefers_municipality_then_language(content):
    assert route(content, 40, language="tr").agency.id == "mbe_elmshorn"
    arabic = route(content, 40, language="ar")
    assert (arabic.agency.id, arabic.match) == ("mbe_pinneberg_ar", "municipality_language")
    # no agency speaks Polish: the first one serving Elmshorn
    assert route(content, 40, language="pl").agency.id == "mbe_elmshorn"


def test_village_is_served_through_its_amt(content):
    assert content.amt_of("Seester") == "Elmshorn-Land"
    assert route(content, 40, municipality="Seester").agency.id == "mbe_elmshorn"
    assert route(content, 40, municipality="Wedel").agency.id == "abh_service_desk"


def test_reason_is_readable_in_the_residents_language(content):
    text = routing.explain(route(content, 22, topic="family_reunification", language="ar"),
                           content, "ar")
    assert content.message("route_jmd", "ar") in text
    assert "Elmshorn" in text and "{" not in text


@pytest.mark.parametrize("kwargs,message", [
    ({"age": 22, "municipality": "Hamburg"}, "not a municipality"),
    ({"age": 130, "municipality": "Wedel"}, "out of range"),
    ({"age": -1, "municipality": "Wedel"}, "out of range"),
    ({"age": 22, "municipality": "Wedel", "topic": "visa_lottery"}, "unknown topic"),
])
def test_check_inputs_rejects(content, kwargs, message):
    with pytest.raises(routing.RoutingError, match=message):
        routing.check_inputs(status="other", known_municipalities=content.municipality_names(),
                             known_topics=list(content.topics), **{"topic": None, **kwargs})


def run_cli(*args, content_dir):
    env = {**os.environ, "LOTSE_CONTENT_DIR": str(content_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "lotse.route", *args], env=env,
                          capture_output=True, text=True, timeout=60)


def test_cli_prints_json(content_copy):
    write_agencies(content_copy)
    done = run_cli("--age", "22", "--status", "other", "--municipality", "Wedel", "--language",
                   "ar", "--topic", "family_reunification", content_dir=content_copy)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["agency"], result["role"]) == ("jmd_kreis", "jmd")
    assert result["reason"] and result["reason_de"].startswith("Der Jugendmigrationsdienst")


@pytest.mark.parametrize("args", [
    ["--age", "22", "--municipality", "Hamburg"],
    ["--age", "200", "--municipality", "Wedel"],
    ["--age", "22", "--municipality", "Wedel", "--topic", "nope"],
])
def test_cli_errors_exit_2(content_copy, args):
    write_agencies(content_copy)
    done = run_cli(*args, content_dir=content_copy)
    assert done.returncode == 2 and "error:" in done.stderr and not done.stdout
