"""The widget's own texts (content/widget.yml): complete in every required language."""
import re
from pathlib import Path

import yaml

from lotse import content as content_module
from lotse import widget_strings

ROOT = Path(__file__).resolve().parents[2]
WIDGET_JS = ROOT / "bot" / "static" / "widget.js"


def test_project_widget_texts_are_complete():
    content = content_module.load()
    assert widget_strings.validate(content) == []


def test_every_text_the_widget_uses_exists_and_every_text_is_used():
    source = WIDGET_JS.read_text(encoding="utf-8")
    used = set(re.findall(r'\bt\("(\w+)"\)', source))
    used |= set(re.findall(r'label\(.*?, "(\w+)"(?:, "[\w-]+")?\)', source))
    used |= set(re.findall(r'iconButton\("\w+", "(\w+)"', source))
    keys = set(widget_strings.load(content_module.DEFAULT_CONTENT_DIR))
    assert used and used <= keys
    assert [key for key in sorted(keys) if f'"{key}"' not in source] == []


def _rewrite(content_dir: Path, change) -> None:
    path = content_dir / "widget.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_a_missing_or_empty_language_is_reported(content_copy):
    def change(data):
        del data["strings"]["send"]["fa"]
        data["strings"]["close"]["pl"] = "  "
        data["strings"]["retry"]["xx"] = "?"
    _rewrite(content_copy, change)
    errors = widget_strings.validate(content_module.load(content_copy))
    assert sorted(errors) == ["widget.yml: close: missing text in 'pl'",
                              "widget.yml: retry: unknown language 'xx'",
                              "widget.yml: send: missing text in 'fa'"]


def test_a_missing_file_or_a_wrong_shape_is_reported(content_copy):
    (content_copy / "widget.yml").write_text("texts: {}\n", encoding="utf-8")
    assert widget_strings.validate(content_module.load(content_copy)) == [
        "widget.yml: must contain only a non-empty mapping 'strings'"]
    (content_copy / "widget.yml").unlink()
    assert widget_strings.validate(content_module.load(content_copy)) == ["widget.yml: missing"]


def test_bundle_lists_the_languages_with_direction_and_texts():
    content = content_module.load()
    bundle = widget_strings.bundle(content, widget_strings.load(content.directory))
    assert [l["code"] for l in bundle["languages"]] == content.required_languages
    assert {l["code"] for l in bundle["languages"] if l["dir"] == "rtl"} == {"ar", "fa"}
    assert bundle["default"] == "de"
    assert bundle["strings"]["ar"]["send"] == "إرسال"
