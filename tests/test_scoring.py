import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from clientflags import train
from clientflags.preprocessing import prepare_text
from clientflags.scoring import LinearScorer

ROOT = Path(__file__).resolve().parents[1]
TINY_LABELS = ("late_payment", "refuses_deposit", "free_work")


def _texts():
    with open(ROOT / "data" / "test.jsonl", encoding="utf-8") as handle:
        return [prepare_text(json.loads(line)["text"]).text for line in list(handle)[:200]]


def test_numpy_scores_equal_the_pipeline(tiny_model):
    texts = _texts()
    assert tiny_model.scorer is not None
    expected = np.asarray(tiny_model.pipeline.predict_proba(texts))
    np.testing.assert_allclose(tiny_model.scorer.predict_proba(texts), expected, atol=1e-6)


def test_equal_on_the_bundled_model(bundled):
    texts = _texts()
    np.testing.assert_allclose(
        bundled.scorer.predict_proba(texts), np.asarray(bundled.pipeline.predict_proba(texts)), atol=1e-6
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "change",
    [{"char_ngram_range": (2, 4)}, {"word_ngram_range": (1, 1)}, {"classifier": "sgd"}],
)
def test_other_pipelines_are_copied_or_left_to_scikit_learn(tiny_csv, tiny_config, change):
    model = train(tiny_csv, labels=TINY_LABELS, config=replace(tiny_config, **change))
    texts = _texts()[:50]
    expected = np.asarray(model.pipeline.predict_proba(texts))
    if "char_ngram_range" in change:  # character n-grams stay with scikit-learn
        assert model.scorer is None
    else:
        assert model.scorer is not None
    np.testing.assert_allclose(model.predict_proba(texts), expected, atol=1e-6)


def test_from_pipeline_refuses_what_it_cannot_copy():
    assert LinearScorer.from_pipeline(object()) is None


def test_contributions_add_up_to_the_decision_value(bundled):
    text = prepare_text("Pas d'acompte pour moi, je paie à la livraison. Et ça vous prendra cinq minutes.").text
    (features,) = bundled.scorer.preprocess.transform([text])
    decision = bundled.scorer.decision_function([features])[0]
    for column in range(bundled.scorer.n_labels):
        parts = bundled.scorer.contributions(features, column, None, positive_only=False)
        assert sum(value for _, value in parts) + bundled.scorer.intercept[column] == pytest.approx(decision[column])


def test_explain_names_the_terms_of_this_email(bundled):
    text = "Bonjour, pas d'acompte pour moi : je paierai quand j'aurai vu le résultat."
    terms = bundled.explain(text, "refuses_deposit", n=5)
    assert 0 < len(terms) <= 5
    assert [w for _, w in terms] == sorted((w for _, w in terms), reverse=True) and all(w > 0 for _, w in terms)
    (features,) = bundled.scorer.preprocess.transform([prepare_text(text).text])
    assert all(term in features for term, _ in terms)  # every term comes from this email
    assert any("acompte" in term for term, _ in terms)
    assert bundled.explain("", "refuses_deposit") == []
    with pytest.raises(ValueError, match="Did you mean"):
        bundled.explain(text, "refuses_deposi")


def test_sentence_scores_from_one_pass_equal_scoring_each_sentence(bundled):
    texts = _texts()[:60] + [prepare_text("Bonjour.\nPas d'acompte !!! Je paie à la fin. Merci").text]
    analysis = bundled.scorer.analyse(texts)
    np.testing.assert_allclose(analysis.probabilities, bundled.scorer.predict_proba(texts), atol=1e-9)
    per_text = analysis.sentence_probabilities(range(len(texts)))
    for sentences, scored in zip(analysis.sentences, per_text, strict=True):
        assert [(a, b) for a, b, _ in sentences] == [(a, b) for a, b, _ in scored]
        if sentences:
            alone = bundled.scorer.probabilities([features for _, _, features in sentences])
            np.testing.assert_allclose(np.vstack([p for _, _, p in scored]), alone, atol=1e-9)
