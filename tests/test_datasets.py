import json

import pandas as pd
import pytest

from clientflags import InvalidInputError, UnknownLabelError, load_dataset
from clientflags.datasets import dataset_sha256, label_matrix, parse_labels


def test_loads_csv_with_pipe_separated_labels(tiny_csv):
    frame = load_dataset(tiny_csv)
    assert len(frame) == 36
    assert frame.loc[0, "labels"] == ("late_payment",)
    assert (frame["labels"] == ()).sum() == 18


def test_loads_jsonl_and_dataframe_alike(tmp_path):
    rows = [
        {"text": "Pas d'acompte.", "labels": ["refuses_deposit"], "sector": "web"},
        {"text": "Merci !", "labels": []},
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    from_file = load_dataset(path)
    from_frame = load_dataset(
        pd.DataFrame({"body": ["Pas d'acompte.", "Merci !"], "y": ["refuses_deposit", ""]}),
        text_col="body",
        labels_col="y",
    )
    assert list(from_file["labels"]) == list(from_frame["labels"]) == [("refuses_deposit",), ()]
    assert "sector" in from_file.columns


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("a|b", ("a", "b")), ("", ()), (None, ()), (float("nan"), ()), (["a"], ("a",)), ('["a", "b"]', ("a", "b"))],
)
def test_parse_labels(cell, expected):
    assert parse_labels(cell) == expected


def test_missing_column_names_what_exists(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("body,labels\nBonjour,\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"Missing column.*'text'.*found \['body', 'labels'\].*--text-col"):
        load_dataset(path)


def test_unknown_label_names_line_and_closest_id(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("text,labels\nBonjour,\nPayez plus tard,late_paiement\n", encoding="utf-8")
    with pytest.raises(UnknownLabelError, match=r"late_payment.*line 3"):
        load_dataset(path)


def test_empty_texts_are_listed(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text('text,labels\nBonjour,\n"   ",\n,free_work\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"Empty texts at lines 3, 4"):
        load_dataset(path)


def test_malformed_csv_gets_a_clear_error(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text('text,labels\n"Bonjour, jamais fermé,late_payment\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="not valid CSV"):
        load_dataset(path)


def test_malformed_jsonl_gets_a_clear_error(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "ok", "labels": []}\n{not json\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="not valid JSON"):
        load_dataset(path)


def test_missing_file_and_wrong_types(tmp_path):
    with pytest.raises(InvalidInputError, match="No such data file"):
        load_dataset(tmp_path / "nope.csv")
    with pytest.raises(InvalidInputError, match="is a folder"):
        load_dataset(tmp_path)
    (tmp_path / "d.xlsx").write_bytes(b"PK")
    with pytest.raises(InvalidInputError, match="Unsupported"):
        load_dataset(tmp_path / "d.xlsx")
    with pytest.raises(TypeError, match="DataFrame or a path"):
        load_dataset(42)


def test_label_matrix_and_hash(tiny_csv):
    frame = load_dataset(tiny_csv)
    matrix = label_matrix(frame["labels"], ["late_payment", "free_work"])
    assert matrix.shape == (36, 2) and matrix.sum() == 12
    assert dataset_sha256(frame) == dataset_sha256(load_dataset(tiny_csv))
    assert dataset_sha256(frame) != dataset_sha256(frame.iloc[::-1])
