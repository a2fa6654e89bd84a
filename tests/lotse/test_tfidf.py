import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from lotse import tfidf

TRAIN = ["mein aufenthaltstitel läuft ab", "كيف بجدد الاقامة", "як продовжити дозвіл",
         "can i bring my wife", "wie viel kostet das", "oturum iznimi nasıl uzatırım"]
TEXTS = ["aufenthaltstitel verlängern bitte", "", "???", "wife wife wife", "الاقامة",
         "zzzz qqqq", "як продовжити дозвіл на проживання"]


@pytest.mark.parametrize("options", [
    dict(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
    dict(analyzer="word", token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2), sublinear_tf=True),
    dict(analyzer="word", sublinear_tf=False),
    dict(analyzer="char", ngram_range=(2, 3), norm=None),
])
def test_same_matrix_as_scikit_learn(options):
    vectorizer = TfidfVectorizer(lowercase=False, dtype=np.float32, **options).fit(TRAIN)
    expected = vectorizer.transform(TEXTS).toarray()
    got = tfidf.transform(vectorizer, TEXTS).toarray()
    assert got.shape == expected.shape
    assert np.allclose(got, expected, atol=1e-6)
    assert np.abs(expected).sum() > 0  # the comparison is not between two empty matrices


def test_other_settings_fall_back_to_scikit_learn():
    vectorizer = TfidfVectorizer(norm="l1").fit(TRAIN)
    assert np.allclose(tfidf.transform(vectorizer, TEXTS).toarray(),
                       vectorizer.transform(TEXTS).toarray())
