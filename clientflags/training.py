"""Training: labeled emails in, a :class:`~clientflags.model.FlagClassifier` out.

The pipeline is French preprocessing (by default the fast
:class:`~clientflags.lookup.LookupLemmatizer`, which learns its lexicon from
spaCy's ``fr_core_news_sm`` at fit time; or
:class:`~clientflags.preprocessing.FrenchLemmatizer`, which runs spaCy on every
email) -> TF-IDF on lemma n-grams (and optionally character n-grams) -> one
logistic regression per label. Per-label thresholds are tuned on out-of-fold probabilities from
k-fold cross-validation on the training data (never on a test file), then
raised where needed until the out-of-fold false-alarm rate on clean emails is
under :attr:`TrainingConfig.max_clean_false_alarm_rate`.
"""

from __future__ import annotations

import datetime as _dt
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from clientflags import __version__
from clientflags.datasets import dataset_sha256, label_matrix, load_dataset
from clientflags.errors import InvalidInputError
from clientflags.evaluation import report_from_predictions
from clientflags.lookup import LookupLemmatizer
from clientflags.model import FlagClassifier, ModelMetadata
from clientflags.preprocessing import DEFAULT_SPACY_MODEL, FrenchLemmatizer, prepare_text
from clientflags.scoring import LinearScorer
from clientflags.taxonomy import LABEL_IDS, validate_label_ids

__all__ = ["TrainingConfig", "build_pipeline", "train", "tune_thresholds"]


@dataclass(frozen=True, slots=True)
class TrainingConfig:
    """Settings of a training run; vary them with :func:`dataclasses.replace`.

    Attributes
    ----------
    spacy_model : str
        spaCy pipeline used for lemmas.
    lemmatizer : str
        ``"lookup"`` (default): spaCy runs at training time only, and
        classifying uses lookup tables learned from it (far faster, and as
        accurate on our test split; see ``benchmarks/RESULTS.md``).
        ``"spacy"``: spaCy's tagger and lemmatizer run on every email.
    strip_replies : bool
        Remove quoted older messages, signatures, footers and disclaimers
        from training emails, as classification does by default
        (:func:`clientflags.emails.strip_reply`).
    word_ngram_range : tuple of int
        n-gram sizes over lemma tokens.
    char_ngram_range : tuple of int or None
        Character n-gram sizes (within words) over the lemma string; None (the
        default) disables them: they fit our own phrasing and score lower on
        writing the model has not seen (see ``models/EXPERIMENTS.md``).
    min_df : int
        Ignore n-grams seen in fewer emails than this.
    C : float
        Inverse regularisation strength of the per-label linear models.
    classifier : str
        The per-label linear model: ``"logistic_regression"`` (default),
        ``"linear_svc"`` (a linear SVM with sigmoid-calibrated probabilities)
        or ``"sgd"`` (logistic loss fitted by stochastic gradient descent).
    cv_folds : int
        Folds used to tune thresholds on out-of-fold probabilities.
    max_clean_false_alarm_rate : float
        Thresholds are raised until at most this share of clean training
        emails gets a flag out-of-fold.
    min_examples_per_label : int
        Each trained label needs at least this many positive emails.
    random_state : int
        Seed for the folds (training is otherwise deterministic).
    """

    spacy_model: str = DEFAULT_SPACY_MODEL
    lemmatizer: str = "lookup"
    strip_replies: bool = True
    word_ngram_range: tuple[int, int] = (1, 3)
    char_ngram_range: tuple[int, int] | None = None
    min_df: int = 2
    C: float = 30.0
    classifier: str = "logistic_regression"
    cv_folds: int = 5
    max_clean_false_alarm_rate: float = 0.04
    min_examples_per_label: int = 5
    random_state: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the configuration as a JSON-ready dict."""
        data = asdict(self)
        data["word_ngram_range"] = list(self.word_ngram_range)
        data["char_ngram_range"] = list(self.char_ngram_range) if self.char_ngram_range else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainingConfig:
        """Build a configuration from :meth:`to_dict` output.

        Raises
        ------
        InvalidInputError
            If a key is not a configuration field.
        """
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise InvalidInputError(
                f"Unknown training settings {sorted(unknown)}; valid: {sorted(cls.__dataclass_fields__)}."
            )
        values = dict(data)
        for key in ("word_ngram_range", "char_ngram_range"):
            if values.get(key) is not None:
                values[key] = tuple(values[key])
        return cls(**values)


def build_pipeline(config: TrainingConfig | None = None) -> Any:
    """Build the unfitted scikit-learn pipeline.

    Parameters
    ----------
    config : TrainingConfig, optional
        Settings; defaults to ``TrainingConfig()``.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``preprocess`` -> ``features`` -> ``classifier``.
    """
    from sklearn.pipeline import Pipeline

    config = config or TrainingConfig()
    return Pipeline([("preprocess", _lemmatizer(config)), *_model_steps(config)])


_LEMMATIZERS = ("lookup", "spacy")


def _lemmatizer(config: TrainingConfig) -> Any:
    if config.lemmatizer == "lookup":
        return LookupLemmatizer(spacy_model=config.spacy_model)
    if config.lemmatizer == "spacy":
        return FrenchLemmatizer(spacy_model=config.spacy_model)
    raise InvalidInputError(f"lemmatizer must be one of {_LEMMATIZERS}, got {config.lemmatizer!r}.")


def _model_steps(config: TrainingConfig) -> list[tuple[str, Any]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import FeatureUnion

    features = [
        (
            "words",
            TfidfVectorizer(
                token_pattern=r"\S+",
                lowercase=False,
                ngram_range=config.word_ngram_range,
                min_df=config.min_df,
                sublinear_tf=True,
                dtype=_float32(),
            ),
        )
    ]
    if config.char_ngram_range:
        features.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=config.char_ngram_range,
                    min_df=config.min_df,
                    sublinear_tf=True,
                    dtype=_float32(),
                ),
            )
        )
    return [("features", FeatureUnion(features)), ("classifier", OneVsRestClassifier(_linear_model(config)))]


_CLASSIFIERS = ("logistic_regression", "linear_svc", "sgd")


def _linear_model(config: TrainingConfig) -> Any:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.svm import LinearSVC

    if config.classifier == "logistic_regression":
        return LogisticRegression(C=config.C, class_weight="balanced", solver="liblinear", max_iter=2000)
    if config.classifier == "linear_svc":
        svm = LinearSVC(C=config.C / 30, class_weight="balanced", max_iter=5000, random_state=config.random_state)
        return CalibratedClassifierCV(svm, method="sigmoid", cv=3)
    if config.classifier == "sgd":
        alpha = 1.0 / (config.C * 1000)
        return SGDClassifier(loss="log_loss", alpha=alpha, class_weight="balanced", random_state=config.random_state)
    raise InvalidInputError(f"classifier must be one of {_CLASSIFIERS}, got {config.classifier!r}.")


def _float32() -> Any:
    import numpy as np

    return np.float32


def _threshold_grid() -> Any:
    import numpy as np

    return np.round(np.arange(0.05, 0.951, 0.01), 2)


def _f1(y: Any, predicted: Any) -> float:
    tp = float((y & predicted).sum())
    denominator = float(y.sum() + predicted.sum())
    return 2 * tp / denominator if denominator else 0.0


def tune_thresholds(y_true: Any, probabilities: Any, *, max_clean_false_alarm_rate: float = 0.04) -> list[float]:
    """Choose one threshold per label from out-of-fold probabilities.

    Each label first gets the threshold that maximises its F1. Then, while
    more than ``max_clean_false_alarm_rate`` of the clean emails get a flag,
    the threshold whose next step up removes the most clean false alarms per
    point of F1 lost is raised.

    Parameters
    ----------
    y_true : array-like of shape (n_emails, n_labels)
        Gold 0/1 indicators.
    probabilities : array-like of shape (n_emails, n_labels)
        Out-of-fold probabilities.
    max_clean_false_alarm_rate : float, default 0.04
        Target share of clean emails with at least one flag.

    Returns
    -------
    list of float
        One threshold per label.
    """
    import numpy as np

    y_true = np.asarray(y_true, dtype=bool)
    probabilities = np.asarray(probabilities, dtype=float)
    grid = _threshold_grid()
    n_labels = y_true.shape[1]
    f1_table = np.array([[_f1(y_true[:, j], probabilities[:, j] >= t) for t in grid] for j in range(n_labels)])
    # Ties go to the highest threshold: fewer false alarms at equal F1.
    chosen = [len(grid) - 1 - int(np.argmax(f1_table[j, ::-1])) for j in range(n_labels)]
    clean = ~y_true.any(axis=1)
    if not clean.any():
        return [float(grid[i]) for i in chosen]
    clean_probs = probabilities[clean]

    def flagged_clean(indices: Sequence[int]) -> Any:
        return (clean_probs >= grid[list(indices)]).any(axis=1)

    while flagged_clean(chosen).mean() > max_clean_false_alarm_rate:
        current = int(flagged_clean(chosen).sum())
        best, best_gain = None, 0.0
        for j in range(n_labels):
            # Jump to the next threshold that clears at least one clean false alarm.
            for step in range(chosen[j] + 1, len(grid)):
                trial = list(chosen)
                trial[j] = step
                removed = current - int(flagged_clean(trial).sum())
                if removed:
                    lost = max(f1_table[j, chosen[j]] - f1_table[j, step], 0.0)
                    gain = removed / (lost + 1e-3)
                    if gain > best_gain:
                        best, best_gain = (j, step), gain
                    break
        if best is None:
            break
        chosen[best[0]] = best[1]
    return [float(grid[i]) for i in chosen]


def _out_of_fold_probabilities(tokens: list[str], y: Any, config: TrainingConfig) -> Any:
    import numpy as np
    from sklearn.base import clone
    from sklearn.model_selection import KFold
    from sklearn.pipeline import Pipeline

    template = Pipeline(_model_steps(config))
    folds = KFold(n_splits=config.cv_folds, shuffle=True, random_state=config.random_state)
    probabilities = np.zeros(y.shape, dtype=float)
    tokens_array = np.asarray(tokens, dtype=object)
    for train_idx, held_out in folds.split(tokens_array):
        fold_model = clone(template).fit(tokens_array[train_idx], y[train_idx])
        probabilities[held_out] = fold_model.predict_proba(tokens_array[held_out])
    return probabilities


def train(
    data: object,
    *,
    text_col: str = "text",
    labels_col: str = "labels",
    config: TrainingConfig | None = None,
    labels: Sequence[str] | None = None,
    model_version: str | None = None,
) -> FlagClassifier:
    """Train a red-flag classifier on labeled emails.

    Parameters
    ----------
    data : pandas.DataFrame, str or Path
        Labeled emails: a frame or a ``.csv`` / ``.jsonl`` file in the
        TAXONOMY format (``text``, and ``labels`` as ``a|b`` or a JSON list).
    text_col, labels_col : str
        Column names.
    config : TrainingConfig, optional
        Settings; defaults to ``TrainingConfig()``.
    labels : sequence of str, optional
        Train only these labels (default: the whole taxonomy). Each needs at
        least ``config.min_examples_per_label`` positive emails.
    model_version : str, optional
        Name recorded in the model; defaults to ``custom-<date>``.

    Returns
    -------
    FlagClassifier
        The fitted model. ``model.metadata.metrics["cross_validation"]`` holds
        the out-of-fold report (optimistic: thresholds were tuned on it).

    Raises
    ------
    InvalidInputError
        Bad data (see :func:`clientflags.load_dataset`), or too few examples of a label.

    Examples
    --------
    >>> import clientflags
    >>> model = clientflags.train("data/train.jsonl")  # doctest: +SKIP
    >>> model.save("models/mine.joblib")  # doctest: +SKIP
    """
    import numpy as np
    import sklearn
    import spacy

    config = config or TrainingConfig()
    _lemmatizer(config)  # an unknown lemmatizer fails before any data is read
    if config.classifier not in _CLASSIFIERS:
        raise InvalidInputError(f"classifier must be one of {_CLASSIFIERS}, got {config.classifier!r}.")
    label_ids = validate_label_ids(labels) if labels is not None else LABEL_IDS
    if not label_ids:
        raise InvalidInputError("labels is empty; name at least one label id to train.")
    frame = load_dataset(data, text_col=text_col, labels_col=labels_col)
    y = label_matrix(frame["labels"], label_ids)
    counts = dict(zip(label_ids, y.sum(axis=0).tolist(), strict=False))
    needed = max(config.min_examples_per_label, config.cv_folds)
    if config.classifier == "linear_svc":
        # Its probabilities are calibrated by an inner 3-fold split of every training fold.
        needed = max(needed, 4 * config.cv_folds)
    too_few = {label: n for label, n in counts.items() if n < needed}
    if too_few:
        raise InvalidInputError(
            f"Too few examples for {too_few} (need at least {needed} emails per label). Add labeled "
            "emails, or train only the labels you have with labels=[...] (CLI: --labels a,b)."
        )
    if len(frame) < 2 * config.cv_folds:
        raise InvalidInputError(f"At least {2 * config.cv_folds} emails are needed to train, got {len(frame)}.")

    if config.strip_replies:
        from clientflags.emails import clean_body

        texts = [prepare_text(clean_body(text)[0].text).text for text in frame["text"]]
    else:
        texts = [prepare_text(text).text for text in frame["text"]]
    # The lexicon is learned from every training text once (it never sees labels), then
    # the folds below fit and score the model part only.
    lemmatizer = _lemmatizer(config).fit(texts)
    tokens = lemmatizer.transform(texts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        probabilities = _out_of_fold_probabilities(tokens, y, config)
    thresholds = tune_thresholds(y, probabilities, max_clean_false_alarm_rate=config.max_clean_false_alarm_rate)
    from sklearn.pipeline import Pipeline

    fitted = Pipeline(_model_steps(config)).fit(np.asarray(tokens, dtype=object), y)
    pipeline = Pipeline([("preprocess", lemmatizer), *fitted.steps])
    scorer = LinearScorer.from_pipeline(pipeline)

    version = model_version or f"custom-{_dt.date.today().isoformat()}"
    predicted = (probabilities >= np.asarray(thresholds)).astype(int)
    cv_report = report_from_predictions(y, predicted, label_ids, thresholds, version)
    metadata = ModelMetadata(
        model_version=version,
        labels=tuple(label_ids),
        thresholds=dict(zip(label_ids, thresholds, strict=False)),
        clientflags_version=__version__,
        sklearn_version=sklearn.__version__,
        spacy_version=spacy.__version__,
        spacy_model=config.spacy_model,
        spacy_model_version=_spacy_model_version(config.spacy_model),
        trained_at=_dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        training_data_sha256=dataset_sha256(frame),
        n_train=len(frame),
        config=config.to_dict(),
        metrics={"cross_validation": cv_report.summary()},
    )
    return FlagClassifier(pipeline, metadata, scorer=scorer)


def _spacy_model_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name.replace("_", "-"))
    except metadata.PackageNotFoundError:
        return "unknown"
