import numpy as np
import pytest

from clientflags import evaluate
from clientflags.evaluation import report_from_predictions

LABELS = ["late_payment", "free_work"]


def test_metrics_by_hand():
    y_true = np.array([[1, 0], [1, 0], [0, 1], [0, 0], [0, 0]])
    y_pred = np.array([[1, 0], [0, 0], [0, 1], [1, 0], [0, 0]])
    report = report_from_predictions(y_true, y_pred, LABELS, [0.5, 0.4], "m")
    late, free = report.per_label
    assert (late.precision, late.recall, late.support, late.predicted) == (0.5, 0.5, 2, 2)
    assert (free.precision, free.recall, free.f1) == (1.0, 1.0, 1.0)
    assert report.macro_f1 == pytest.approx((0.5 + 1.0) / 2)
    assert report.micro_f1 == pytest.approx(2 / 3)
    assert report.clean_false_alarm_rate == 0.5  # one of the two clean emails got a flag
    assert report.exact_match == pytest.approx(3 / 5)
    assert (report.n_examples, report.n_clean) == (5, 2)


def test_report_renders(tiny_model, tiny_csv):
    report = evaluate(tiny_model, tiny_csv)
    assert report.n_examples == 36 and report.n_clean == 18
    assert [m.label for m in report.per_label] == list(tiny_model.labels)
    assert "macro-F1" in str(report) and "| `free_work` |" in report.to_markdown()
    assert list(report.to_frame().columns)[:3] == ["name", "precision", "recall"]
    assert report.to_dict()["per_label"][0]["label"] == "late_payment"
    assert set(report.summary()) >= {"macro_f1", "micro_f1", "clean_false_alarm_rate", "per_label_f1"}
