"""Score emails with a trained linear pipeline using numpy only.

A fitted clientflags pipeline is preprocessing -> ``TfidfVectorizer`` on word
n-grams -> one linear model per label. Its arithmetic is small: count the
known n-grams, weight them by ``1 + log(count)`` and IDF, normalise, take one
dot product per label and a sigmoid. :class:`LinearScorer` copies the fitted
numbers out of scikit-learn and does exactly that, so that classifying needs
neither scikit-learn (two seconds to import) nor SciPy sparse matrices
(costly for one short email). Tests check it agrees with the pipeline's
``predict_proba``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

__all__ = ["LinearScorer"]


class LinearScorer:
    """The numeric part of a fitted pipeline, evaluated with numpy.

    Build one with :meth:`from_pipeline`; it holds the pipeline's fitted
    preprocessing step and copies of the vectorizer's vocabulary and IDF and of
    the linear models' weights.

    Parameters
    ----------
    preprocess : object
        The fitted preprocessing step (its ``transform`` turns texts into
        space-separated tokens).
    vocabulary : sequence of str
        Feature names, in column order.
    idf : numpy.ndarray
        Inverse document frequencies, shape ``(n_features,)``.
    coef : numpy.ndarray
        Weights, shape ``(n_features, n_labels)``.
    intercept : numpy.ndarray
        Shape ``(n_labels,)``.
    ngram_range : tuple of int
        The vectorizer's n-gram sizes.
    sublinear_tf : bool
        Whether term counts are replaced by ``1 + log(count)``.
    """

    def __init__(
        self,
        preprocess: Any,
        vocabulary: Sequence[str],
        idf: Any,
        coef: Any,
        intercept: Any,
        ngram_range: tuple[int, int],
        sublinear_tf: bool,
    ) -> None:
        self.preprocess = preprocess
        self.vocabulary = list(vocabulary)
        self.idf = idf
        self.coef = coef
        self.intercept = intercept
        self.ngram_range = tuple(ngram_range)
        self.sublinear_tf = sublinear_tf
        self._index = {term: j for j, term in enumerate(self.vocabulary)}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["_index"]  # rebuilt on load: smaller file, same speed
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._index = {term: j for j, term in enumerate(self.vocabulary)}

    @classmethod
    def from_pipeline(cls, pipeline: Any) -> LinearScorer | None:
        """Copy the numbers out of a fitted clientflags pipeline.

        Parameters
        ----------
        pipeline : sklearn.pipeline.Pipeline
            Steps ``preprocess`` -> ``features`` (a FeatureUnion holding only
            the word ``TfidfVectorizer``) -> ``classifier`` (a
            ``OneVsRestClassifier`` of models with ``coef_`` whose
            probabilities are a sigmoid of the decision function: logistic
            regression, or SGD with the logistic loss).

        Returns
        -------
        LinearScorer or None
            None when the pipeline holds anything else (character n-grams, a
            calibrated SVM...): such models keep using scikit-learn.
        """
        import numpy as np

        steps = getattr(pipeline, "named_steps", {})
        if set(steps) != {"preprocess", "features", "classifier"}:
            return None
        transformers = steps["features"].transformer_list
        if len(transformers) != 1 or transformers[0][0] != "words":
            return None
        vectorizer = transformers[0][1]
        if vectorizer.analyzer != "word" or vectorizer.norm != "l2" or not vectorizer.use_idf:
            return None
        if vectorizer.token_pattern != r"\S+" or vectorizer.lowercase or vectorizer.stop_words:
            return None
        estimators = getattr(steps["classifier"], "estimators_", [])
        if len(estimators) < 2 or not all(_is_logistic(e) for e in estimators):
            return None
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
        coef = np.stack([np.ravel(e.coef_) for e in estimators], axis=1)
        intercept = np.array([float(np.ravel(e.intercept_)[0]) for e in estimators])
        return cls(
            steps["preprocess"],
            terms,
            np.asarray(vectorizer.idf_, dtype=np.float64),
            coef,
            intercept,
            vectorizer.ngram_range,
            bool(vectorizer.sublinear_tf),
        )

    @property
    def n_labels(self) -> int:
        """Number of output columns."""
        return int(self.coef.shape[1])

    def _ids_by_order(self, tokens: list[str]) -> list[list[int | None]]:
        """Feature ids of a token list, one list per n-gram size, indexed by the n-gram's first token."""
        get = self._index.get
        low, high = self.ngram_range
        # map() and zip() walk the n-grams in C: cheaper than skipping the unknown ones in Python.
        return [
            list(map(get, tokens if n == 1 else map(" ".join, zip(*(tokens[k:] for k in range(n)), strict=False))))
            for n in range(low, high + 1)
        ]

    def _scores(self, id_lists: list[list[int]]) -> Any:
        """Decision values of texts given as lists of feature ids (repeats counted)."""
        import numpy as np

        n_texts = len(id_lists)
        scores = np.tile(self.intercept, (n_texts, 1))
        lengths = np.fromiter(map(len, id_lists), dtype=np.int64, count=n_texts)
        total = int(lengths.sum())
        if not total:
            return scores
        ids = np.fromiter(chain.from_iterable(id_lists), dtype=np.int64, count=total)
        # One key per (text, feature): np.unique counts the repeats of the whole batch at once, sorted by text.
        n_features = len(self.idf)
        keys, repeats = np.unique(
            np.repeat(np.arange(n_texts, dtype=np.int64), lengths) * n_features + ids, return_counts=True
        )
        row_ids, cols = np.divmod(keys, n_features)
        tf = repeats.astype(np.float64)
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[cols]
        norms = np.sqrt(np.bincount(row_ids, weights=values * values, minlength=n_texts))
        values /= norms[row_ids]
        # Rows are contiguous: one reduceat sums each row's contributions for every label at once.
        starts = np.flatnonzero(np.r_[True, row_ids[1:] != row_ids[:-1]])
        scores[row_ids[starts]] += np.add.reduceat(self.coef[cols] * values[:, None], starts, axis=0)
        return scores

    def decision_function(self, token_strings: Iterable[str]) -> Any:
        """Return the linear models' decision values for preprocessed texts.

        Parameters
        ----------
        token_strings : iterable of str
            Outputs of the preprocessing step.

        Returns
        -------
        numpy.ndarray
            Shape ``(n_texts, n_labels)``.
        """
        return self._scores([_present(self._ids_by_order(tokens.split())) for tokens in token_strings])

    def predict_proba(self, texts: Iterable[str]) -> Any:
        """Return per-label probabilities, as the pipeline's ``predict_proba``.

        Parameters
        ----------
        texts : iterable of str
            Prepared texts.

        Returns
        -------
        numpy.ndarray
            Shape ``(n_texts, n_labels)``.
        """
        return self.probabilities(self.preprocess.transform(list(texts)))

    @property
    def splits_sentences(self) -> bool:
        """True when the preprocessing step gives per-sentence features in the same pass."""
        return hasattr(self.preprocess, "sentences")

    def probabilities(self, token_strings: Iterable[str]) -> Any:
        """Return per-label probabilities for preprocessed texts (sigmoid of the decision values)."""
        return _sigmoid(self.decision_function(token_strings))

    def analyse(self, texts: Sequence[str]) -> Analysis:
        """Score texts and keep what scoring their sentences alone needs.

        Parameters
        ----------
        texts : sequence of str
            Prepared texts.

        Returns
        -------
        Analysis
            ``probabilities`` of shape ``(n_texts, n_labels)``, ``sentences``
            (per text, ``(start, end, features)`` per sentence) and
            :meth:`Analysis.sentence_probabilities`.

        Raises
        ------
        clientflags.errors.InvalidInputError
            If the preprocessing step cannot split sentences (see :attr:`splits_sentences`).
        """
        if not self.splits_sentences:
            from clientflags.errors import InvalidInputError

            raise InvalidInputError("This model's preprocessing does not give per-sentence features.")
        sentences = [self.preprocess.sentences(text) for text in texts]
        # A text's features are its sentences' features joined, so each sentence is a run of the
        # text's tokens and its n-grams are the text's n-grams that start and end inside that run.
        orders = [
            self._ids_by_order([t for _, _, f in text_sentences for t in f.split()]) for text_sentences in sentences
        ]
        probabilities = _sigmoid(self._scores([_present(o) for o in orders]))
        return Analysis(self, probabilities, sentences, orders)

    def contributions(
        self, token_string: str, column: int, n: int | None = 10, *, positive_only: bool = True
    ) -> list[tuple[str, float]]:
        """Return the features of one text that pushed one output's score up the most.

        Each contribution is the feature's TF-IDF value in this text times its
        weight: the contributions, plus the intercept, sum to the decision
        value whose sigmoid is the score.

        Parameters
        ----------
        token_string : str
            One output of the preprocessing step.
        column : int
            Label position.
        n : int or None, default 10
            How many features (None: all).
        positive_only : bool, default True
            Keep only the features that raise the score.

        Returns
        -------
        list of (str, float)
            ``(feature, contribution)``, largest first.
        """
        import numpy as np

        found = _present(self._ids_by_order(token_string.split()))
        if not found:
            return []
        columns, counts = np.unique(np.asarray(found), return_counts=True)
        tf = np.log(counts) + 1.0 if self.sublinear_tf else counts.astype(np.float64)
        values = tf * self.idf[columns]
        values /= np.sqrt((values * values).sum())
        weights = values * self.coef[columns, column]
        order = np.argsort(weights)[::-1]
        kept = [k for k in order if weights[k] > 0 or not positive_only][:n]
        return [(self.vocabulary[columns[k]], float(weights[k])) for k in kept]

    def top_terms(self, column: int, n: int = 15) -> list[tuple[str, float]]:
        """Return the ``n`` features with the largest weight for one output column.

        Parameters
        ----------
        column : int
            Label position.
        n : int, default 15
            How many terms.

        Returns
        -------
        list of (str, float)
            ``(term, weight)``, largest first.
        """
        import numpy as np

        weights = self.coef[:, column]
        order = np.argsort(weights)[::-1][:n]
        return [(self.vocabulary[j], round(float(weights[j]), 4)) for j in order]


def _is_logistic(estimator: Any) -> bool:
    name = type(estimator).__name__
    if name == "LogisticRegression":
        return True
    return name == "SGDClassifier" and getattr(estimator, "loss", "") == "log_loss"


def _present(orders: list[list[int | None]]) -> list[int]:
    return [j for order in orders for j in order if j is not None]


def _sigmoid(decision: Any) -> Any:
    """Turn decision values into probabilities, as scikit-learn's logistic models do."""
    import numpy as np

    return 1.0 / (1.0 + np.exp(-decision))


class Analysis:
    """Scores of a batch of texts, and the means to score their sentences alone without re-reading them.

    Built by :meth:`LinearScorer.analyse`.

    Attributes
    ----------
    probabilities : numpy.ndarray
        Shape ``(n_texts, n_labels)``.
    sentences : list of list of (int, int, str)
        Per text, ``(start, end, features)`` per sentence.
    """

    def __init__(self, scorer: LinearScorer, probabilities: Any, sentences: list[Any], orders: list[Any]) -> None:
        self.scorer = scorer
        self.probabilities = probabilities
        self.sentences = sentences
        self._orders = orders

    def sentence_probabilities(self, indices: Sequence[int]) -> list[list[tuple[int, int, Any]]]:
        """Score each sentence of the given texts on its own.

        Parameters
        ----------
        indices : sequence of int
            Positions of texts in the batch.

        Returns
        -------
        list of list of (int, int, numpy.ndarray)
            Per text, ``(start, end, probabilities)`` per sentence.
        """
        id_lists, spans = [], []
        low = self.scorer.ngram_range[0]
        for i in indices:
            orders, first = self._orders[i], 0
            text_spans = []
            for start, end, features in self.sentences[i]:
                last = first + len(features.split())
                # An n-gram of size n starting at token p lies in [first, last) when p <= last - n.
                id_lists.append(
                    [
                        j
                        for n, order in enumerate(orders, low)
                        for j in order[first : max(first, last - n + 1)]
                        if j is not None
                    ]
                )
                text_spans.append((start, end))
                first = last
            spans.append(text_spans)
        probabilities = iter(_sigmoid(self.scorer._scores(id_lists))) if id_lists else iter(())
        return [[(a, b, next(probabilities)) for a, b in text_spans] for text_spans in spans]
