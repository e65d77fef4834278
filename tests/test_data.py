"""The shipped corpus: schema, labels, duplicates, and the data card's numbers."""

import pytest

from clientflags.data_stats import card_section, check_corpus, corpus_report, load_corpus, near_duplicates
from clientflags.taxonomy import LABEL_IDS
from tests.conftest import ROOT

DATA = ROOT / "data"
EXPECTED_COLUMNS = {
    "id",
    "text",
    "labels",
    "sector",
    "register",
    "variety",
    "furniture",
    "informal",
    "indirect",
    "hard_negative",
    "brief",
    "split",
}


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(DATA)


def test_schema(corpus):
    assert EXPECTED_COLUMNS <= set(corpus.columns)
    assert corpus["id"].is_unique
    assert set(corpus["register"]) <= {"vous", "tu", "sms"}
    assert set(corpus["variety"]) <= {"fr", "be", "ch", "qc", "af"}
    assert all(set(ids) <= set(LABEL_IDS) and len(ids) <= 3 for ids in corpus["labels"])
    clean = corpus["labels"].str.len() == 0
    assert not corpus.loc[~clean, "hard_negative"].any(), "hard negatives must be clean"
    assert not corpus.loc[clean, "indirect"].any(), "only flagged emails can be indirect"


def test_splits_were_written_from_different_briefs(corpus):
    train_briefs = set(corpus.loc[corpus["split"] == "train", "brief"])
    test_briefs = set(corpus.loc[corpus["split"] == "test", "brief"])
    assert train_briefs and test_briefs and not train_briefs & test_briefs
    train_sectors = set(corpus.loc[corpus["split"] == "train", "sector"])
    test_sectors = set(corpus.loc[corpus["split"] == "test", "sector"])
    assert not train_sectors & test_sectors, "the test split uses sectors never seen in training"


def test_every_corpus_requirement_holds(corpus):
    failed = [f"{c.name}: {c.value} (required {c.required})" for c in check_corpus(corpus) if not c.ok]
    assert not failed, failed


def test_near_duplicate_detector():
    a = "Bonjour, pas d'acompte pour moi, je paie tout à la livraison comme toujours."
    b = "Bonjour, pas d'acompte pour moi, je paie tout à la livraison comme d'habitude."
    c = "Merci pour les photos du mariage, elles sont magnifiques."
    assert [(i, j) for i, j, _ in near_duplicates([a, b, c])] == [(0, 1)]
    assert near_duplicates([a], [c]) == []


def test_data_card_numbers_are_current(corpus):
    assert card_section(DATA / "README.md") == corpus_report(corpus), (
        "data/README.md is stale: run `python -m clientflags.data_stats --update-card`"
    )
