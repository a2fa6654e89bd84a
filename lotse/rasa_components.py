"""Rasa NLU components: language detection and the intent classifier.

Trained with the model from the NLU examples; each intent block in ``data/nlu/<lang>/`` carries
``metadata: {lang: <lang>}``. The parse result gets a ``language`` entry
(``{"code": "ar", "confidence": 0.97, ...}``), which the language action reads.
"""
from __future__ import annotations

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

log_redaction.install()



def example_language(message: Message) -> Optional[str]:
    metadata = message.get(METADATA) or {}
    for level in ("example", "intent"):
        lang = (metadata.get(level) or {}).get("lang")
        if lang:
            return lang
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class LanguageDetector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 classifier: Optional[LanguageClassifier] = None) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._classifier = classifier

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LanguageDetector":
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        items = [(m.get(TEXT), example_language(m)) for m in training_data.intent_examples]
        items = [(text, lang) for text, lang in items if text and lang]
        if items:
            cache = training_cache()
            self._classifier = train_from_items(
                items, embed=lambda texts: sentence_encoder.embed(
                    [sentence_encoder.prepare(t) for t in texts], cache))
            cache.save()
            with self._model_storage.write_to(self._resource) as directory:
                self._classifier.save(directory / _LANGUAGE_FILE)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "LanguageDetector":
        classifier = None
        try:
            with model_storage.read_from(resource) as directory:
                classifier = LanguageClassifier.load(directory / _LANGUAGE_FILE)
        except (ValueError, FileNotFoundError):
            classifier = None
        return cls(model_storage, resource, classifier)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            embedding = None
            if self._classifier is not None and self._classifier.uses_embeddings and text.strip():
                embedding = sentence_encoder.embed([sentence_encoder.prepare(text)])[0]
                message.set(EMBEDDING_KEY, embedding)
            detection = detect(text, self._classifier, embedding)
            message.set(LANGUAGE_KEY, detection.as_dict(), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


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
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if self._model is None or not text.strip():
                # Nothing to classify: no intent (the fallback classifier then answers).
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0},
                            add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            lang = (message.get(LANGUAGE_KEY) or {}).get("code")
            ranking = self._model.rank(text, lang, embedding=message.get(EMBEDDING_KEY))
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
