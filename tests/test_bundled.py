"""The model shipped inside the package: provenance, card, metrics and behaviour."""

import json
import subprocess
import sys
import warnings

import pytest

from clientflags import LABEL_IDS, evaluate, load_dataset
from clientflags.datasets import dataset_sha256
from clientflags.model import BUNDLED_MODEL, FlagClassifier, default_model, sha256_of
from tests.conftest import ROOT

ARTIFACT = ROOT / "clientflags" / "resources" / "model" / f"{BUNDLED_MODEL}.joblib"


def test_bundled_model_loads_without_version_warnings():
    from sklearn.exceptions import InconsistentVersionWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", InconsistentVersionWarning)
        model = FlagClassifier.load(ARTIFACT)
    assert model.version == BUNDLED_MODEL
    assert model.labels == LABEL_IDS


def test_only_one_artifact_is_shipped():
    assert sorted(p.name for p in ARTIFACT.parent.glob("flags-*")) == [
        f"{BUNDLED_MODEL}.joblib",
        f"{BUNDLED_MODEL}.json",
    ]


def test_model_card_and_metrics_name_the_shipped_artifact():
    sha = sha256_of(ARTIFACT)
    card = (ROOT / "models" / "MODEL_CARD.md").read_text(encoding="utf-8")
    metrics = json.loads((ROOT / "models" / "metrics.json").read_text(encoding="utf-8"))
    assert BUNDLED_MODEL in card and sha in card
    assert metrics["model_version"] == BUNDLED_MODEL and metrics["artifact_sha256"] == sha


def test_bundled_model_was_trained_on_the_current_training_split(bundled):
    frame = load_dataset(ROOT / "data" / "train.jsonl")
    assert bundled.metadata.training_data_sha256 == dataset_sha256(frame), (
        "data/train.jsonl changed: rebuild with `python models/build_bundled_model.py`"
    )
    assert bundled.metadata.n_train == len(frame)


def test_shipped_test_metrics_are_reproduced(bundled):
    report = evaluate(bundled, ROOT / "data" / "test.jsonl")
    assert bundled.metadata.metrics["test"] == report.summary()
    metrics = json.loads((ROOT / "models" / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["test"]["macro_f1"] == pytest.approx(report.macro_f1)


FLAGGED = [
    (
        "Votre facture ? On verra le mois prochain, ou celui d'après, la compta a ses délais et je n'y peux rien.",
        "late_payment",
    ),
    (
        "Pas question de verser un acompte : je paierai tout à la livraison, quand j'aurai vu le résultat.",
        "refuses_deposit",
    ),
    (
        "On n'a pas de budget, mais ce sera une superbe visibilité pour vous : des milliers de gens verront votre travail.",
        "free_work",
    ),
    (
        "Votre devis est beaucoup trop cher, sur internet on trouve la même chose pour trois fois moins. Faites un effort.",
        "price_haggling",
    ),
    (
        "Tant que vous y êtes, ajoutez une boutique en ligne et deux pages de plus, ça devait être compris dans le prix.",
        "scope_creep",
    ),
    (
        "Ce n'est toujours pas ça. Ma femme n'aime pas non plus, on repart de zéro pour la cinquième fois.",
        "endless_revisions",
    ),
]
CLEAN = [
    "Bonjour, merci pour la facture, le virement partira vendredi comme convenu. Bonne journée.",
    pytest.param(
        "Je viens de verser l'acompte de 30 %, vous pouvez lancer le projet quand vous voulez.",
        marks=pytest.mark.xfail(
            strict=True,
            reason="known false alarm (models/MODEL_CARD.md): in short messages 'acompte' alone decides refuses_deposit",
        ),
    ),
    "Acompte réglé ce matin par virement, à lundi !",
    "Pourriez-vous me faire un devis pour deux pages supplémentaires ? Merci d'avance.",
    "Merci beaucoup pour votre travail, toute l'équipe est ravie du résultat !",
    "Je vous confirme le rendez-vous de jeudi à 10 h dans nos bureaux.",
    "Avant de signer, pourriez-vous m'envoyer deux ou trois références de projets similaires ?",
]


@pytest.mark.parametrize(("text", "label"), FLAGGED)
def test_clear_red_flags_are_caught(bundled, text, label):
    assert label in bundled.classify(text).labels


@pytest.mark.parametrize("text", CLEAN)
def test_polite_clients_are_left_alone(bundled, text):
    result = bundled.classify(text)
    assert result.is_clean, result


def test_import_is_light_and_the_model_is_found_from_any_directory(tmp_path):
    code = (
        "import sys, clientflags\n"
        "heavy = [m for m in ('spacy', 'sklearn', 'pandas', 'joblib') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "r = clientflags.classify('Pas d\\'acompte, je paie à la livraison. Merci.')\n"
        "assert r.flagged and r.flags[0].evidence\n"
        "# The fast path classifies, with evidence, without spaCy or scikit-learn.\n"
        "heavy = [m for m in ('spacy', 'sklearn', 'scipy', 'pandas') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "print(len(r.scores))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "10"


def test_default_model_is_cached():
    assert default_model() is default_model()
