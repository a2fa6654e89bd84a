"""Operator statistics pages: only for operators, anonymous, with chart and CSV export."""
import csv
import html
import io

import pytest

from lotse import statistics
from tests.lotse.inbox.conftest import logged_in

pytestmark = pytest.mark.usefixtures("users")


def record_some(store):
    recorder = statistics.StatisticsRecorder(store, flush_seconds=3600)
    for _ in range(3):
        recorder.message("appointment", "ar", "widget", "بدي موعد")
    recorder.message("nlu_fallback", "de", "telegram", "ruf an: 0176 1234 5678 <b>x</b>")
    recorder.handoff("abh_service_desk", "ar", "widget")


async def test_operator_sees_counts_chart_and_masked_questions(make_client, store):
    record_some(store)
    client = await logged_in(make_client, "ops")
    response = await client.get("/betrieb")
    page = await response.text()
    assert response.status == 200
    assert "<strong>4</strong> Nachrichten" in page and "25.0 %" in page
    assert "<svg" in page and page.count("<rect") == 30  # one bar per day of 30 days
    assert ">appointment<" not in page  # topic titles, not ids
    assert "Arabisch" in page
    assert "0176" not in page and html.escape("ruf an: [Telefon] <b>x</b>") in page
    week = await (await client.get("/betrieb?tage=7")).text()
    assert week.count("<rect") == 7
    assert (await client.get("/betrieb?tage=12")).status == 400


async def test_csv_export(make_client, store):
    record_some(store)
    client = await logged_in(make_client, "ops")
    response = await client.get("/betrieb/statistik.csv?tage=30")
    assert response.status == 200 and response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(await response.text())))
    assert rows[0] == ["tag", "art", "thema_oder_stelle", "sprache", "kanal", "anzahl"]
    data = {(r[1], r[2], r[3], r[4]): int(r[5]) for r in rows[1:]}
    assert data == {("message", "appointment", "ar", "widget"): 3,
                    ("message", "nlu_fallback", "de", "telegram"): 1,
                    ("handoff", "abh_service_desk", "ar", "widget"): 1}
    assert statistics_safe(rows)


def statistics_safe(rows):
    return all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)


async def test_agency_users_and_strangers_get_no_statistics(make_client, store):
    record_some(store)
    agency = await logged_in(make_client, "user_a")
    assert (await agency.get("/betrieb")).status == 403
    assert (await agency.get("/betrieb/statistik.csv")).status == 403
    stranger = await make_client()
    response = await stranger.get("/betrieb", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/login"
