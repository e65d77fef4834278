import re

import pytest

from clientflags import LABEL_IDS, LABELS, UnknownLabelError
from clientflags.taxonomy import get_label, validate_label_ids
from tests.conftest import ROOT

TAXONOMY_MD = ROOT.parent / "shared" / "TAXONOMY.md"


def _taxonomy_table():
    rows = {}
    for line in TAXONOMY_MD.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([a-z_]+)` \| ([^|]+) \|", line)
        if match:
            rows[match.group(1)] = match.group(2).strip()
    return rows


def test_taxonomy_is_reachable_from_the_package():
    import clientflags

    assert clientflags.taxonomy.LABELS is LABELS
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        clientflags.nope  # noqa: B018


def test_ten_labels_with_unique_ids():
    assert len(LABELS) == 10
    assert len(set(LABEL_IDS)) == 10
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", label.id) for label in LABELS)


@pytest.mark.skipif(not TAXONOMY_MD.is_file(), reason="shared/TAXONOMY.md is not beside the checkout")
def test_matches_the_taxonomy_contract():
    table = _taxonomy_table()
    assert list(table) == list(LABEL_IDS), "ids and their order must follow TAXONOMY.md"
    assert {label.id: label.name for label in LABELS} == table


def test_every_label_has_french_advice():
    for label in LABELS:
        assert len(label.advice) > 40 and label.advice.endswith(".")


def test_get_label_suggests_the_closest_id():
    assert get_label("free_work").name == "Travail gratuit"
    with pytest.raises(UnknownLabelError, match="late_payment"):
        get_label("late_paymnt")


def test_validate_label_ids_orders_and_deduplicates():
    assert validate_label_ids(["disrespect", "scope_creep", "disrespect"]) == ("scope_creep", "disrespect")
    with pytest.raises(UnknownLabelError):
        validate_label_ids(["rude"])
    with pytest.raises(TypeError):
        validate_label_ids("late_payment")
