"""Rasa NLU components: language detection and the intent classifier.

Trained with the model from the NLU examples; each intent block in ``data/nlu/<lang>/`` carries
``metadata: {lang: <lang>}``. The parse result gets a ``language`` entry
(``{"code": "ar", "confidence": 0.97, ...}``), which the language action reads.
"""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    METADATA,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from lotse import log_redaction
from lotse.intent_model import IntentModel, IntentModelConfig
from lotse import sentence_encoder
from lotse.content import load as load_content
from lotse.entities import EntityLookup
from lotse.language import LanguageClassifier, detect, train_from_items
from lotse.sentence_encoder import training_cache

LANGUAGE_KEY = "language"
# The message's sentence embedding, computed once by LanguageDetector, reused by the classifier.
EMBEDDING_KEY = "lotse_embedding"
_LANGUAGE_FILE = "language_classifier.joblib"
_LANGUAGE_SCREEN_FILE = "language_screen.joblib"

log_redaction.install()



def screens_enabled() -> bool:
    """``LOTSE_NLU_SCREENS=off``: every message gets the sentence embedding, as without the
    n-gram screens (the benchmark's pessimistic case; an operator's switch)."""
    return os.environ.get("LOTSE_NLU_SCREENS", "on").strip().lower() != "off"


def example_language(message: Message) -> Optional[str]:
    metadata = message.get(METADATA) or {}
    for level in ("example", "intent"):
        lang = (metadata.get(level) or {}).get("lang")
        if lang:
            return lang
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LanguageDetector(GraphComponent):
    """Detects each message's language. With ``screen_confidence`` > 0, an n-gram-only
    classifier is trained as well: when it is that sure, no sentence embedding is computed
    here (the intent classifier may then answer without one too)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"screen_confidence": 0.0}

    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 classifier: Optional[LanguageClassifier] = None,
                 screen: Optional[LanguageClassifier] = None,
                 config: Optional[Dict[Text, Any]] = None) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._classifier = classifier
        self._screen = screen if screens_enabled() else None
        self._screen_confidence = float((config or {}).get("screen_confidence") or 0.0)

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LanguageDetector":
        return cls(model_storage, resource, config=config)

    def train(self, training_data: TrainingData) -> Resource:
        items = [(m.get(TEXT), example_language(m)) for m in training_data.intent_examples]
        items = [(text, lang) for text, lang in items if text and lang]
        if items:
            cache = training_cache()
            self._classifier = train_from_items(
                items, embed=lambda texts: sentence_encoder.embed(
                    [sentence_encoder.prepare(t) for t in texts], cache))
            cache.save()
            self._screen = train_from_items(items) if self._screen_confidence > 0 else None
            with self._model_storage.write_to(self._resource) as directory:
                self._classifier.save(directory / _LANGUAGE_FILE)
                if self._screen is not None:
                    self._screen.save(directory / _LANGUAGE_SCREEN_FILE)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LanguageDetector":
        classifier = screen = None
        try:
            with model_storage.read_from(resource) as directory:
                classifier = LanguageClassifier.load(directory / _LANGUAGE_FILE)
                if (directory / _LANGUAGE_SCREEN_FILE).exists():
                    screen = LanguageClassifier.load(directory / _LANGUAGE_SCREEN_FILE)
        except (ValueError, FileNotFoundError):
            classifier = None
        return cls(model_storage, resource, classifier, screen, config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            detection = None
            if self._screen is not None and self._screen_confidence > 0:
                screened = detect(text, self._screen)
                if screened.lang is None or screened.confidence >= self._screen_confidence:
                    detection = screened
            if detection is None:
                embedding = None
                if self._classifier is not None and self._classifier.uses_embeddings \
                        and text.strip():
                    embedding = sentence_encoder.embed([sentence_encoder.prepare(text)])[0]
                    message.set(EMBEDDING_KEY, embedding)
                detection = detect(text, self._classifier, embedding)
            message.set(LANGUAGE_KEY, detection.as_dict(), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def names_language(message: Message) -> bool:
    """The message names a language (found by LookupEntityExtractor, which runs before the
    intent classifier). Whether "Ukrainian" means "switch to Ukrainian" or the protection of
    Ukrainians takes the sentence's meaning: the n-gram screen answered "زبان چت رو اوکراینی
    کن" (chat in Ukrainian, please) with ukraine_protection at 0.987; such messages always go to
    the full model."""
    return any(entity.get("entity") == "language" for entity in message.get(ENTITIES) or [])


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LotseIntentClassifier(GraphComponent):
    """Intent classifier of lotse.intent_model (n-grams + multilingual sentence embeddings).

    Put it after LanguageDetector: it transliterates Latin-letter Arabic, Persian, Ukrainian and
    Russian using the detected language.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        from dataclasses import asdict

        return asdict(IntentModelConfig())

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage,
                 resource: Resource, model: Optional[IntentModel] = None) -> None:
        self._config = IntentModelConfig.from_dict(config)
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LotseIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        cache = training_cache()
        self._model = IntentModel(self._config).fit(
            [m.get(TEXT) for m in examples], [example_language(m) for m in examples],
            [m.get(INTENT) for m in examples], cache)
        with self._model_storage.write_to(self._resource) as directory:
            self._model.save(directory)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LotseIntentClassifier":
        model = None
        try:
            with model_storage.read_from(resource) as directory:
                model = IntentModel.load(directory)
        except (ValueError, FileNotFoundError):
            model = None
        if model is not None and not screens_enabled():
            model.screen = None
        return cls(config, model_storage, resource, model)

    def _payload_intent(self, text: str) -> Optional[str]:
        """The intent of a button payload such as ``/affirm{"handoff_choice": "send"}``.

        Rasa runs the whole NLU pipeline on payloads too, then its RegexMessageHandler
        replaces the result with the payload's intent: classifying one cost about 40 ms (the
        sentence embedding of the payload text), per button click. A payload of an intent the
        model knows is answered with that intent directly; anything else (an unknown intent,
        a typed "/start") is classified as text, as Rasa keeps the classifier's result then.
        """
        if not text.startswith("/"):
            return None
        from rasa.shared.core.training_data.story_reader.yaml_story_reader import (
            YAMLStoryReader,
        )

        match = YAMLStoryReader._regex_message_pattern().match(text.strip())
        intent = match.group(INTENT_NAME_KEY).strip() if match else None
        return intent if intent in self._model.intents else None

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if self._model is None or not text.strip():
                # Nothing to classify: no intent (the fallback classifier then answers).
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                            add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            payload_intent = self._payload_intent(text)
            if payload_intent is not None:
                ranking = [(payload_intent, 1.0)]
            else:
                lang = (message.get(LANGUAGE_KEY) or {}).get("code")
                ranking = self._model.rank(text, lang, embedding=message.get(EMBEDDING_KEY),
                                           screen=not names_language(message))
            message.set(INTENT, {INTENT_NAME_KEY: ranking[0][0],
                                 PREDICTED_CONFIDENCE_KEY: ranking[0][1]}, add_to_output=True)
            message.set(INTENT_RANKING_KEY,
                        [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
                         for name, confidence in ranking], add_to_output=True)
        return messages


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LookupEntityExtractor(GraphComponent):
    """Language names and municipalities from content data (lotse.entities)."""

    def __init__(self, lookup: EntityLookup) -> None:
        self._lookup = lookup

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LookupEntityExtractor":
        content = load_content()
        return cls(EntityLookup.from_content(content.languages, content.municipalities))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            found = self._lookup.languages(text) + self._lookup.municipalities(text)
            if found:
                entities = list(message.get(ENTITIES) or [])
                entities += [e.as_dict(self.__class__.__name__) for e in found]
                message.set(ENTITIES, entities, add_to_output=True)
        return messages
