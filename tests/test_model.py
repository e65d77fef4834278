import json
import pickle

import joblib
import pandas as pd
import pytest

from clientflags import Classification, FlagClassifier, ModelLoadError, classify, classify_many, load
from clientflags.model import FORMAT_VERSION

TEXTS = [
    "Pas d'acompte pour moi, je paie à la livraison quand j'aurai vu le résultat.",
    "Merci pour la facture, le virement part vendredi comme convenu.",
    "La facture ? On vous la règle le mois prochain, la compta a ses délais.",
]


def test_result_contract(tiny_model):
    result = tiny_model.classify(TEXTS[0])
    assert isinstance(result, Classification)
    assert set(result.scores) == set(tiny_model.labels)
    assert all(0.0 <= s <= 1.0 for s in result.scores.values())
    assert result.labels == tuple(f.label for f in result.flags)
    assert [f.score for f in result.flags] == sorted((f.score for f in result.flags), reverse=True)
    assert all(f.score >= f.threshold for f in result.flags)
    assert result.flagged == bool(result.labels) and result.is_clean == (not result.flagged)
    payload = json.loads(json.dumps(result.to_dict()))
    assert payload["labels"] == list(result.labels) and payload["model_version"] == "tiny-test"
    with pytest.raises(TypeError):
        result.scores["late_payment"] = 1.0  # read-only mapping


def test_classify_many_accepts_any_iterable_and_keeps_order(tiny_model):
    one_by_one = [tiny_model.classify(t).scores for t in TEXTS]
    for container in (list(TEXTS), tuple(TEXTS), (t for t in TEXTS), pd.Series(TEXTS)):
        assert [r.scores for r in tiny_model.classify_many(container, batch_size=2)] == one_by_one


def test_module_functions_take_a_model(tiny_model):
    assert classify(TEXTS[2], model=tiny_model).scores == tiny_model.classify(TEXTS[2]).scores
    assert len(classify_many(TEXTS, model=tiny_model)) == 3


@pytest.mark.parametrize("empty", ["", "   \n\t "])
def test_empty_text_is_clean_not_an_error(tiny_model, empty):
    result = tiny_model.classify(empty)
    assert result.is_clean and set(result.scores.values()) == {0.0}


def test_html_and_huge_input_are_handled(tiny_model):
    html = tiny_model.classify("<div>Pas d'acompte, <b>je paie à la livraison</b>.</div>")
    assert any("HTML" in w for w in html.warnings)
    huge = tiny_model.classify("Je paierai plus tard. " * 5_000)
    assert any("truncated" in w for w in huge.warnings)


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [
        (None, TypeError, "got None"),
        (42, TypeError, "got int"),
        (b"Bonjour", TypeError, "decode"),
        (["un", "deux"], TypeError, "classify_many"),
    ],
)
def test_classify_rejects_bad_input(tiny_model, bad, error, message):
    with pytest.raises(error, match=message):
        tiny_model.classify(bad)


def test_classify_many_rejects_bad_input(tiny_model):
    with pytest.raises(TypeError, match="single str"):
        tiny_model.classify_many("Bonjour")
    with pytest.raises(TypeError, match=r"texts\[1\] must be str, got None"):
        tiny_model.classify_many(["Bonjour", None])
    with pytest.raises(TypeError, match="got None"):
        tiny_model.classify_many(None)
    with pytest.raises(ValueError, match="batch_size"):
        tiny_model.classify_many(["Bonjour"], batch_size=0)


def test_save_load_round_trip_gives_identical_predictions(tiny_model, tmp_path):
    path = tiny_model.save(tmp_path / "sub" / "model")
    assert path.suffix == ".joblib" and path.with_suffix(".json").is_file()
    again = load(path)
    assert again.metadata == tiny_model.metadata
    assert [r.scores for r in again.classify_many(TEXTS)] == [r.scores for r in tiny_model.classify_many(TEXTS)]
    sidecar = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["format_version"] == FORMAT_VERSION and sidecar["labels"] == list(tiny_model.labels)


def test_top_terms_explain_a_label(tiny_model):
    terms = tiny_model.top_terms("refuses_deposit", n=5)
    assert len(terms) == 5 and [w for _, w in terms] == sorted((w for _, w in terms), reverse=True)
    assert all(weight > 0 for _, weight in terms)
    assert "livraison" in dict(tiny_model.top_terms("refuses_deposit", n=30))  # "je paie à la livraison"
    with pytest.raises(ValueError, match="not trained for 'disrespect'"):
        tiny_model.top_terms("disrespect")
    with pytest.raises(ValueError, match="Did you mean 'free_work'"):
        tiny_model.top_terms("free_wrk")


def test_load_missing_file():
    with pytest.raises(ModelLoadError, match="No model file.*clientflags train"):
        load("/nonexistent/model.joblib")


def test_load_files_that_are_not_models(tmp_path):
    text_file = tmp_path / "notes.joblib"
    text_file.write_text("not a model", encoding="utf-8")
    with pytest.raises(ModelLoadError, match="could not be read"):
        load(text_file)
    other = tmp_path / "other.joblib"
    joblib.dump({"weights": [1, 2, 3]}, other)
    with pytest.raises(ModelLoadError, match="not a clientflags model"):
        load(other)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("format_version", 999, "artifact format 999"),
        ("sklearn_version", "0.24.2", "scikit-learn 0.24"),
        ("taxonomy_version", "0", "taxonomy v0"),
        ("labels", ["late_payment", "ghosting"], "unknown to this taxonomy"),
    ],
)
def test_load_checks_metadata_before_unpickling(tiny_model, tmp_path, field, value, message):
    path = tiny_model.save(tmp_path / "m.joblib")
    sidecar = path.with_suffix(".json")
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    data[field] = value
    sidecar.write_text(json.dumps(data), encoding="utf-8")
    path.write_bytes(b"would fail to unpickle")  # proves the sidecar is checked first
    with pytest.raises(ModelLoadError, match=message):
        FlagClassifier.load(path)


EVIDENCE_TEXT = (
    "Bonjour Paul,\nMerci pour votre rapidité, le rendez-vous de jeudi me convient.\n"
    "Par contre pas d'acompte pour moi : je paie à la livraison, quand j'aurai vu le résultat.\nBonne journée"
)


def test_evidence_sentences_come_from_the_text_and_carry_the_flag(tiny_model):
    result = tiny_model.classify(EVIDENCE_TEXT)
    assert "refuses_deposit" in result.labels
    assert result.evidence.keys() == set(result.labels)
    for flag in result.flags:
        scores = [ev.score for ev in flag.evidence]
        assert scores == sorted(scores, reverse=True) and len(scores) <= 3
        for ev in flag.evidence:
            assert EVIDENCE_TEXT[ev.start : ev.end] == ev.text
            assert ev.score >= flag.threshold
            assert flag.label in tiny_model.classify(ev.text).labels  # the sentence alone carries the flag
    (deposit,) = [f for f in result.flags if f.label == "refuses_deposit"]
    assert deposit.evidence and "acompte" in deposit.evidence[0].text
    assert result.to_dict()["flags"][0]["evidence"][0]["text"]


def test_evidence_can_be_skipped(tiny_model):
    (result,) = tiny_model.classify_many([EVIDENCE_TEXT], evidence=False)
    assert result.flagged and all(flag.evidence == () for flag in result.flags)


def test_a_one_sentence_email_is_its_own_evidence(tiny_model):
    text = "Pas d'acompte pour moi : je paie à la livraison, quand j'aurai vu le résultat."
    result = tiny_model.classify(text)
    assert result.flagged
    for flag in result.flags:
        assert [(ev.text, ev.start, ev.end, ev.score) for ev in flag.evidence] == [(text, 0, len(text), flag.score)]


def test_n_jobs_gives_the_same_results_as_one_process(tiny_model):
    texts = [EVIDENCE_TEXT, "Merci, le virement part demain.", "", "Pas d'acompte, je paie à la fin."] * 150
    serial = tiny_model.classify_many(texts, batch_size=64)
    parallel = tiny_model.classify_many(texts, batch_size=64, n_jobs=2)
    assert [r.to_dict() for r in parallel] == [r.to_dict() for r in serial]


@pytest.mark.parametrize("n_jobs", [0, -2, 1.5, "2"])
def test_n_jobs_must_be_a_count(tiny_model, n_jobs):
    with pytest.raises(ValueError, match="n_jobs"):
        tiny_model.classify_many(["Bonjour"], n_jobs=n_jobs)


def test_bad_items_are_named_by_position_with_workers(tiny_model):
    texts = ["Bonjour"] * 600
    texts[421] = None
    with pytest.raises(TypeError, match=r"texts\[421\]"):
        tiny_model.classify_many(texts, batch_size=64, n_jobs=2)


def test_results_can_be_pickled(tiny_model):
    result = tiny_model.classify(EVIDENCE_TEXT)
    copy = pickle.loads(pickle.dumps(result))
    assert copy == result and copy.to_dict() == result.to_dict()
    with pytest.raises(TypeError):
        copy.scores["late_payment"] = 1.0  # still read-only


def test_a_loaded_model_classifies_without_unpickling_its_pipeline(tiny_model, tmp_path):
    loaded = FlagClassifier.load(tiny_model.save(tmp_path / "m.joblib"))
    assert loaded._pipeline is None and loaded.scorer is not None
    assert loaded.classify(EVIDENCE_TEXT).to_dict() == tiny_model.classify(EVIDENCE_TEXT).to_dict()
    assert loaded._pipeline is None
    assert loaded.pipeline is not None  # unpickled on demand


def test_format_1_artifacts_still_load(tiny_model, tmp_path):
    path = tmp_path / "old.joblib"
    metadata = {**tiny_model.metadata.to_dict(), "format_version": 1}
    payload = {"magic": "clientflags-model", "format_version": 1, "metadata": metadata, "pipeline": tiny_model.pipeline}
    joblib.dump(payload, path)
    path.with_suffix(".json").write_text(json.dumps(metadata), encoding="utf-8")
    old = FlagClassifier.load(path)
    assert old.scorer is not None
    assert old.classify(EVIDENCE_TEXT).scores == tiny_model.classify(EVIDENCE_TEXT).scores
