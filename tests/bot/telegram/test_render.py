"""Rendering the assistant's messages for Telegram (pure functions) and button payload keys."""
import pytest

from bot.telegram import render
from bot.telegram.callback_data import CallbackPayloads
from bot.telegram.memory import BoundedLru


def identity(payload):
    return payload


def test_short_text_is_one_message_with_line_breaks_and_links_kept():
    text = "Erste Zeile\nhttps://www.kreis-pinneberg.de\n\n<b>kein HTML</b> *kein Markdown*"
    assert render.split_text(text) == [text]


def test_long_text_splits_at_paragraphs_first():
    paragraphs = ["A" * 3000, "B" * 3000, "C" * 1000]
    pieces = render.split_text("\n\n".join(paragraphs))
    assert pieces == ["A" * 3000, "B" * 3000 + "\n\n" + "C" * 1000]


def test_a_paragraph_too_long_splits_at_lines_then_words():
    lines = "\n".join(["x" * 1000] * 6)  # one paragraph of 6,005 characters
    pieces = render.split_text(lines)
    assert [len(p) for p in pieces] == [4 * 1000 + 3, 2 * 1000 + 1]
    words = " ".join(["wort"] * 2000)  # 9,999 characters, no line break
    pieces = render.split_text(words)
    assert all(len(p) <= 4096 for p in pieces) and len(pieces) == 3
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in pieces)
    assert " ".join(pieces) == words


def test_text_without_any_break_is_cut_hard():
    pieces = render.split_text("z" * 10_000)
    assert [len(p) for p in pieces] == [4096, 4096, 1808]


def test_limit_counts_utf16_units_like_telegram():
    emoji = "😀" * 3000  # 6,000 UTF-16 units
    pieces = render.split_text(emoji)
    assert [render.text_units(p) for p in pieces] == [4096, 1904]
    assert "".join(pieces) == emoji


def test_rtl_text_is_kept_as_it_is():
    arabic = "مرحبًا! كيف يمكنني مساعدتكم؟\nhttps://www.kreis-pinneberg.de"
    assert render.split_text(arabic) == [arabic]


def test_short_titles_go_two_to_a_row_long_titles_one():
    short = [{"title": name, "payload": f"/p{i}"} for i, name in
             enumerate(["Deutsch", "English", "العربية", "Türkçe", "Polski"])]
    rows = render.keyboard(short, identity).inline_keyboard
    assert [len(r) for r in rows] == [2, 2, 1]
    assert rows[1][0].text == "العربية" and rows[1][0].callback_data == "/p2"
    long = short + [{"title": "Ich frage für mein Kind (unter 12)", "payload": "/x"}]
    assert [len(r) for r in render.keyboard(long, identity).inline_keyboard] == [1] * 6


def test_buttons_without_title_or_payload_are_left_out():
    assert render.keyboard([{"title": " ", "payload": "/a"}, {"title": "b"}], identity) is None


def test_keyboard_goes_on_the_last_piece_of_a_long_message():
    messages = [{"text": "a" * 5000, "buttons": [{"title": "Ja", "payload": "/affirm"}]}]
    out = render.render_messages(messages, identity)
    assert [o.keyboard is None for o in out] == [True, False]


def test_image_becomes_a_link_and_custom_is_ignored():
    messages = [{"text": "Karte:", "image": "https://example.org/karte.png",
                 "custom": {"anything": [1, 2]}},
                {"custom": {"only": "custom"}}, {"text": ""}, "not a message"]
    out = render.render_messages(messages, identity)
    assert [o.text for o in out] == ["Karte:\nhttps://example.org/karte.png"]


def test_buttons_without_text_join_the_previous_message():
    out = render.render_messages(
        [{"text": "Frage?"}, {"text": "", "buttons": [{"title": "Ja", "payload": "/affirm"}]}],
        identity)
    assert len(out) == 1 and out[0].text == "Frage?" and out[0].keyboard is not None
    alone = render.render_messages([{"buttons": [{"title": "Ja", "payload": "/affirm"}]}],
                                   identity)
    assert alone[0].text == render.BUTTONS_ONLY_TEXT and alone[0].keyboard is not None


def test_payload_that_fits_is_its_own_callback_data():
    payloads = CallbackPayloads()
    assert payloads.encode('/change_language{"language": "ar"}') == \
        '/change_language{"language": "ar"}'
    assert len(payloads) == 0


def test_long_payload_gets_a_short_key_that_decodes():
    payloads = CallbackPayloads()
    long = '/affirm{"handoff_choice": "Hasloh, Bönningstedt, Ellerbek und Umgebung – Amt"}'
    assert len(long.encode()) > 64
    key = payloads.encode(long)
    assert len(key.encode()) <= 64 and key.startswith("#")
    assert payloads.decode(key) == long
    assert payloads.encode(long) == key  # the same payload reuses its key
    plain = "ja"  # a payload that is plain text also goes through a key
    assert payloads.decode(payloads.encode(plain)) == plain


def test_evicted_or_foreign_keys_are_expired():
    payloads = CallbackPayloads(capacity=2)
    keys = [payloads.encode("/affirm" + "x" * 70 + str(i)) for i in range(3)]
    assert payloads.decode(keys[0]) is None
    assert payloads.decode(keys[2]) is not None
    assert payloads.decode("#unknownkey") is None
    assert payloads.decode("rm -rf") is None and payloads.decode(None) is None


def test_bounded_lru_forgets_least_recently_used():
    lru = BoundedLru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # "b" is now the least recently used
    lru.put("c", 3)
    assert "b" not in lru and lru.get("a") == 1 and lru.get("c") == 3
    with pytest.raises(ValueError):
        BoundedLru(0)
