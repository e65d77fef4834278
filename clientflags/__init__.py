"""clientflags: flag difficult-client red flags in French emails.

>>> from clientflags import classify                          # doctest: +SKIP
>>> classify("Pas d'acompte, je paierai à la livraison.").labels  # doctest: +SKIP
('refuses_deposit',)

Modules
-------
taxonomy       the label set (ids, French names, definitions)
preprocessing  French text preparation, feature rules, the spaCy lemmatizer transformer
tokenizer      fast French tokenizer and sentence splitter (no spaCy needed)
lookup         the fast lemmatizer: lexicon learned from spaCy at training time
scoring        the trained linear pipeline evaluated with numpy only
emails         .eml/.mbox/HTML parsing, quote and signature stripping, mailbox scans
model          FlagClassifier, results, the bundled model, classify()
datasets       reading and validating labeled emails
training       train() and TrainingConfig
evaluation     evaluate() and EvaluationReport
cli            the ``clientflags`` command

Public names are imported lazily, so ``import clientflags`` loads neither
spaCy, scikit-learn nor the model; classifying with the bundled model loads
numpy and the model, never spaCy or scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.3.0"

_EXPORTS = {
    "Classification": "clientflags.model",
    "ClientflagsError": "clientflags.errors",
    "EmailClassification": "clientflags.emails",
    "EvaluationReport": "clientflags.evaluation",
    "Evidence": "clientflags.model",
    "Flag": "clientflags.model",
    "FlagClassifier": "clientflags.model",
    "InvalidInputError": "clientflags.errors",
    "InvalidTypeError": "clientflags.errors",
    "LABELS": "clientflags.taxonomy",
    "LABEL_IDS": "clientflags.taxonomy",
    "Label": "clientflags.taxonomy",
    "LabelMetrics": "clientflags.evaluation",
    "ModelLoadError": "clientflags.errors",
    "ModelMetadata": "clientflags.model",
    "TrainingConfig": "clientflags.training",
    "UnknownLabelError": "clientflags.errors",
    "classify": "clientflags.model",
    "classify_email": "clientflags.emails",
    "classify_frame": "clientflags.model",
    "classify_many": "clientflags.model",
    "evaluate": "clientflags.evaluation",
    "explain": "clientflags.model",
    "load": "clientflags.model",
    "load_dataset": "clientflags.datasets",
    "parse_email": "clientflags.emails",
    "scan_mailbox": "clientflags.emails",
    "strip_reply": "clientflags.emails",
    "summarize_by_sender": "clientflags.emails",
    "train": "clientflags.training",
}

__all__ = sorted([*_EXPORTS, "__version__"])

if TYPE_CHECKING:  # pragma: no cover
    from clientflags.datasets import load_dataset
    from clientflags.emails import (
        EmailClassification,
        classify_email,
        parse_email,
        scan_mailbox,
        strip_reply,
        summarize_by_sender,
    )
    from clientflags.errors import (
        ClientflagsError,
        InvalidInputError,
        InvalidTypeError,
        ModelLoadError,
        UnknownLabelError,
    )
    from clientflags.evaluation import EvaluationReport, LabelMetrics, evaluate
    from clientflags.model import (
        Classification,
        Evidence,
        Flag,
        FlagClassifier,
        ModelMetadata,
        classify,
        classify_frame,
        classify_many,
        explain,
        load,
    )
    from clientflags.taxonomy import LABEL_IDS, LABELS, Label
    from clientflags.training import TrainingConfig, train


_SUBMODULES = frozenset(
    {
        "cli",
        "data_stats",
        "datasets",
        "emails",
        "errors",
        "evaluation",
        "lookup",
        "model",
        "preprocessing",
        "scoring",
        "taxonomy",
        "tokenizer",
        "training",
    }
)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:  # clientflags.taxonomy works without importing it first
        return importlib.import_module(f"clientflags.{name}")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'clientflags' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
