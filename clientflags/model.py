"""The classifier: results, the saved artifact, and the bundled default model.

A :class:`FlagClassifier` holds a fitted scikit-learn ``Pipeline`` (French
preprocessing -> TF-IDF features -> one logistic regression per label), the
per-label thresholds tuned at training time, and its :class:`ModelMetadata`.
When the pipeline allows it, it also holds a
:class:`~clientflags.scoring.LinearScorer`, the same arithmetic in numpy,
which classifies without importing scikit-learn.
Thresholds are applied here, by our own code, to the per-label probabilities
(scikit-learn's ``OneVsRestClassifier`` would ignore thresholds tuned inside
it).

Artifact format
---------------
A model is saved as two files with one stem: ``NAME.joblib`` (a dict with the
format version, the metadata, the :class:`~clientflags.scoring.LinearScorer`
and the pipeline pickled into bytes, so that loading the model does not
import scikit-learn until the pipeline is asked for) and ``NAME.json`` (the
same metadata, readable without unpickling). :meth:`FlagClassifier.load`
reads and checks the JSON before it unpickles anything. Format 1 (the
pipeline alone, clientflags 0.1 before the fast path) still loads.

Bump :data:`FORMAT_VERSION` whenever the layout of the joblib dict changes in
a way older code cannot read, and keep a loader for the old layout.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from clientflags import __version__
from clientflags.emails import clean_body
from clientflags.errors import InvalidInputError, InvalidTypeError, ModelLoadError
from clientflags.preprocessing import MAX_CHARS, ensure_texts, prepare_text, split_sentences
from clientflags.taxonomy import LABEL_IDS, TAXONOMY_VERSION, get_label

__all__ = [
    "BUNDLED_MODEL",
    "FORMAT_VERSION",
    "Classification",
    "Evidence",
    "Flag",
    "FlagClassifier",
    "ModelMetadata",
    "classify",
    "classify_frame",
    "classify_many",
    "default_model",
    "explain",
    "load",
]

FORMAT_VERSION = 2
_READABLE_FORMATS = (1, 2)
BUNDLED_MODEL = "flags-fr-v0.3.0"
_MAGIC = "clientflags-model"
_MAX_EVIDENCE = 3
_HTML_WARNING = "HTML markup was removed before classification."


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence that carries a flag on its own.

    Attributes
    ----------
    text : str
        The sentence.
    start, end : int
        Character offsets of the sentence in the text the model read (the
        input after HTML removal and whitespace normalisation; for plain text
        with single spaces, the input itself).
    score : float
        The label's probability for this sentence classified alone; at least
        the label's threshold.
    """

    text: str
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class Flag:
    """One red flag raised on an email.

    Attributes
    ----------
    label : str
        Taxonomy id, e.g. ``"late_payment"``.
    name : str
        French display name, e.g. ``"Mauvais payeur"``.
    score : float
        The model's probability for this label, in [0, 1].
    threshold : float
        The per-label threshold the score passed.
    evidence : tuple of Evidence
        The sentences that raise this label on their own, strongest first (at
        most three). Empty when the flag comes from the email as a whole.
    """

    label: str
    name: str
    score: float
    threshold: float
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Classification:
    """The result of classifying one email.

    Attributes
    ----------
    flags : tuple of Flag
        Labels whose score passed their threshold, highest score first.
    scores : Mapping[str, float]
        Every label id -> probability, in taxonomy order (read-only).
    model_version : str
        The model that produced the result.
    warnings : tuple of str
        What was done to the input (HTML removed, truncated, not French...).
    removed : tuple of str
        What was taken out of the text before classifying it, among
        ``"quote"``, ``"forward"``, ``"signature"``, ``"mobile_footer"`` and
        ``"disclaimer"`` (see :func:`clientflags.emails.strip_reply`).
    """

    flags: tuple[Flag, ...]
    scores: Mapping[str, float]
    model_version: str
    warnings: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """Ids of the raised flags, highest score first."""
        return tuple(flag.label for flag in self.flags)

    @property
    def evidence(self) -> Mapping[str, tuple[Evidence, ...]]:
        """Raised label id -> the sentences that carry it, strongest first."""
        return MappingProxyType({flag.label: flag.evidence for flag in self.flags})

    @property
    def flagged(self) -> bool:
        """True when at least one flag was raised."""
        return bool(self.flags)

    @property
    def is_clean(self) -> bool:
        """True when no flag was raised."""
        return not self.flags

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict.

        Returns
        -------
        dict
            ``labels``, ``flagged``, ``flags`` (with French names, scores and
            thresholds), ``scores``, ``model_version``, ``warnings`` and ``removed``.
        """
        return {
            "labels": list(self.labels),
            "flagged": self.flagged,
            "flags": [asdict(flag) for flag in self.flags],
            "scores": dict(self.scores),
            "model_version": self.model_version,
            "warnings": list(self.warnings),
            "removed": list(self.removed),
        }

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # A mappingproxy cannot be pickled, and results travel between processes (n_jobs, Dask).
        state = (self.flags, dict(self.scores), self.model_version, self.warnings, self.removed)
        return (_restore_classification, state)

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.label} {f.score:.2f}" for f in self.flags)
        return f"Classification(flags=[{shown}], model={self.model_version})"


def _restore_classification(
    flags: tuple[Flag, ...],
    scores: dict[str, float],
    model_version: str,
    warnings: tuple[str, ...],
    removed: tuple[str, ...] = (),
) -> Classification:
    return Classification(flags, MappingProxyType(scores), model_version, warnings, removed)


@dataclass(frozen=True, slots=True)
class ModelMetadata:
    """Everything known about a trained model, stored beside it.

    Attributes
    ----------
    model_version : str
        Name of the model, also the stem of its files.
    labels : tuple of str
        Label ids, in the order of the model's outputs.
    thresholds : Mapping[str, float]
        Per-label decision thresholds.
    format_version : int
        Layout version of the artifact (see :data:`FORMAT_VERSION`).
    clientflags_version, taxonomy_version, sklearn_version, spacy_version : str
        Versions the model was trained with.
    spacy_model, spacy_model_version : str
        The spaCy pipeline used for preprocessing (by name; never pickled).
    trained_at : str
        ISO timestamp (UTC) of training.
    training_data_sha256 : str
        Hash of the training texts and labels.
    n_train : int
        Number of training emails.
    config : Mapping[str, Any]
        The training configuration.
    metrics : Mapping[str, Any]
        Headline metrics measured at training time (cross-validation, test file).
    """

    model_version: str
    labels: tuple[str, ...]
    thresholds: Mapping[str, float]
    format_version: int = FORMAT_VERSION
    clientflags_version: str = __version__
    taxonomy_version: str = TAXONOMY_VERSION
    sklearn_version: str = ""
    spacy_version: str = ""
    spacy_model: str = ""
    spacy_model_version: str = ""
    trained_at: str = ""
    training_data_sha256: str = ""
    n_train: int = 0
    config: Mapping[str, Any] = field(default_factory=dict)
    metrics: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the metadata as a JSON-ready dict."""
        data = asdict(self)
        data["labels"] = list(self.labels)
        data["thresholds"] = dict(self.thresholds)
        data["config"] = dict(self.config)
        data["metrics"] = dict(self.metrics)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelMetadata:
        """Build metadata from :meth:`to_dict` output, ignoring unknown keys."""
        known = {name for name in cls.__dataclass_fields__}
        values = {key: value for key, value in data.items() if key in known}
        values["labels"] = tuple(values.get("labels", ()))
        values["thresholds"] = dict(values.get("thresholds", {}))
        return cls(**values)


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


class FlagClassifier:
    """A trained multi-label red-flag classifier.

    Build one with :func:`clientflags.train`, or load one with
    :meth:`FlagClassifier.load` / :func:`clientflags.load`.

    Parameters
    ----------
    pipeline : sklearn.pipeline.Pipeline
        Fitted pipeline whose ``predict_proba`` returns one column per label.
    metadata : ModelMetadata
        Labels, thresholds and provenance.
    scorer : LinearScorer, optional
        The pipeline's arithmetic in numpy; built from ``pipeline`` when
        omitted (None if the pipeline has parts it cannot copy, such as
        character n-grams or a calibrated SVM).
    """

    def __init__(self, pipeline: Any, metadata: ModelMetadata, *, scorer: Any = None) -> None:
        missing = [label for label in metadata.labels if label not in metadata.thresholds]
        if missing:
            raise InvalidInputError(f"Thresholds are missing for labels {missing}.")
        self._pipeline = pipeline
        self._pipeline_pickle: bytes | None = None
        if scorer is None and pipeline is not None:
            from clientflags.scoring import LinearScorer

            scorer = LinearScorer.from_pipeline(pipeline)
        self.scorer = scorer
        self.metadata = metadata
        self._thresholds = tuple(float(metadata.thresholds[label]) for label in metadata.labels)
        self._names = tuple(get_label(label).name for label in metadata.labels)

    @classmethod
    def _from_saved(cls, pipeline_pickle: bytes, metadata: ModelMetadata, scorer: Any) -> FlagClassifier:
        model = cls(None, metadata, scorer=scorer)
        model._pipeline_pickle = pipeline_pickle
        return model

    @property
    def pipeline(self) -> Any:
        """The fitted scikit-learn pipeline (unpickled on first access after loading)."""
        if self._pipeline is None and self._pipeline_pickle is not None:
            pipeline = pickle.loads(self._pipeline_pickle)
            if pipeline.steps[0][0] != "preprocess":  # saved without the step the scorer holds
                from sklearn.pipeline import Pipeline

                pipeline = Pipeline([("preprocess", self.scorer.preprocess), *pipeline.steps])
            self._pipeline = pipeline
        return self._pipeline

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if state["_pipeline_pickle"] is not None:
            state["_pipeline"] = None  # still bytes: worker processes need not import scikit-learn
        return state

    @property
    def labels(self) -> tuple[str, ...]:
        """Label ids, in output order."""
        return self.metadata.labels

    @property
    def thresholds(self) -> Mapping[str, float]:
        """Per-label decision thresholds (read-only)."""
        return MappingProxyType(dict(self.metadata.thresholds))

    @property
    def version(self) -> str:
        """The model version string."""
        return self.metadata.model_version

    def __repr__(self) -> str:
        return f"FlagClassifier(model_version={self.version!r}, labels={len(self.labels)})"

    def predict_proba(self, texts: Iterable[str]) -> Any:
        """Return per-label probabilities for prepared texts.

        Parameters
        ----------
        texts : iterable of str
            Texts already passed through :func:`~clientflags.preprocessing.prepare_text`.

        Returns
        -------
        numpy.ndarray
            Shape ``(n_texts, n_labels)``, columns in :attr:`labels` order.
        """
        import numpy as np

        texts = list(texts)
        if not texts:
            return np.zeros((0, len(self.labels)))
        if self.scorer is not None:
            return self.scorer.predict_proba(texts)
        return np.asarray(self.pipeline.predict_proba(texts), dtype=float)

    def _result(
        self, probabilities: Sequence[float], warnings: tuple[str, ...], removed: tuple[str, ...] = ()
    ) -> Classification:
        scores = dict(zip(self.labels, (round(float(p), 6) for p in probabilities), strict=True))
        flags = [
            Flag(label, name, score, threshold)
            for label, name, score, threshold in zip(
                self.labels, self._names, scores.values(), self._thresholds, strict=True
            )
            if score >= threshold
        ]
        if len(flags) > 1:
            flags.sort(key=lambda flag: flag.score, reverse=True)
        return Classification(tuple(flags), MappingProxyType(scores), self.version, warnings, removed)

    def _empty_result(self, warnings: tuple[str, ...], removed: tuple[str, ...] = ()) -> Classification:
        empty = MappingProxyType(dict.fromkeys(self.labels, 0.0))
        return Classification((), empty, self.version, warnings, removed)

    def classify(self, text: str, *, max_chars: int = MAX_CHARS, strip_replies: bool = True) -> Classification:
        """Classify one email body.

        Parameters
        ----------
        text : str
            What the client wrote. HTML is stripped; empty text gives a clean result.
        max_chars : int, default 20000
            Longer texts are truncated (the result's ``warnings`` says so).
        strip_replies : bool, default True
            Drop quoted older messages, forwarded messages, signatures, mobile
            footers and disclaimers first (the result's ``removed`` says
            what); False classifies the raw text.

        Returns
        -------
        Classification
            Flags, scores for every label, and warnings.

        Raises
        ------
        clientflags.errors.InvalidTypeError
            If ``text`` is not a str.
        """
        return self.classify_many([text], max_chars=max_chars, strip_replies=strip_replies, argument="text")[0]

    def classify_many(
        self,
        texts: Iterable[str],
        *,
        batch_size: int = 256,
        max_chars: int = MAX_CHARS,
        evidence: bool = True,
        n_jobs: int = 1,
        strip_replies: bool = True,
        argument: str = "texts",
    ) -> list[Classification]:
        """Classify many email bodies, in batches.

        Parameters
        ----------
        texts : iterable of str
            A list, tuple, generator or pandas Series of texts.
        batch_size : int, default 256
            Number of texts sent through the pipeline at once.
        max_chars : int, default 20000
            Per-text truncation limit.
        evidence : bool, default True
            Find the sentences behind each flag (costs a second pass over the
            sentences of flagged emails only).
        n_jobs : int, default 1
            Worker processes for large batches (``-1``: one per CPU). Results
            are identical to ``n_jobs=1``; below a few thousand texts the cost
            of starting workers outweighs the gain.
        strip_replies : bool, default True
            Drop quoted older messages, signatures, footers and disclaimers
            first (each result's ``removed`` says what).
        argument : str, default "texts"
            Name used in error messages.

        Returns
        -------
        list of Classification
            One result per text, in the input order.

        Raises
        ------
        clientflags.errors.InvalidTypeError
            If ``texts`` is a single str, or an item is not a str (the message
            gives its position).
        """
        items = ensure_texts(texts, argument=argument)
        if batch_size < 1:
            raise InvalidInputError(f"batch_size must be a positive integer, got {batch_size!r}.")
        workers = _worker_count(n_jobs)
        options = {"max_chars": max_chars, "evidence": evidence, "strip_replies": strip_replies}
        if workers > 1 and len(items) >= 2 * batch_size:
            return self._classify_in_workers(items, workers, batch_size, options, argument)
        prepared = []
        removed: list[tuple[str, ...]] = []
        for position, item in enumerate(items):
            name = argument if argument == "text" else f"{argument}[{position}]"
            if strip_replies and isinstance(item, str):
                new_text, was_html = clean_body(item)
                ready = prepare_text(new_text.text, max_chars=max_chars, argument=name)
                if was_html:
                    ready = replace(ready, warnings=(_HTML_WARNING, *ready.warnings))
                prepared.append(ready)
                removed.append(new_text.removed)
            else:
                prepared.append(prepare_text(item, max_chars=max_chars, argument=name))
                removed.append(())
        results: list[Classification] = []
        for start in range(0, len(prepared), batch_size):
            batch = prepared[start : start + batch_size]
            batch_removed = removed[start : start + batch_size]
            non_empty = [p.text for p in batch if p.text]
            analysis: Any = None
            if self.scorer is not None and self.scorer.splits_sentences and non_empty:
                # One pass gives the email's scores and what scoring its sentences alone needs.
                analysis = self.scorer.analyse(non_empty)
                batch_probabilities = analysis.probabilities
            else:
                batch_probabilities = self.predict_proba(non_empty)
            probabilities = iter(batch_probabilities)
            batch_results = [
                self._result(next(probabilities), p.warnings, cut) if p.text else self._empty_result(p.warnings, cut)
                for p, cut in zip(batch, batch_removed, strict=True)
            ]
            if evidence:
                positions: list[int | None] | None = None
                if analysis is not None:
                    counter = iter(range(len(non_empty)))
                    positions = [next(counter) if p.text else None for p in batch]
                batch_results = self._with_evidence(batch_results, [p.text for p in batch], analysis, positions)
            results.extend(batch_results)
        return results

    def _classify_in_workers(
        self, items: list[object], workers: int, batch_size: int, options: dict[str, Any], argument: str
    ) -> list[Classification]:
        import multiprocessing

        # Type errors are raised here, with the item's position in the whole batch.
        for position, item in enumerate(items):
            if not isinstance(item, str):
                prepare_text(item, argument=f"{argument}[{position}]")
        size = -(-len(items) // workers)
        bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
        global _FORKED_JOB
        if "fork" in multiprocessing.get_all_start_methods():
            # Forked workers inherit the model and the texts: nothing is pickled on the way in.
            _FORKED_JOB = (self, items, batch_size, options)
            try:
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message=".*fork.*", category=DeprecationWarning)
                    with multiprocessing.get_context("fork").Pool(len(bounds) - 1) as pool:
                        # This process takes the first slice itself: one result set less to send back.
                        others = pool.map_async(_classify_forked_slice, bounds[1:], chunksize=1)
                        parts = [_classify_forked_slice(bounds[0]), *others.get()]
            finally:
                _FORKED_JOB = None
        else:
            from joblib import Parallel, delayed

            # Workers need only the numpy scorer: the pickled pipeline would double the payload.
            shipped = FlagClassifier(None, self.metadata, scorer=self.scorer) if self.scorer is not None else self
            parts = Parallel(n_jobs=workers)(
                delayed(_classify_chunk)(shipped, items[a:b], batch_size, options) for a, b in bounds
            )
        return [result for part in parts for result in part]

    def _with_evidence(
        self,
        results: list[Classification],
        texts: list[str],
        analysis: Any = None,
        positions: list[int | None] | None = None,
    ) -> list[Classification]:
        """Attach to each flag the sentences that carry it alone (only flagged emails pay for this)."""
        flagged = [i for i, result in enumerate(results) if result.flags]
        if not flagged:
            return results
        if analysis is not None and positions is not None:
            per_text = analysis.sentence_probabilities([positions[i] for i in flagged])
            sentence_scores = {
                i: [((a, b), p) for a, b, p in scored] for i, scored in zip(flagged, per_text, strict=True)
            }
        else:
            sentence_scores = self._pipeline_sentence_scores(results, texts, flagged)
        column = {label: j for j, label in enumerate(self.labels)}
        for i in flagged:
            scored = sentence_scores[i]
            flags = []
            for flag in results[i].flags:
                j = column[flag.label]
                carrying = sorted(
                    (
                        Evidence(texts[i][a:b], a, b, round(float(p[j]), 6))
                        for (a, b), p in scored
                        if p[j] >= flag.threshold
                    ),
                    key=lambda ev: ev.score,
                    reverse=True,
                )
                # Direct construction: dataclasses.replace() costs several times more, on every flagged email.
                flags.append(Flag(flag.label, flag.name, flag.score, flag.threshold, tuple(carrying[:_MAX_EVIDENCE])))
            result = results[i]
            results[i] = Classification(
                tuple(flags), result.scores, result.model_version, result.warnings, result.removed
            )
        return results

    def _pipeline_sentence_scores(
        self, results: list[Classification], texts: list[str], flagged: list[int]
    ) -> dict[int, list[tuple[tuple[int, int], Any]]]:
        spans = {i: split_sentences(texts[i]) for i in flagged}
        # A one-sentence email is its own evidence: reuse its scores instead of classifying it twice.
        whole = {i for i in flagged if spans[i] == [(0, len(texts[i]))]}
        sentences = [texts[i][a:b] for i in flagged if i not in whole for a, b in spans[i]]
        probabilities = iter(self.predict_proba(sentences)) if sentences else iter(())
        return {
            i: [(spans[i][0], [results[i].scores[label] for label in self.labels])]
            if i in whole
            else [(span, next(probabilities)) for span in spans[i]]
            for i in flagged
        }

    def explain(self, text: str, label: str, *, n: int = 10, strip_replies: bool = True) -> list[tuple[str, float]]:
        """Say which terms of one email pushed a label's score up.

        Parameters
        ----------
        text : str
            The email body, as given to :meth:`classify`.
        label : str
            A label id of this model.
        n : int, default 10
            How many terms.
        strip_replies : bool, default True
            Strip quotes and signatures first, as :meth:`classify` does.

        Returns
        -------
        list of (str, float)
            ``(term, contribution)``, largest first: the term's TF-IDF value in
            this email times its weight for the label (only terms that raise the
            score). Terms are model tokens: lemmas without accents, ``neg_`` for
            words in a negation, ``_montant_`` and ``_num_<unit>`` for numbers.

        Raises
        ------
        clientflags.errors.InvalidInputError
            If the model has no such label, or is not a linear model clientflags
            can read (character n-grams, calibrated SVM).

        Examples
        --------
        >>> from clientflags.model import default_model
        >>> default_model().explain("Pas d'acompte, je paie à la livraison.", "refuses_deposit")[:2]  # doctest: +SKIP
        [('neg_acompte', 1.93), ('livraison', 1.21)]
        """
        self._check_label(label)
        if self.scorer is None:
            raise InvalidInputError(
                "explain() needs a model of word n-grams and logistic regressions (the default); this one uses "
                "character n-grams or a calibrated SVM. Use top_terms() for its global weights."
            )
        if strip_replies and isinstance(text, str):
            text = clean_body(text)[0].text
        prepared = prepare_text(text, argument="text").text
        if not prepared:
            return []
        (features,) = self.scorer.preprocess.transform([prepared])
        return [
            (term, round(value, 4)) for term, value in self.scorer.contributions(features, self.labels.index(label), n)
        ]

    def _check_label(self, label: str) -> None:
        if label not in self.labels:
            get_label(label)  # raises with the closest id when the id is unknown
            raise InvalidInputError(f"This model was not trained for {label!r}; its labels: {', '.join(self.labels)}.")

    def top_terms(self, label: str, n: int = 15) -> list[tuple[str, float]]:
        """Return the features that push a label's score up the most.

        Parameters
        ----------
        label : str
            A label id of this model.
        n : int, default 15
            How many terms to return.

        Returns
        -------
        list of (str, float)
            ``(term, weight)`` pairs, largest logistic-regression weight first.
            Terms are model tokens: lemmas without accents, ``neg_`` for words
            in a negation, ``_montant_`` and ``_num_<unit>`` for numbers.

        Raises
        ------
        clientflags.errors.UnknownLabelError
            If the model has no such label.
        """
        import numpy as np

        self._check_label(label)
        if self.scorer is not None:
            return self.scorer.top_terms(self.labels.index(label), n)
        features = self.pipeline.named_steps["features"]
        estimator = self.pipeline.named_steps["classifier"].estimators_[self.labels.index(label)]
        names = [name.split("__", 1)[-1] for name in features.get_feature_names_out()]
        if hasattr(estimator, "calibrated_classifiers_"):  # a calibrated SVM: average its folds' weights
            weights = np.mean([np.ravel(c.estimator.coef_) for c in estimator.calibrated_classifiers_], axis=0)
        else:
            weights = np.ravel(estimator.coef_)
        order = np.argsort(weights)[::-1][:n]
        return [(names[i], round(float(weights[i]), 4)) for i in order]

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> Path:
        """Save the model as ``PATH`` (joblib) plus a ``.json`` metadata sidecar.

        Parameters
        ----------
        path : str or Path
            Target file; ``.joblib`` is appended if it has no suffix. Missing
            parent folders are created.

        Returns
        -------
        Path
            The path of the joblib file.
        """
        import joblib

        path = Path(path)
        if path.suffix != ".joblib":
            path = path.with_name(path.name + ".joblib")
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "magic": _MAGIC,
            "format_version": FORMAT_VERSION,
            "metadata": self.metadata.to_dict(),
            # Pickled apart: joblib's own unpickler is slow on the scorer's large dicts, pickle's is not.
            "scorer": pickle.dumps(self.scorer, protocol=pickle.HIGHEST_PROTOCOL) if self.scorer is not None else None,
            "pipeline": self._pipeline_pickle or self._pickle_pipeline(),
        }
        joblib.dump(payload, path, compress=3)
        path.with_suffix(".json").write_text(
            json.dumps(self.metadata.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return path

    def _pickle_pipeline(self) -> bytes:
        pipeline = self.pipeline
        preprocess = pipeline.steps[0][1] if self.scorer is not None else None
        if preprocess is not None and preprocess is self.scorer.preprocess:
            # The scorer holds the same preprocessing step (lexicon and lemma table): store it once.
            pipeline = pipeline[1:]
        return pickle.dumps(pipeline, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: str | Path) -> FlagClassifier:
        """Load a model saved by :meth:`save`, checking its metadata first.

        Only load models you trust: a joblib file runs pickle code.

        Parameters
        ----------
        path : str or Path
            The ``.joblib`` file (its ``.json`` sidecar is read if present).

        Returns
        -------
        FlagClassifier
            The model.

        Raises
        ------
        ModelLoadError
            If the file is missing, is not a clientflags model, or was made by
            an incompatible version; the message says how to fix it.
        """
        path = Path(path)
        if not path.is_file():
            raise ModelLoadError(
                f"No model file at {str(path)!r}. Train one with `clientflags train DATA -o {path}` "
                "or omit the model to use the bundled one."
            )
        sidecar = path.with_suffix(".json")
        if sidecar.is_file():
            try:
                _check_metadata(json.loads(sidecar.read_text(encoding="utf-8")), path)
            except json.JSONDecodeError as exc:
                raise ModelLoadError(f"{sidecar} is not valid JSON ({exc}); re-save the model.") from exc
        payload = _unpickle(path)
        metadata = _check_metadata(payload.get("metadata"), path)
        if payload.get("format_version") == 1:
            return cls(payload["pipeline"], metadata)
        scorer = payload.get("scorer")
        if isinstance(scorer, bytes):
            scorer = pickle.loads(scorer)
        return cls._from_saved(payload["pipeline"], metadata, scorer)


def _unpickle(path: Path) -> dict[str, Any]:
    import joblib

    try:
        payload = joblib.load(path)
    except Exception as exc:  # joblib/pickle raise many unrelated types on foreign files
        raise ModelLoadError(
            f"{str(path)!r} could not be read as a clientflags model ({type(exc).__name__}: {exc}). "
            "Was it saved with FlagClassifier.save() / `clientflags train`?"
        ) from exc
    if not isinstance(payload, dict) or payload.get("magic") != _MAGIC or "pipeline" not in payload:
        raise ModelLoadError(
            f"{str(path)!r} is not a clientflags model. Save models with FlagClassifier.save() "
            "or `clientflags train DATA -o MODEL`."
        )
    return payload


def _check_metadata(data: object, path: Path) -> ModelMetadata:
    from importlib.metadata import version

    # The installed version, read without importing scikit-learn (two seconds of start-up).
    sklearn_installed = version("scikit-learn")
    if not isinstance(data, dict) or "model_version" not in data:
        raise ModelLoadError(f"{str(path)!r} has no clientflags metadata; it is not a clientflags model.")
    fmt = data.get("format_version")
    if fmt not in _READABLE_FORMATS:
        raise ModelLoadError(
            f"{str(path)!r} uses artifact format {fmt}, this clientflags ({__version__}) reads format "
            f"{FORMAT_VERSION}. Retrain it with `clientflags train`, or install the clientflags version "
            f"that made it ({data.get('clientflags_version', 'unknown')})."
        )
    if data.get("taxonomy_version") != TAXONOMY_VERSION:
        raise ModelLoadError(
            f"{str(path)!r} was trained on taxonomy v{data.get('taxonomy_version')}, this clientflags "
            f"uses v{TAXONOMY_VERSION}. Retrain it with `clientflags train`."
        )
    unknown = [label for label in data.get("labels", []) if label not in LABEL_IDS]
    if unknown:
        raise ModelLoadError(f"{str(path)!r} predicts labels unknown to this taxonomy: {unknown}. Retrain it.")
    trained_with = data.get("sklearn_version", "")
    if trained_with and _minor(trained_with) != _minor(sklearn_installed):
        raise ModelLoadError(
            f"{str(path)!r} was trained with scikit-learn {trained_with}, but {sklearn_installed} is "
            f"installed. Install scikit-learn {_minor(trained_with)}.x, or retrain the model with "
            "`clientflags train`."
        )
    return ModelMetadata.from_dict(data)


def _worker_count(n_jobs: int) -> int:
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0 or n_jobs < -1:
        raise InvalidInputError(f"n_jobs must be a positive integer or -1 (all CPUs), got {n_jobs!r}.")
    return (os.cpu_count() or 1) if n_jobs == -1 else n_jobs


_FORKED_JOB: tuple[Any, ...] | None = None


def _classify_forked_slice(bounds: tuple[int, int]) -> list[Classification]:
    """Classify ``items[start:end]`` of the job a forked worker inherited."""
    assert _FORKED_JOB is not None, "only called in workers forked by FlagClassifier.classify_many"
    model, items, batch_size, options = _FORKED_JOB
    start, end = bounds
    return _classify_chunk(model, items[start:end], batch_size, options)


def _classify_chunk(
    model: FlagClassifier, items: list[object], batch_size: int, options: dict[str, Any]
) -> list[Classification]:
    """Classify one slice of a large batch in a worker process."""
    return model.classify_many(items, batch_size=batch_size, **options)


def sha256_of(path: str | Path) -> str:
    """Return the hex SHA-256 of a file.

    Parameters
    ----------
    path : str or Path
        Any file.

    Returns
    -------
    str
        64 hex characters.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def bundled_artifact(suffix: str = ".joblib") -> Any:
    """Return a file of the bundled model as an importlib.resources traversable.

    Parameters
    ----------
    suffix : str, default ".joblib"
        ``".joblib"`` for the model, ``".json"`` for its metadata sidecar.

    Returns
    -------
    importlib.resources.abc.Traversable
        ``clientflags/resources/model/<BUNDLED_MODEL><suffix>``.
    """
    return resources.files("clientflags.resources") / "model" / f"{BUNDLED_MODEL}{suffix}"


@functools.lru_cache(maxsize=1)
def default_model() -> FlagClassifier:
    """Return the bundled model, loaded on first use and cached.

    Returns
    -------
    FlagClassifier
        The model shipped inside the package (``clientflags/resources/model``).

    Raises
    ------
    ModelLoadError
        If the package was installed without its model file.
    """
    artifact = bundled_artifact()
    if not artifact.is_file():
        raise ModelLoadError(
            f"The bundled model {BUNDLED_MODEL} is missing from the installed package; reinstall "
            "clientflags (`pip install --force-reinstall clientflags`)."
        )
    with resources.as_file(artifact) as path:
        return FlagClassifier.load(path)


def load(path: str | Path) -> FlagClassifier:
    """Load a model saved with :meth:`FlagClassifier.save` or ``clientflags train``.

    Parameters
    ----------
    path : str or Path
        The ``.joblib`` file.

    Returns
    -------
    FlagClassifier
        The model.

    Raises
    ------
    ModelLoadError
        If the file is missing or not a compatible clientflags model.
    """
    return FlagClassifier.load(path)


def classify(
    text: str, *, model: FlagClassifier | None = None, max_chars: int = MAX_CHARS, strip_replies: bool = True
) -> Classification:
    """Classify one client email.

    Parameters
    ----------
    text : str
        The email body (French). HTML is stripped, huge texts are truncated,
        empty text gives a clean result.
    model : FlagClassifier, optional
        A model of your own; the bundled model by default.
    max_chars : int, default 20000
        Truncation limit.
    strip_replies : bool, default True
        Drop quoted older messages, signatures, mobile footers and
        disclaimers first (``removed`` says what); False keeps the raw text.

    Returns
    -------
    Classification
        ``labels``, ``scores``, ``flagged``, ``flags``, ``evidence``,
        ``warnings``, ``removed``, ``to_dict()``.

    Raises
    ------
    clientflags.errors.InvalidTypeError
        If ``text`` is not a str (e.g. bytes: decode them first).

    Examples
    --------
    >>> from clientflags import classify
    >>> r = classify("Pas d'acompte : je paierai quand j'aurai vu le résultat.")  # doctest: +SKIP
    >>> r.labels  # doctest: +SKIP
    ('refuses_deposit',)
    """
    return (model or default_model()).classify(text, max_chars=max_chars, strip_replies=strip_replies)


def explain(text: str, label: str, *, model: FlagClassifier | None = None, n: int = 10) -> list[tuple[str, float]]:
    """Say which terms of an email pushed a label's score up (see :meth:`FlagClassifier.explain`).

    Parameters
    ----------
    text : str
        The email body.
    label : str
        A label id, e.g. ``"late_payment"``.
    model : FlagClassifier, optional
        A model of your own; the bundled model by default.
    n : int, default 10
        How many terms.

    Returns
    -------
    list of (str, float)
        ``(term, contribution)``, largest first.

    Examples
    --------
    >>> from clientflags import explain
    >>> explain("Pas d'acompte, je paie à la livraison.", "refuses_deposit", n=2)  # doctest: +SKIP
    [('neg_acompte', 1.93), ('livraison', 1.21)]
    """
    return (model or default_model()).explain(text, label, n=n)


def classify_many(
    texts: Iterable[str],
    *,
    model: FlagClassifier | None = None,
    batch_size: int = 256,
    max_chars: int = MAX_CHARS,
    evidence: bool = True,
    n_jobs: int = 1,
    strip_replies: bool = True,
) -> list[Classification]:
    """Classify many client emails, batched internally.

    Parameters
    ----------
    texts : iterable of str
        A list, tuple, generator or pandas Series.
    model : FlagClassifier, optional
        A model of your own; the bundled model by default.
    batch_size : int, default 256
        Texts per batch.
    max_chars : int, default 20000
        Per-text truncation limit.
    evidence : bool, default True
        Attach evidence sentences to flags; turn off for archive-wide scans
        that only need labels and scores.
    n_jobs : int, default 1
        Worker processes for large batches (``-1``: one per CPU); the results
        are the same as with one.
    strip_replies : bool, default True
        Drop quoted older messages, signatures, footers and disclaimers first.

    Returns
    -------
    list of Classification
        One per text, same order.
    """
    return (model or default_model()).classify_many(
        texts, batch_size=batch_size, max_chars=max_chars, evidence=evidence, n_jobs=n_jobs, strip_replies=strip_replies
    )


def classify_frame(
    frame: Any,
    text_col: str = "text",
    *,
    model: FlagClassifier | None = None,
    scores: bool = False,
    strip_replies: bool = True,
) -> Any:
    """Classify a column of a pandas DataFrame and return the frame with the results added.

    Made for distributed runs: pass it to ``dask.dataframe.map_partitions``
    or, wrapped in a generator, to PySpark's ``mapInPandas`` (see the README).
    Evidence is skipped (archive scans need labels and scores).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame with a text column; missing texts count as empty.
    text_col : str, default "text"
        The column holding the email bodies.
    model : FlagClassifier, optional
        A model of your own; the bundled model by default.
    scores : bool, default False
        Also add one ``score_<label>`` column per label.
    strip_replies : bool, default True
        Drop quoted older messages, signatures and disclaimers first.

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with ``labels`` (``"a|b"``, empty when clean) and
        ``flagged`` columns, plus the score columns if asked.

    Raises
    ------
    clientflags.errors.InvalidInputError
        If ``text_col`` is not a column of ``frame``.
    """
    if not hasattr(frame, "columns") or not hasattr(frame, "copy"):
        kind = "None" if frame is None else type(frame).__name__
        raise InvalidTypeError(f"frame must be a pandas DataFrame, got {kind}.")
    if text_col not in frame.columns:
        raise InvalidInputError(f"No column {text_col!r} in the frame; pass text_col= the column of email texts.")
    chosen = model or default_model()
    texts = ["" if not isinstance(text, str) else text for text in frame[text_col].tolist()]
    results = chosen.classify_many(texts, evidence=False, strip_replies=strip_replies)
    out = frame.copy()
    out["labels"] = ["|".join(result.labels) for result in results]
    out["flagged"] = [result.flagged for result in results]
    if scores:
        for label in chosen.labels:
            out[f"score_{label}"] = [result.scores[label] for result in results]
    return out
