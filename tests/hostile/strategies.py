"""Hostile input for every HTTP entry point (hypothesis strategies)."""
import json

from hypothesis import strategies as st

RTL_OVERRIDES = "\u202e\u202d\u202b\u202a\u2066\u2067\u2068\u2069\u200f\u200e"
HTML = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "\"><svg/onload=alert(1)>",
        "javascript:alert(1)", "<iframe src=//evil.example>", "{{7*7}}", "${jndi:ldap://x}"]
SQL = ["'; DROP TABLE events; --", "1 OR 1=1", "\" OR \"\"=\"", "admin'--",
       "%27%20OR%201%3D1", "UNION SELECT password FROM lotse_inbox_user"]
PAYLOADS = ["/", "//", "/affirm{", "/affirm{\"handoff_choice\": 5}", "/nope", "/help{\"x\":",
            "/affirm{\"handoff_choice\": \"agency:../../etc\"}", "/change_language{\"language\": \"xx\"}",
            "/restart", "/session_start", "/delete_my_data{\"a\":[1,2,3]}", "/" + "a" * 300]
EMOJI = ["👍", "🙏🏽", "🇩🇪", "👨‍👩‍👧‍👦", "❤️", "😂"]

texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(blacklist_categories=()), max_size=200),
    st.sampled_from(HTML + SQL + PAYLOADS),
    st.lists(st.sampled_from(EMOJI), min_size=1, max_size=400).map("".join),
    st.text(alphabet=RTL_OVERRIDES + "abc١٢٣ مرحبا", max_size=120),
    st.text(alphabet="".join(chr(c) for c in range(0, 32)) + "\x7f", max_size=64),
    st.integers(min_value=90_000, max_value=110_000).map(lambda n: "a" * n),  # ~100 kB
    st.binary(max_size=200).map(lambda b: b.decode("utf-8", errors="surrogateescape")
                                .encode("utf-8", errors="surrogatepass")
                                .decode("utf-8", errors="replace")),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4), max_leaves=8)


def raw_bodies(valid_object):
    """Bodies as bytes: valid objects, random JSON, malformed JSON and plain binary."""
    return st.one_of(
        valid_object.map(lambda o: json.dumps(o, ensure_ascii=False, allow_nan=True)
                         .encode("utf-8", errors="surrogatepass")),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=500),
        st.sampled_from([b"", b"{", b"[1,", b'{"sender_id": "abcdefgh1", "text": "hi"',
                         b"\xff\xfe\x00\x00", b"null", b"\"text\"", b"1e999999"]),
    )


content_types = st.sampled_from([
    "application/json", "application/json; charset=utf-8", "text/plain", "",
    "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
    "application/json; charset=latin-1"])
