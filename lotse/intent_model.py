"""The intent classifier: character and word n-grams plus multilingual sentence embeddings.

Features of a message:
- TF-IDF character n-grams (within words) and word n-grams of the normalised text: robust to
  typos, missing diacritics and German terms inside other languages;
- the multilingual-e5 embedding of the text, and of its transliteration into the native script
  when it is Latin-letter Arabic, Persian, Ukrainian or Russian (the encoder reads "bdi jadded
  el i9ame" poorly, "بدي جدد ال اقامه" well).
A linear SVM separates the intents; confidences are a softmax over its scores.

The embedding is the largest part of the CPU time per message (about 20 ms of 55). With
``screen_threshold`` set, a second SVM over the n-grams alone is trained too; when its top
confidence reaches the threshold, its ranking is the answer and no embedding is computed
(docs/pipeline-comparison.md, "Screens": about 40 % of held-out messages, accuracy -0.02 points).
No Rasa imports: the Rasa component in lotse.rasa_components wraps this.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from lotse import sentence_encoder
from lotse.sentence_encoder import prepare
from lotse import tfidf
from lotse.transliterate import mostly_latin, to_native_script

TRANSLITERATED_LANGUAGES = ("ar", "fa", "uk", "ru")
# Latin-script languages whose residents often type without diacritics: training examples are
# also learned without them ("başvuru" -> "basvuru", "przedłużyć" -> "przedluzyc").
DIACRITIC_AUGMENTED_LANGUAGES = ("de", "tr", "pl")


@dataclass
class IntentModelConfig:
    char_ngrams: Optional[Tuple[int, int]] = (1, 4)
    word_ngrams: Optional[Tuple[int, int]] = (1, 2)
    sentence_embeddings: bool = True
    transliterate: bool = True
    embedding_weight: float = 2.0
    svm_c: float = 0.5
    softmax_scale: float = 4.0
    # Character n-grams of the native-script transliteration of Latin-letter ar/fa/uk/ru too.
    transliterated_ngrams: bool = False
    # > 0: the n-gram-only SVM answers alone when it is at least this confident.
    screen_threshold: float = 0.0

    @classmethod
    def from_dict(cls, data: Dict) -> "IntentModelConfig":
        def pair(value):
            return tuple(value) if value else None

        defaults = cls()
        return cls(
            char_ngrams=pair(data.get("char_ngrams", defaults.char_ngrams)),
            word_ngrams=pair(data.get("word_ngrams", defaults.word_ngrams)),
            sentence_embeddings=bool(data.get("sentence_embeddings", True)),
            transliterate=bool(data.get("transliterate", True)),
            embedding_weight=float(data.get("embedding_weight", defaults.embedding_weight)),
            svm_c=float(data.get("svm_c", defaults.svm_c)),
            softmax_scale=float(data.get("softmax_scale", defaults.softmax_scale)),
            transliterated_ngrams=bool(data.get("transliterated_ngrams", False)),
            screen_threshold=float(data.get("screen_threshold", defaults.screen_threshold)),
        )


def without_diacritics(text: str) -> str:
    text = text.replace("ı", "i").replace("ł", "l").replace("Ł", "L").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def augmented(texts: Sequence[str], langs: Sequence[Optional[str]],
              intents: Sequence[str]) -> Tuple[List[str], List[Optional[str]], List[str]]:
    """The training examples plus diacritic-free copies where that changes the text."""
    out_texts, out_langs, out_intents = list(texts), list(langs), list(intents)
    for text, lang, intent in zip(texts, langs, intents):
        if lang in DIACRITIC_AUGMENTED_LANGUAGES:
            plain = without_diacritics(text)
            if plain != text:
                out_texts.append(plain)
                out_langs.append(lang)
                out_intents.append(intent)
    return out_texts, out_langs, out_intents


def transliteration(text: str, lang: Optional[str]) -> str:
    if lang in TRANSLITERATED_LANGUAGES and mostly_latin(text):
        return to_native_script(text, lang)
    return text


def class_scores(classifier, features) -> np.ndarray:
    """One score per class for one row (binary SVMs return a single margin)."""
    scores = np.atleast_1d(classifier.decision_function(features)[0])
    return np.array([-scores[0], scores[0]]) if len(classifier.classes_) == 2 else scores


@dataclass
class IntentModel:
    config: IntentModelConfig = field(default_factory=IntentModelConfig)
    vectorizers: List = field(default_factory=list)
    classifier: object = None
    screen: object = None  # the n-gram-only SVM (screen_threshold)

    def _new_vectorizers(self) -> List:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizers = []
        if self.config.char_ngrams:
            vectorizers.append(TfidfVectorizer(analyzer="char_wb", lowercase=False,
                                               ngram_range=self.config.char_ngrams,
                                               sublinear_tf=True, dtype=np.float32))
        if self.config.word_ngrams:
            vectorizers.append(TfidfVectorizer(analyzer="word", lowercase=False,
                                               token_pattern=r"(?u)\b\w+\b",
                                               ngram_range=self.config.word_ngrams,
                                               sublinear_tf=True, dtype=np.float32))
        if self._extra_native:
            vectorizers.append(TfidfVectorizer(analyzer="char_wb", lowercase=False,
                                               ngram_range=self.config.char_ngrams or (1, 4),
                                               sublinear_tf=True, dtype=np.float32))
        return vectorizers

    @property
    def _extra_native(self) -> bool:
        # getattr: models saved before this option existed have no such attribute
        return bool(getattr(self.config, "transliterated_ngrams", False)
                    and self.config.transliterate)

    def _ngram_features(self, texts: Sequence[str], langs: Sequence[Optional[str]],
                        fit: bool = False):
        """(normalised texts, their native-script forms, the n-gram feature matrix)"""
        import scipy.sparse as sp

        cleaned = [prepare(t) for t in texts]
        native = [transliteration(t, l) for t, l in zip(cleaned, langs)] \
            if self.config.transliterate else cleaned
        blocks = []
        for index, vectorizer in enumerate(self.vectorizers):
            source = native if index == len(self.vectorizers) - 1 and self._extra_native else cleaned
            blocks.append(vectorizer.fit_transform(source) if fit
                          else tfidf.transform(vectorizer, source))
        return cleaned, native, sp.hstack(blocks).tocsr()

    def _with_embeddings(self, ngrams, cleaned: Sequence[str], native: Sequence[str],
                         cache: Optional[sentence_encoder.EmbeddingCache],
                         embeddings: Optional[np.ndarray] = None):
        import scipy.sparse as sp

        if not self.config.sentence_embeddings:
            return ngrams
        blocks = [ngrams]
        weight = self.config.embedding_weight
        if embeddings is None:
            embeddings = sentence_encoder.embed(cleaned, cache)
        blocks.append(sp.csr_matrix(np.asarray(embeddings) * weight))
        if self.config.transliterate:
            if all(n == c for n, c in zip(native, cleaned)):
                native_embeddings = np.asarray(embeddings)
            else:
                native_embeddings = sentence_encoder.embed(native, cache)
            blocks.append(sp.csr_matrix(native_embeddings * weight))
        return sp.hstack(blocks).tocsr()

    def _features(self, texts: Sequence[str], langs: Sequence[Optional[str]],
                  cache: Optional[sentence_encoder.EmbeddingCache], fit: bool = False,
                  embeddings: Optional[np.ndarray] = None):
        cleaned, native, ngrams = self._ngram_features(texts, langs, fit)
        return self._with_embeddings(ngrams, cleaned, native, cache, embeddings)

    def fit(self, texts: Sequence[str], langs: Sequence[Optional[str]], intents: Sequence[str],
            cache: Optional[sentence_encoder.EmbeddingCache] = None) -> "IntentModel":
        from sklearn.svm import LinearSVC

        texts, langs, intents = augmented(texts, langs, intents)
        self.vectorizers = self._new_vectorizers()
        cleaned, native, ngrams = self._ngram_features(texts, langs, fit=True)
        features = self._with_embeddings(ngrams, cleaned, native, cache)
        self.classifier = LinearSVC(C=self.config.svm_c)
        self.classifier.fit(features, list(intents))
        self.screen = None
        if self.config.sentence_embeddings and self.config.screen_threshold > 0:
            self.screen = LinearSVC(C=self.config.svm_c).fit(ngrams, list(intents))
        if cache is not None:
            cache.save()
        return self

    @property
    def intents(self) -> frozenset:
        """The intents the model was trained on."""
        return frozenset(str(name) for name in getattr(self.classifier, "classes_", ()))

    def _ranking(self, classifier, features, top: int) -> List[Tuple[str, float]]:
        scores = class_scores(classifier, features)
        scaled = np.exp((scores - scores.max()) * self.config.softmax_scale)
        probs = scaled / scaled.sum()
        order = np.argsort(-probs)[:top]
        return [(str(classifier.classes_[i]), float(probs[i])) for i in order]

    def rank(self, text: str, lang: Optional[str], top: int = 10,
             embedding: Optional[np.ndarray] = None,
             screen: bool = True) -> List[Tuple[str, float]]:
        """Intents with confidences (softmax over SVM scores), best first.

        ``embedding``: the sentence embedding of ``prepare(text)`` if already computed; without
        it, a confident n-gram-only answer (``screen_threshold``) saves computing one, unless
        ``screen`` is False.
        """
        cleaned, native, ngrams = self._ngram_features([text], [lang])
        if embedding is None and screen and self.screen is not None:
            ranking = self._ranking(self.screen, ngrams, top)
            if ranking[0][1] >= self.config.screen_threshold:
                return ranking
        embeddings = None if embedding is None else np.asarray(embedding).reshape(1, -1)
        features = self._with_embeddings(ngrams, cleaned, native, None, embeddings)
        return self._ranking(self.classifier, features, top)

    def save(self, directory: Path) -> None:
        import joblib

        joblib.dump({"config": self.config, "vectorizers": self.vectorizers,
                     "classifier": self.classifier, "screen": self.screen},
                    directory / "intent_model.joblib")

    @classmethod
    def load(cls, directory: Path) -> "IntentModel":
        import joblib

        data = joblib.load(directory / "intent_model.joblib")
        return cls(data["config"], data["vectorizers"], data["classifier"], data.get("screen"))
