import numpy as np

from lotse import intent_model
from lotse.intent_model import IntentModel, IntentModelConfig

TRAIN = [
    ("mein aufenthaltstitel läuft ab", "de", "residence_permit_extension"),
    ("aufenthalt verlängern termin", "de", "residence_permit_extension"),
    ("my permit expires soon", "en", "residence_permit_extension"),
    ("extend my residence permit", "en", "residence_permit_extension"),
    ("wie bekomme ich kindergeld", "de", "child_family_benefits"),
    ("kindergeld antrag familienkasse", "de", "child_family_benefits"),
    ("how to apply for child benefit", "en", "child_family_benefits"),
    ("kindergeld for my son", "en", "child_family_benefits"),
]


def test_ranking_is_a_probability_distribution_over_intents():
    model = IntentModel(IntentModelConfig()).fit(*zip(*[(t, l, i) for t, l, i in TRAIN]))
    ranking = model.rank("kindergeld beantragen", "de")
    assert ranking[0][0] == "child_family_benefits"
    assert {name for name, _ in ranking} == {"residence_permit_extension", "child_family_benefits"}
    assert abs(sum(p for _, p in ranking) - 1.0) < 1e-5


def test_precomputed_embedding_gives_the_same_ranking():
    from lotse import sentence_encoder

    model = IntentModel(IntentModelConfig()).fit(*zip(*[(t, l, i) for t, l, i in TRAIN]))
    text = "my residence permit runs out"
    embedding = sentence_encoder.embed([sentence_encoder.prepare(text)])[0]
    assert model.rank(text, "en", embedding=embedding) == model.rank(text, "en")


def test_transliteration_only_for_latin_letter_scripts():
    assert intent_model.transliteration("kak prodlit", "ru") == "как продлит"
    assert intent_model.transliteration("kak prodlit", "de") == "kak prodlit"
    assert intent_model.transliteration("как продлить", "ru") == "как продлить"


def test_word_only_configuration_needs_no_encoder(tmp_path):
    config = IntentModelConfig(char_ngrams=None, sentence_embeddings=False)
    model = IntentModel(config).fit(*zip(*[(t, l, i) for t, l, i in TRAIN]))
    model.save(tmp_path)
    loaded = IntentModel.load(tmp_path)
    assert loaded.rank("kindergeld", "de")[0][0] == "child_family_benefits"
    assert loaded.config == config
    assert np.isfinite(loaded.rank("", "de")[0][1])


def test_diacritic_free_copies_are_added_for_latin_script_languages():
    texts, langs, intents = intent_model.augmented(
        ["başvuru nasıl", "przedłużyć pobyt", "Straße", "как дела"],
        ["tr", "pl", "de", "ru"], ["a", "b", "c", "d"])
    assert texts[4:] == ["basvuru nasil", "przedluzyc pobyt", "Strasse"]
    assert intents[4:] == ["a", "b", "c"]
