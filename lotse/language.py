"""Language of a message, and of a conversation.

Detection is offline: the script decides first (Arabic script is Arabic or Persian, Cyrillic is
Ukrainian or Russian, with letters unique to one language settling it), then a classifier over
character and word n-grams and multilingual sentence embeddings, trained on the project's own
training data, picks among the candidates. It knows the
Latin-letter Arabic, Persian, Ukrainian and Russian that residents type, which general-purpose
detectors do not.

The conversation's language is sticky (:func:`decide`): a short or ambiguous message never flips
it; an explicit request, a clear message or a run of two messages in another language does.
No Rasa imports here.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence

import numpy as np

LANGUAGES = ("de", "en", "ar", "tr", "uk", "ru", "fa", "pl")

PERSIAN_LETTERS = set("پچژگکی")  # U+067E U+0686 U+0698 U+06AF U+06A9 U+06CC
ARABIC_ONLY_LETTERS = set("ةىيكئؤإأ")
UKRAINIAN_LETTERS = set("іїєґ")
RUSSIAN_LETTERS = set("ыэъё")

# Detection must be at least this confident, with at least this many letters, to count.
RELIABLE_CONFIDENCE = 0.6
RELIABLE_MIN_LETTERS = 4
# Flipping an established conversation language in one message needs more than that.
SWITCH_CONFIDENCE = 0.85
SWITCH_MIN_WORDS = 2
RUN_CONFIDENCE = 0.6


@dataclass
class Detection:
    lang: Optional[str]
    confidence: float
    letters: int
    words: int
    ranking: Dict[str, float] = field(default_factory=dict)

    @property
    def reliable(self) -> bool:
        return (self.lang is not None and self.confidence >= RELIABLE_CONFIDENCE
                and self.letters >= RELIABLE_MIN_LETTERS)

    def as_dict(self) -> Dict[str, object]:
        return {
            "code": self.lang,
            "confidence": round(self.confidence, 4),
            "reliable": self.reliable,
            "letters": self.letters,
            "words": self.words,
            "ranking": {k: round(v, 4) for k, v in self.ranking.items()},
        }

    @classmethod
    def from_dict(cls, data: Optional[Dict[str, object]]) -> "Detection":
        data = data or {}
        return cls(
            lang=data.get("code"),  # type: ignore[arg-type]
            confidence=float(data.get("confidence") or 0.0),  # type: ignore[arg-type]
            letters=int(data.get("letters") or 0),  # type: ignore[arg-type]
            words=int(data.get("words") or 0),  # type: ignore[arg-type]
            ranking=dict(data.get("ranking") or {}),  # type: ignore[arg-type]
        )


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _script_counts(text: str) -> Dict[str, int]:
    counts = {"arabic": 0, "cyrillic": 0, "latin": 0}
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        if name.startswith("ARABIC"):
            counts["arabic"] += 1
        elif name.startswith("CYRILLIC"):
            counts["cyrillic"] += 1
        elif name.startswith("LATIN"):
            counts["latin"] += 1
    return counts


def candidates_by_script(text: str) -> Sequence[str]:
    """Languages the script allows; a letter unique to one language narrows it to that one."""
    counts = _script_counts(text)
    script = max(counts, key=counts.get) if any(counts.values()) else None
    letters = set(text)
    if script == "arabic":
        if letters & PERSIAN_LETTERS and not letters & {"ة", "ى"}:
            return ("fa",)
        return ("ar", "fa")
    if script == "cyrillic":
        if letters & UKRAINIAN_LETTERS and not letters & RUSSIAN_LETTERS:
            return ("uk",)
        if letters & RUSSIAN_LETTERS and not letters & UKRAINIAN_LETTERS:
            return ("ru",)
        return ("uk", "ru")
    return LANGUAGES


class LanguageClassifier:
    """Linear SVM over character and word n-grams and, if given, sentence embeddings."""

    SOFTMAX_SCALE = 5.0
    EMBEDDING_WEIGHT = 1.0

    def __init__(self, vectorizers=None, classifier=None, uses_embeddings: bool = False) -> None:
        self.vectorizers = vectorizers or []
        self.classifier = classifier
        self.uses_embeddings = uses_embeddings

    @staticmethod
    def _new_vectorizers():
        from sklearn.feature_extraction.text import TfidfVectorizer

        return [
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True,
                            lowercase=False, dtype=np.float32),
            TfidfVectorizer(analyzer="word", token_pattern=r"(?u)\b\w+\b",
                            ngram_range=(1, 2), sublinear_tf=True, lowercase=False,
                            dtype=np.float32),
        ]

    def _features(self, texts: Sequence[str], embeddings: Optional[np.ndarray], fit: bool):
        import scipy.sparse as sp

        texts = [normalise(t) for t in texts]
        from lotse import tfidf

        blocks = [v.fit_transform(texts) if fit else tfidf.transform(v, texts)
                  for v in self.vectorizers]
        if self.uses_embeddings:
            if embeddings is None:
                from lotse.sentence_encoder import DIMENSION

                embeddings = np.zeros((len(texts), DIMENSION), dtype=np.float32)
            blocks.append(sp.csr_matrix(np.asarray(embeddings) * self.EMBEDDING_WEIGHT))
        return sp.hstack(blocks).tocsr()

    def fit(self, texts: Sequence[str], langs: Sequence[str],
            embeddings: Optional[np.ndarray] = None) -> "LanguageClassifier":
        from sklearn.svm import LinearSVC

        self.vectorizers = self._new_vectorizers()
        self.uses_embeddings = embeddings is not None
        features = self._features(texts, embeddings, fit=True)
        self.classifier = LinearSVC(C=0.5)
        self.classifier.fit(features, list(langs))
        return self

    def probabilities(self, text: str, embedding: Optional[np.ndarray] = None) -> Dict[str, float]:
        embeddings = None if embedding is None else np.asarray(embedding).reshape(1, -1)
        from lotse.intent_model import class_scores

        scores = class_scores(self.classifier, self._features([text], embeddings, False))
        scaled = np.exp((scores - scores.max()) * self.SOFTMAX_SCALE)
        probs = scaled / scaled.sum()
        return {lang: float(p) for lang, p in zip(self.classifier.classes_, probs)}

    def save(self, path) -> None:
        import joblib

        joblib.dump({"vectorizers": self.vectorizers, "classifier": self.classifier,
                     "uses_embeddings": self.uses_embeddings}, path)

    @classmethod
    def load(cls, path) -> "LanguageClassifier":
        import joblib

        data = joblib.load(path)
        return cls(data["vectorizers"], data["classifier"], data["uses_embeddings"])


def _counts(text: str) -> tuple:
    letters = sum(1 for c in text if c.isalpha())
    words = sum(1 for w in text.split() if any(c.isalpha() for c in w))
    return letters, words


def detect(text: str, model: Optional[LanguageClassifier],
           embedding: Optional[np.ndarray] = None) -> Detection:
    """The most likely language of one message (``lang`` is None when there are no letters)."""
    text = normalise(text)
    letters, words = _counts(text)
    if letters == 0 or text.startswith("/"):  # no letters, or a button payload
        return Detection(None, 0.0, 0, 0)
    allowed = candidates_by_script(text)
    if len(allowed) == 1:
        return Detection(allowed[0], 1.0, letters, words, {allowed[0]: 1.0})
    if model is None:
        return Detection(None, 0.0, letters, words)
    probs = {k: v for k, v in model.probabilities(text, embedding).items() if k in allowed}
    total = sum(probs.values()) or 1.0
    ranking = dict(sorted(((k, v / total) for k, v in probs.items()),
                          key=lambda kv: kv[1], reverse=True)[:3])
    best = next(iter(ranking))
    return Detection(best, ranking[best], letters, words, ranking)


def decide(
    current: Optional[str],
    detection: Detection,
    hint: Optional[str] = None,
    previous: Optional[Detection] = None,
    explicit: Optional[str] = None,
    default: str = "de",
    supported: Iterable[str] = LANGUAGES,
    locked: bool = False,
) -> str:
    """The conversation's language after this message.

    ``locked``: the resident is answering a form's questions (town names, phone numbers, their
    own words): only an explicit request changes the language then.

    ``current``: the language so far (None at the start); ``hint``: the channel's language
    (Telegram ``language_code``, the browser's language); ``previous``: the detection of the
    resident's previous message; ``explicit``: a language the resident asked for.
    """
    supported = set(supported)
    if explicit in supported:
        return explicit  # type: ignore[return-value]
    hint = (hint or "").split("-")[0].lower() or None
    if locked and current in supported:
        return current  # type: ignore[return-value]
    if current not in supported:
        if detection.reliable and detection.lang in supported:
            return detection.lang  # type: ignore[return-value]
        if hint in supported:
            return hint  # type: ignore[return-value]
        if detection.lang in supported and detection.confidence >= 0.5:
            return detection.lang  # type: ignore[return-value]
        return default
    if detection.lang is None or detection.lang == current or detection.lang not in supported:
        return current  # type: ignore[return-value]
    if (detection.reliable and detection.words >= SWITCH_MIN_WORDS
            and detection.confidence >= SWITCH_CONFIDENCE):
        return detection.lang
    if (previous is not None and previous.lang == detection.lang
            and previous.confidence >= RUN_CONFIDENCE and detection.confidence >= RUN_CONFIDENCE
            and previous.letters >= RELIABLE_MIN_LETTERS
            and detection.letters >= RELIABLE_MIN_LETTERS):
        return detection.lang
    return current  # type: ignore[return-value]


def train_from_items(items: Iterable[tuple], embed=None) -> LanguageClassifier:
    """Trains the classifier from ``(text, lang)`` pairs; ``embed(texts)`` adds embeddings."""
    pairs: List[tuple] = [(t, l) for t, l in items if l in LANGUAGES]
    texts = [t for t, _ in pairs]
    embeddings = embed(texts) if embed is not None else None
    return LanguageClassifier().fit(texts, [l for _, l in pairs], embeddings)
