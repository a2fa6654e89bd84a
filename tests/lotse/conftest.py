import pytest


@pytest.fixture
def encoder_calls(monkeypatch):
    """The texts of each call to the sentence encoder (the real encoder still runs)."""
    from lotse import sentence_encoder

    calls = []
    real = sentence_encoder.embed

    def embed(texts, cache=None):
        calls.append(list(texts))
        return real(texts, cache)

    monkeypatch.setattr(sentence_encoder, "embed", embed)
    return calls
