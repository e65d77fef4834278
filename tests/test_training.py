import dataclasses

import numpy as np
import pytest

from clientflags import InvalidInputError, TrainingConfig, UnknownLabelError, train
from clientflags.training import build_pipeline, tune_thresholds
from tests.conftest import TINY_LABELS


def test_model_records_its_provenance(tiny_model):
    meta = tiny_model.metadata
    assert meta.labels == TINY_LABELS and set(meta.thresholds) == set(TINY_LABELS)
    assert meta.n_train == 36 and len(meta.training_data_sha256) == 64
    assert meta.sklearn_version and meta.spacy_model == "fr_core_news_sm"
    assert meta.config["cv_folds"] == 3
    assert 0.0 <= meta.metrics["cross_validation"]["macro_f1"] <= 1.0


def test_training_is_deterministic(tiny_csv, tiny_config, tiny_model):
    again = train(tiny_csv, labels=TINY_LABELS, config=tiny_config, model_version="tiny-test")
    assert again.thresholds == tiny_model.thresholds
    text = "On vous paiera quand le projet rapportera, pour l'instant c'est pour la visibilité."
    assert again.classify(text).scores == tiny_model.classify(text).scores


def test_too_few_examples_is_explained(tiny_csv, tiny_config):
    with pytest.raises(InvalidInputError, match=r"Too few examples for \{.*'scope_creep': 0.*labels=\[\.\.\.\]"):
        train(tiny_csv, config=tiny_config)


def test_unknown_training_label(tiny_csv):
    with pytest.raises(UnknownLabelError, match="free_work"):
        train(tiny_csv, labels=["free_wrk"])


def test_config_round_trip_and_validation():
    config = dataclasses.replace(TrainingConfig(), C=2.0)
    assert TrainingConfig.from_dict(config.to_dict()) == config
    with pytest.raises(InvalidInputError, match="Unknown training settings"):
        TrainingConfig.from_dict({"learning_rate": 0.1})


def test_pipeline_steps():
    assert [name for name, _ in build_pipeline().steps] == ["preprocess", "features", "classifier"]


def test_another_linear_model_trains_and_explains(tiny_csv, tiny_config):
    model = train(tiny_csv, labels=TINY_LABELS, config=dataclasses.replace(tiny_config, classifier="sgd"))
    assert len(model.top_terms("free_work", n=3)) == 3
    assert set(model.classify("Pas d'acompte, je paie à la fin.").scores) == set(TINY_LABELS)


def test_calibrated_svm_asks_for_enough_examples(tiny_csv, tiny_config):
    config = dataclasses.replace(tiny_config, classifier="linear_svc")
    with pytest.raises(InvalidInputError, match=r"need at least 12 emails per label"):
        train(tiny_csv, labels=TINY_LABELS, config=config)


def test_unknown_classifier_is_refused():
    with pytest.raises(InvalidInputError, match="classifier must be one of"):
        build_pipeline(TrainingConfig(classifier="random_forest"))


def test_tune_thresholds_caps_false_alarms_on_clean_emails():
    rng = np.random.default_rng(0)
    y = np.zeros((400, 2), dtype=int)
    y[:60, 0] = 1
    y[60:120, 1] = 1
    probabilities = np.clip(y * 0.55 + rng.uniform(0, 0.5, size=y.shape), 0, 1)
    loose = tune_thresholds(y, probabilities, max_clean_false_alarm_rate=1.0)
    strict = tune_thresholds(y, probabilities, max_clean_false_alarm_rate=0.02)
    clean = y.sum(axis=1) == 0
    rate = (probabilities[clean] >= np.array(strict)).any(axis=1).mean()
    assert rate <= 0.02
    assert all(s >= lo for s, lo in zip(strict, loose, strict=False))


def test_calibrated_svm_trains_and_explains_with_enough_examples(tiny_csv, tiny_config):
    import pandas as pd

    from clientflags import load_dataset

    frame = pd.concat([load_dataset(tiny_csv)] * 4, ignore_index=True)
    model = train(frame, labels=TINY_LABELS, config=dataclasses.replace(tiny_config, classifier="linear_svc"))
    terms = model.top_terms("refuses_deposit", n=5)
    assert len(terms) == 5 and terms[0][1] > 0
