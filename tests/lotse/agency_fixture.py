"""A small, fixed agency directory for routing and handoff tests (independent of real data)."""
import textwrap

AGENCIES_YML = textwrap.dedent("""
    agencies:
      mbe_elmshorn:
        {name: "MBE Elmshorn", provider: "", roles: [mbe], municipalities: [Elmshorn, Elmshorn-Land],
         languages: [de, tr], address: "Markt 1, 25335 Elmshorn", phone: "04121 000000", email: "",
         website: "", opening_hours: "", hotline: "",
         handoff: {email: "mbe-elmshorn@example.org", webhook_url: "", webhook_secret_env: ""},
         source: test, checked: 2026-11-26, unconfirmed: [], note: ""}
      mbe_pinneberg_ar:
        {name: "MBE Pinneberg (arabisch)", provider: "", roles: [mbe], municipalities: [Pinneberg, Elmshorn],
         languages: [de, ar], address: "", phone: "04101 000000", email: "", website: "",
         opening_hours: "", hotline: "", handoff: {email: "", webhook_url: "", webhook_secret_env: ""},
         source: test, checked: 2026-11-26, unconfirmed: [], note: ""}
      jmd_kreis:
        {name: "JMD Kreis", provider: "", roles: [jmd], municipalities: [all], languages: [de, uk],
         address: "", phone: "04101 111111", email: "", website: "", opening_hours: "", hotline: "",
         handoff: {email: "jmd@example.org", webhook_url: "http://127.0.0.1:9/hook",
                   webhook_secret_env: "LOTSE_TEST_JMD_SECRET"},
         source: test, checked: 2026-11-26, unconfirmed: [], note: ""}
      refugee_kreis:
        {name: "Flüchtlingsberatung Kreis", provider: "", roles: [refugee_counselling],
         municipalities: [all], languages: [de, ar, fa], address: "", phone: "", email: "",
         website: "", opening_hours: "", hotline: "",
         handoff: {email: "", webhook_url: "", webhook_secret_env: ""},
         source: test, checked: 2026-11-26, unconfirmed: [phone], note: ""}
      recognition_sh:
        {name: "Anerkennungsberatung SH", provider: "", roles: [recognition_counselling],
         municipalities: [Pinneberg], languages: [de], address: "", phone: "", email: "",
         website: "", opening_hours: "", hotline: "",
         handoff: {email: "", webhook_url: "", webhook_secret_env: ""},
         source: test, checked: 2026-11-26, unconfirmed: [], note: ""}
      women_kreis:
        {name: "Frauenberatung Kreis", provider: "", roles: [violence_protection],
         municipalities: [all], languages: [de], address: "", phone: "", email: "", website: "",
         opening_hours: "", hotline: "04101 222222",
         handoff: {email: "", webhook_url: "", webhook_secret_env: ""},
         source: test, checked: 2026-11-26, unconfirmed: [], note: ""}
      abh_service_desk:
        {name: "Ausländerbehörde Servicebereich", provider: "", roles: [service_desk],
         municipalities: [all], languages: [de, en], address: "", phone: "04121 4502-0",
         email: "", website: "", opening_hours: "", hotline: "",
         handoff: {email: "desk@example.org", webhook_url: "", webhook_secret_env: ""},
         source: test, checked: 2026-11-26, unconfirmed: [], note: ""}
""")


def write_agencies(content_dir, text=AGENCIES_YML):
    (content_dir / "agencies.yml").write_text(text, encoding="utf-8")
    return content_dir
