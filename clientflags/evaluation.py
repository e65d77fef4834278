"""Evaluation: how well a model flags the right emails and leaves clean ones alone.

The headline number for users is :attr:`EvaluationReport.clean_false_alarm_rate`:
the share of emails with no gold label that received at least one flag. A
false alarm on a polite client is the worst failure of this library.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from clientflags.taxonomy import get_label

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from clientflags.model import FlagClassifier

__all__ = ["EvaluationReport", "LabelMetrics", "evaluate", "report_from_predictions"]


@dataclass(frozen=True, slots=True)
class LabelMetrics:
    """Precision, recall and F1 of one label.

    Attributes
    ----------
    label, name : str
        Taxonomy id and French name.
    precision, recall, f1 : float
        Computed on the evaluated emails (0.0 when undefined).
    support : int
        Emails that carry this label in the gold data.
    predicted : int
        Emails the model flagged with this label.
    threshold : float
        The decision threshold used.
    """

    label: str
    name: str
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int
    threshold: float


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Scores of a model on a labeled dataset.

    Attributes
    ----------
    per_label : tuple of LabelMetrics
        One entry per label, taxonomy order.
    macro_f1, micro_f1, micro_precision, micro_recall : float
        Aggregates over labels.
    clean_false_alarm_rate : float
        Share of clean emails (no gold label) that got at least one flag.
    exact_match : float
        Share of emails whose predicted label set equals the gold set.
    n_examples, n_clean : int
        Evaluated emails, and how many of them are clean.
    model_version : str
        The model evaluated.
    """

    per_label: tuple[LabelMetrics, ...]
    macro_f1: float
    micro_f1: float
    micro_precision: float
    micro_recall: float
    clean_false_alarm_rate: float
    exact_match: float
    n_examples: int
    n_clean: int
    model_version: str

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict."""
        data = asdict(self)
        data["per_label"] = [asdict(m) for m in self.per_label]
        return data

    def summary(self) -> dict[str, Any]:
        """Return the headline figures (rounded), as stored in model metadata."""
        return {
            "macro_f1": round(self.macro_f1, 4),
            "micro_f1": round(self.micro_f1, 4),
            "clean_false_alarm_rate": round(self.clean_false_alarm_rate, 4),
            "per_label_f1": {m.label: round(m.f1, 4) for m in self.per_label},
            "n_examples": self.n_examples,
            "n_clean": self.n_clean,
        }

    def to_frame(self) -> pd.DataFrame:
        """Return per-label metrics as a pandas DataFrame indexed by label id."""
        import pandas as pd

        return pd.DataFrame([asdict(m) for m in self.per_label]).set_index("label")

    def to_markdown(self) -> str:
        """Return the report as a Markdown table plus a summary."""
        lines = [
            "| label | French name | precision | recall | F1 | support | threshold |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for m in self.per_label:
            lines.append(
                f"| `{m.label}` | {m.name} | {m.precision:.3f} | {m.recall:.3f} | {m.f1:.3f} "
                f"| {m.support} | {m.threshold:.2f} |"
            )
        lines += [
            "",
            f"- emails: {self.n_examples} ({self.n_clean} clean)",
            f"- macro-F1: **{self.macro_f1:.3f}**, micro-F1: **{self.micro_f1:.3f}** "
            f"(micro precision {self.micro_precision:.3f}, recall {self.micro_recall:.3f})",
            f"- false alarms on clean emails: **{self.clean_false_alarm_rate:.1%}**",
            f"- exact label-set match: {self.exact_match:.1%}",
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        width = max(len(m.name) for m in self.per_label) if self.per_label else 10
        rows = [f"{'label':<{width}}  precision  recall     F1  support"]
        for m in self.per_label:
            rows.append(f"{m.name:<{width}}  {m.precision:9.3f}  {m.recall:6.3f}  {m.f1:5.3f}  {m.support:7d}")
        rows.append("")
        rows.append(f"macro-F1 {self.macro_f1:.3f} | micro-F1 {self.micro_f1:.3f} | exact match {self.exact_match:.1%}")
        rows.append(
            f"false alarms on clean emails: {self.clean_false_alarm_rate:.1%} "
            f"({self.n_clean} clean of {self.n_examples} emails) | model {self.model_version}"
        )
        return "\n".join(rows)


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else 0.0


def report_from_predictions(
    y_true: Any, y_pred: Any, labels: Sequence[str], thresholds: Sequence[float], model_version: str
) -> EvaluationReport:
    """Build an :class:`EvaluationReport` from 0/1 indicator matrices.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_emails, n_labels)
        Gold and predicted indicators.
    labels : sequence of str
        Label ids of the columns.
    thresholds : sequence of float
        Threshold used for each column.
    model_version : str
        Name recorded in the report.

    Returns
    -------
    EvaluationReport
        The metrics.
    """
    import numpy as np

    y_true = np.asarray(y_true, dtype=int)
    y_pred = np.asarray(y_pred, dtype=int)
    per_label = []
    for j, label in enumerate(labels):
        tp = int(((y_true[:, j] == 1) & (y_pred[:, j] == 1)).sum())
        predicted = int(y_pred[:, j].sum())
        support = int(y_true[:, j].sum())
        precision, recall = _ratio(tp, predicted), _ratio(tp, support)
        f1 = _ratio(2 * precision * recall, precision + recall)
        per_label.append(
            LabelMetrics(label, get_label(label).name, precision, recall, f1, support, predicted, float(thresholds[j]))
        )
    tp_all = int(((y_true == 1) & (y_pred == 1)).sum())
    micro_p, micro_r = _ratio(tp_all, y_pred.sum()), _ratio(tp_all, y_true.sum())
    clean = y_true.sum(axis=1) == 0
    false_alarms = int((y_pred[clean].sum(axis=1) > 0).sum())
    return EvaluationReport(
        per_label=tuple(per_label),
        macro_f1=float(np.mean([m.f1 for m in per_label])) if per_label else 0.0,
        micro_f1=_ratio(2 * micro_p * micro_r, micro_p + micro_r),
        micro_precision=micro_p,
        micro_recall=micro_r,
        clean_false_alarm_rate=_ratio(false_alarms, int(clean.sum())),
        exact_match=float((y_true == y_pred).all(axis=1).mean()) if len(y_true) else 0.0,
        n_examples=int(len(y_true)),
        n_clean=int(clean.sum()),
        model_version=model_version,
    )


def evaluate(
    model: FlagClassifier | None, data: object, *, text_col: str = "text", labels_col: str = "labels"
) -> EvaluationReport:
    """Evaluate a model on labeled emails.

    Parameters
    ----------
    model : FlagClassifier or None
        The model to score; ``None`` means the bundled model.
    data : pandas.DataFrame, str or Path
        Labeled emails (see :func:`clientflags.load_dataset`).
    text_col, labels_col : str
        Column names.

    Returns
    -------
    EvaluationReport
        Per-label precision/recall/F1/support, macro and micro F1, and the
        false-alarm rate on clean emails.
    """
    from clientflags.datasets import label_matrix, load_dataset
    from clientflags.model import default_model

    model = model or default_model()
    frame = load_dataset(data, text_col=text_col, labels_col=labels_col)
    results = model.classify_many(frame["text"], evidence=False)  # scores only: skip the evidence pass
    y_true = label_matrix(frame["labels"], model.labels)
    y_pred = label_matrix([r.labels for r in results], model.labels)
    return report_from_predictions(
        y_true, y_pred, model.labels, [model.thresholds[label] for label in model.labels], model.version
    )
