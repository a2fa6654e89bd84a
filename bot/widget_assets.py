"""The widget's script and stylesheet as the gateway serves them.

``/widget.js`` is ``static/widget-helpers.js`` and ``static/widget.js`` in one function scope (no
globals on the host page), with the widget texts (content/widget.yml) and the stylesheet's version
filled in, so the embed is one request and the texts can never be missing.
The embed URL has no version, so the script is cached briefly and revalidated by ETag; the
stylesheet is requested with ``?v=<hash>`` and may be cached for a year.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from lotse import widget_strings
from lotse.content import Content

logger = logging.getLogger("lotse.gateway")
BUNDLE_MARK = "/*LOTSE:BUNDLE*/null"
CSS_VERSION_MARK = '/*LOTSE:CSS_VERSION*/""'
SCRIPT_PARTS = ("widget-helpers.js", "widget.js")
SHORT_CACHE = "public, max-age=300"
LONG_CACHE = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, content_type: str) -> "Asset":
        return cls(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:20] + '"')

    @property
    def version(self) -> str:
        return self.etag.strip('"')

    def response(self, request: web.Request) -> web.Response:
        versioned = request.query.get("v") == self.version
        headers = {
            "ETag": self.etag,
            "Cache-Control": LONG_CACHE if versioned else SHORT_CACHE,
            # Host pages that isolate themselves (COEP) may still load the widget.
            "Cross-Origin-Resource-Policy": "cross-origin",
            "X-Content-Type-Options": "nosniff",
        }
        if self.etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        return web.Response(body=self.body, headers={**headers, "Content-Type": self.content_type})


@dataclass(frozen=True)
class WidgetAssets:
    script: Asset
    style: Asset

    @classmethod
    def build(cls, static: Path, content: Content) -> "WidgetAssets":
        problems = widget_strings.validate(content)
        for problem in problems:
            logger.warning("widget texts: %s", problem)
        style = Asset.of((static / "widget.css").read_bytes(), "text/css; charset=utf-8")
        source = "\n".join((static / name).read_text(encoding="utf-8") for name in SCRIPT_PARTS)
        if BUNDLE_MARK not in source or CSS_VERSION_MARK not in source:
            raise RuntimeError("static/widget.js lacks its placeholders")
        bundle = widget_strings.bundle(content, widget_strings.load(content.directory))
        source = (source.replace(BUNDLE_MARK, json.dumps(bundle, ensure_ascii=False))
                  .replace(CSS_VERSION_MARK, json.dumps(style.version)))
        script = '(() => {\n"use strict";\n' + source + "\n})();\n"
        return cls(Asset.of(script.encode("utf-8"), "text/javascript; charset=utf-8"), style)
