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


def test_a_confident_ngram_screen_answers_without_an_embedding(encoder_calls, tmp_path):
    config = IntentModelConfig(screen_threshold=0.5)
    model = IntentModel(config).fit(*zip(*[(t, l, i) for t, l, i in TRAIN]))
    model.save(tmp_path)
    model = IntentModel.load(tmp_path)
    assert model.screen is not None
    calls = encoder_calls
    del calls[:]  # training embedded the examples
    ranking = model.rank("kindergeld antrag familienkasse", "de")
    assert ranking[0][0] == "child_family_benefits" and ranking[0][1] >= 0.5
    assert calls == []
    # Nothing the n-grams know: not confident, so the full model embeds the message.
    model.config.screen_threshold = 0.99
    full = model.rank("xyz qqq", "de")
    assert len(calls) == 1
    embedding = sentence_encoder_embedding("xyz qqq")
    assert full == model.rank("xyz qqq", "de", embedding=embedding)


def sentence_encoder_embedding(text):
    from lotse import sentence_encoder

    return sentence_encoder.embed([sentence_encoder.prepare(text)])[0]


def test_no_screen_without_the_setting_or_with_a_given_embedding(encoder_calls):
    plain = IntentModel(IntentModelConfig()).fit(*zip(*[(t, l, i) for t, l, i in TRAIN]))
    assert plain.screen is None
    screened = IntentModel(IntentModelConfig(screen_threshold=0.01)).fit(
        *zip(*[(t, l, i) for t, l, i in TRAIN]))
    text = "kindergeld for my son"
    embedding = sentence_encoder_embedding(text)
    calls = encoder_calls
    del calls[:]  # the embedding above was computed on purpose
    full = screened._ranking(screened.classifier, screened._features(
        [text], ["en"], None, embeddings=embedding.reshape(1, -1)), 10)
    screen_only = screened._ranking(screened.screen, screened._ngram_features([text], ["en"])[2],
                                    10)
    assert full != screen_only
    assert screened.rank(text, "en", embedding=embedding) == full
    assert calls == []  # the given embedding is used, not computed again
