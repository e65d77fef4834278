"""Shared fixtures: a tiny hand-written dataset and a model trained on it once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TINY_LABELS = ("late_payment", "refuses_deposit", "free_work")


@pytest.fixture(scope="session")
def tiny_csv() -> Path:
    return FIXTURES / "tiny.csv"


@pytest.fixture(scope="session")
def tiny_config():
    from clientflags import TrainingConfig

    return TrainingConfig(
        cv_folds=3, min_examples_per_label=3, word_ngram_range=(1, 2), char_ngram_range=None, min_df=1, C=4.0
    )


@pytest.fixture(scope="session")
def tiny_model(tiny_csv, tiny_config):
    from clientflags import train

    return train(tiny_csv, labels=TINY_LABELS, config=tiny_config, model_version="tiny-test")


@pytest.fixture(scope="session")
def bundled():
    from clientflags.model import default_model

    return default_model()
