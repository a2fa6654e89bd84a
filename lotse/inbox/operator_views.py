"""Operator pages: anonymous statistics with a chart, and their CSV export.

Only logins with the role ``operator`` see them; agency logins get 403. Nothing here names a
resident: counts per day, topic, language and channel, handoffs per agency, and the questions
the assistant could not place, masked (lotse/statistics.py).
"""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from typing import List, Tuple

from aiohttp import web

from lotse import statistics
from lotse.inbox import auth
from lotse.inbox.views import InboxViews, PageError

PERIODS = (7, 30, 90, 365)
CHART_WIDTH, CHART_HEIGHT = 720, 220
OPERATOR_ONLY = "Diese Seite ist nur für Betriebskonten."


def bar_chart(per_day: List[Tuple[dt.date, int]], since: dt.date, until: dt.date) -> dict:
    """Bars for every day of the period (days without messages are zero), for the SVG."""
    counts = dict(per_day)
    days = [since + dt.timedelta(days=offset) for offset in range((until - since).days + 1)]
    highest = max([counts.get(day, 0) for day in days] + [1])
    width = CHART_WIDTH / len(days)
    bars = []
    for index, day in enumerate(days):
        value = counts.get(day, 0)
        height = round((CHART_HEIGHT - 20) * value / highest, 1)
        bars.append({"x": round(index * width, 1), "width": max(round(width - 1, 1), 0.5),
                     "y": round(CHART_HEIGHT - height, 1), "height": height,
                     "label": f"{day:%d.%m.%Y}: {value}"})
    return {"bars": bars, "highest": highest, "width": CHART_WIDTH, "height": CHART_HEIGHT,
            "first": f"{since:%d.%m.%Y}", "last": f"{until:%d.%m.%Y}"}


def csv_cell(value: object) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text  # no formulas in Excel


class OperatorViews:
    def __init__(self, views: InboxViews):
        self.views = views

    async def operator(self, request: web.Request) -> auth.Viewer:
        viewer = await self.views.current_viewer(request)
        if viewer is None:
            raise web.HTTPSeeOther("/login")
        if viewer.role != "operator":
            raise PageError(403, OPERATOR_ONLY)
        return viewer

    def period(self, request: web.Request) -> int:
        try:
            days = int(request.query.get("tage", "30"))
        except ValueError:
            raise PageError(400, "Diesen Zeitraum gibt es nicht.")
        if days not in PERIODS:
            raise PageError(400, "Diesen Zeitraum gibt es nicht.")
        return days

    async def statistics_page(self, request: web.Request) -> web.Response:
        viewer = await self.operator(request)
        days = self.period(request)
        until = dt.date.today()
        since = until - dt.timedelta(days=days - 1)
        store = self.views.store
        rows = await asyncio.to_thread(statistics.daily_rows, store, since)
        unplaced = await asyncio.to_thread(statistics.unplaced_questions, store, 100)
        summary = statistics.summarise(rows)
        content = self.views.content
        topics = [(content.title(key, "de") if content.is_answer_topic(key) else key, count)
                  for key, count in summary["per_topic"]]
        names = content.languages.get("names_de") or {}
        languages = [(names.get(code, code), count) for code, count in summary["per_language"]]
        agencies = [((content.agency_directory.get(key).name
                      if content.agency_directory.get(key) else key), count)
                    for key, count in summary["handoffs_per_agency"]]
        return self.views.render(
            "statistics.html", viewer=viewer, days=days, periods=PERIODS, summary=summary,
            chart=bar_chart(summary["per_day"], since, until), topics=topics,
            languages=languages, agencies=agencies, unplaced=unplaced)

    async def statistics_csv(self, request: web.Request) -> web.Response:
        await self.operator(request)
        days = self.period(request)
        since = dt.date.today() - dt.timedelta(days=days - 1)
        rows = await asyncio.to_thread(statistics.daily_rows, self.views.store, since)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["tag", "art", "thema_oder_stelle", "sprache", "kanal", "anzahl"])
        for row in rows:
            writer.writerow([row.day.isoformat(), row.kind, csv_cell(row.key),
                             csv_cell(row.language), csv_cell(row.channel), row.count])
        return web.Response(
            text=buffer.getvalue(), content_type="text/csv", charset="utf-8",
            headers={"Content-Disposition":
                     f'attachment; filename="lotse-statistik-{since.isoformat()}.csv"'})
