"""The fast lemmatizer: spaCy's knowledge, distilled into lookup tables at fit time.

Running spaCy's morphologizer on every email is what makes the naive pipeline
slow, and importing spaCy alone costs over a second. :class:`LookupLemmatizer`
runs spaCy once, when it is fitted: every word form of the training emails
gets the lemma and part of speech spaCy gives it most often in context, and
forms never seen in training fall back to the lemma table of the spaCy
model's own lemmatizer. At transform time it needs neither spaCy nor
scikit-learn: :mod:`clientflags.tokenizer` splits the text, two dictionary
lookups give each token its lemma, and the same feature rules as
:class:`~clientflags.preprocessing.FrenchLemmatizer`
(:func:`~clientflags.preprocessing.tokens_to_features`) produce the features.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from clientflags.errors import InvalidInputError
from clientflags.preprocessing import LemmatizerParams, Token, features_by_span, plain_feature, strip_accents
from clientflags.tokenizer import (
    TokenInfo,
    match_ends,
    raw_tokens,
    sentence_offsets,
    sentence_runs,
    token_info,
)

__all__ = ["LookupLemmatizer", "spacy_hash"]

_MASK = (1 << 64) - 1
_M = 0xC6A4A7935BD1E995
# Number words spaCy's French ``like_num`` knows; "un"/"une" are articles far more often.
_NUMBER_WORDS = frozenset(
    "deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize vingt trente "
    "quarante cinquante soixante septante huitante nonante cent cents mille million millions milliard".split()
)
_VERB_ENDINGS = ("er", "ir", "re", "oir")
_MEMO_LIMIT = 200_000


def spacy_hash(text: str) -> int:
    """Return spaCy's 64-bit hash of a string (MurmurHash64A, seed 1).

    spaCy keys its lookup tables by this hash; computing it here lets the
    fast path read a table without importing spaCy.

    Parameters
    ----------
    text : str
        Any string.

    Returns
    -------
    int
        The same value as ``spacy.strings.hash_string(text)``.
    """
    data = text.encode("utf-8")
    length = len(data)
    h = (1 ^ (length * _M)) & _MASK
    full = length - length % 8
    for i in range(0, full, 8):
        k = (int.from_bytes(data[i : i + 8], "little") * _M) & _MASK
        k ^= k >> 47
        h ^= (k * _M) & _MASK
        h = (h * _M) & _MASK
    if length % 8:
        h ^= int.from_bytes(data[full:], "little")
        h = (h * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    return h ^ (h >> 47)


class LookupLemmatizer(LemmatizerParams):
    r"""scikit-learn transformer: French texts -> normalised lemma strings, fast.

    Same output format and feature rules as
    :class:`~clientflags.preprocessing.FrenchLemmatizer` (lemmas without
    accents, ``neg_`` scope, number tokens), but spaCy runs only in
    :meth:`fit`: it learns a lexicon (form -> most frequent lemma and part of
    speech in the training emails) and copies the lemma table of the spaCy
    model's lemmatizer for unseen forms. :meth:`transform` is pure Python.

    Parameters
    ----------
    spacy_model : str, default "fr_core_news_sm"
        spaCy pipeline that teaches the lexicon at fit time.
    mark_negation, normalize_numbers, mark_participles : bool
        As in :class:`~clientflags.preprocessing.FrenchLemmatizer`.
    batch_size : int, default 256
        Batch size for ``nlp.pipe`` during :meth:`fit`.

    Attributes
    ----------
    lexicon\_ : dict
        ``form -> (lemma, part of speech, is a number word, is a past participle)``.
    lemma_table\_ : dict
        ``spacy_hash(form) -> lemma`` for forms outside the lexicon.

    Examples
    --------
    >>> lem = LookupLemmatizer().fit(["Je ne paierai pas l'acompte."])  # doctest: +SKIP
    >>> lem.transform(["Je ne paierai pas l'acompte de 1 500 €."])  # doctest: +SKIP
    ['je payer pas neg_acompte de _montant_']
    """

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "lexicon_")

    def fit(self, X: Iterable[str], y: object = None) -> LookupLemmatizer:
        """Learn the lexicon from texts with the spaCy pipeline.

        Parameters
        ----------
        X : iterable of str
            Prepared texts (labels are not used).
        y : object
            Ignored.

        Returns
        -------
        LookupLemmatizer
            ``self``.
        """
        import spacy

        from clientflags.preprocessing import FrenchLemmatizer, _lemma_lookup, load_nlp

        teacher = FrenchLemmatizer(spacy_model=self.spacy_model)
        seen: defaultdict[str, Counter[tuple[str, str, bool, bool]]] = defaultdict(Counter)
        texts = [x if isinstance(x, str) else "" for x in X]
        for doc in load_nlp(self.spacy_model).pipe(texts, batch_size=self.batch_size):
            for tok in doc:
                raw, lower, lemma, pos, kind, participle = teacher._token(tok)
                if kind in ("word", "number"):
                    seen[lower][(lemma, pos, kind == "number", participle)] += 1
        self.lexicon_ = {form: counts.most_common(1)[0][0] for form, counts in seen.items()}
        # All of it is kept (about 200,000 forms, 2.5 MB compressed): dropping the forms whose
        # lemma the model never uses would send them to the fallback, and a form can be a feature.
        shared: dict[str, str] = {}  # one string object per lemma: a smaller pickle
        self.lemma_table_ = {
            int(key): shared.setdefault(lemma, lemma)
            for key, value in _lemma_lookup(self.spacy_model).items()
            for lemma in (strip_accents(str(value[0] if isinstance(value, list) else value).lower()),)
        }
        self.spacy_version_ = spacy.__version__
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "lexicon_"):
            raise InvalidInputError("This LookupLemmatizer is not fitted yet; call fit(texts) first.")

    def transform(self, X: Iterable[str]) -> list[str]:
        """Lemmatise and normalise texts (no spaCy involved).

        Parameters
        ----------
        X : iterable of str
            Prepared texts (see :func:`~clientflags.preprocessing.prepare_text`).

        Returns
        -------
        list of str
            One token string per text.
        """
        self._check_fitted()
        return [" ".join(f for _, _, f in self.sentences(x if isinstance(x, str) else "") if f) for x in X]

    def fit_transform(self, X: Iterable[str], y: object = None) -> list[str]:
        """Fit and transform in one call."""
        texts = list(X)
        return self.fit(texts, y).transform(texts)

    def tokens(self, text: str) -> list[Token]:
        """Tokenise and lemmatise one text into the tuples the feature rules read.

        Parameters
        ----------
        text : str
            A prepared text.

        Returns
        -------
        list of tuple
            ``(text, lower, lemma, pos, kind, past_participle)`` per token.
        """
        self._check_fitted()
        return [entry[0] for entry in self._entries_of(raw_tokens(text))]

    def sentences(self, text: str) -> list[tuple[int, int, str]]:
        """Split a text into sentences and give each its feature string.

        The text is tokenised once. A text's features are its sentences'
        features joined (negation scopes end with the sentence anyway), so one
        pass gives both the email's features and, for evidence, those of each
        sentence classified alone.

        Parameters
        ----------
        text : str
            A prepared text.

        Returns
        -------
        list of (int, int, str)
            ``(start, end, features)`` per sentence, as in
            :func:`clientflags.tokenizer.split_sentences`.
        """
        self._check_fitted()
        raws = raw_tokens(text)
        entries = self._entries_of(raws)
        infos = [entry[1] for entry in entries]
        runs = sentence_runs("".join([info.boundary for info in infos]))
        offsets = sentence_offsets(runs, raws, infos, match_ends(text, raws))
        features = features_by_span(
            [entry[0] for entry in entries],
            runs,
            mark_negation=self.mark_negation,
            normalize_numbers=self.normalize_numbers,
            mark_participles=self.mark_participles,
            plain=[entry[2] for entry in entries],
        )
        return [(start, end, text) for (start, end), text in zip(offsets, features, strict=True)]

    def _entries_of(self, raws: list[str]) -> list[tuple[Token, TokenInfo, tuple[str, ...] | None]]:
        """Lemmatised token, :func:`token_info` and :func:`plain_feature` of each matched string."""
        memo = self.__dict__.get("_entries")
        if memo is None or len(memo) > _MEMO_LIMIT or self._entries_participles != self.mark_participles:
            memo = self._entries = {}
            self._entries_participles = self.mark_participles
        # Token strings repeat across emails: their kind and lemma are resolved once.
        entries = list(map(memo.get, raws))
        if None in entries:
            for i, entry in enumerate(entries):
                if entry is None:
                    entries[i] = memo[raws[i]] = self._entry(raws[i])
        return entries

    def _entry(self, raw: str) -> tuple[Token, TokenInfo, tuple[str, ...] | None]:
        info = token_info(raw)
        token = self._lemmatize(info.token, info.kind)
        return token, info, plain_feature(token, self.mark_participles)

    def _lemmatize(self, raw: str, kind: str) -> Token:
        if kind == "word":
            return self._word(raw)
        if kind == "number" or kind == "date":
            lower = raw.lower()
            return (raw, lower, lower, "NUM", "word", False)
        if kind == "newline":
            return (raw, raw, raw, "SPACE", "newline", False)
        if kind == "punct" and not unicodedata.category(raw[0]).startswith("P") and raw[0] not in "!?.":
            # Symbols (€, %, +) are words to spaCy, not punctuation.
            known = self.lexicon_.get(raw) or (raw, "SYM", False, False)
            return (raw, raw, known[0], known[1], "word", False)
        return (raw, raw, raw, "PUNCT", kind, False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_entries", None)
        state.pop("_entries_participles", None)
        return state

    def _word(self, raw: str) -> Token:
        lower = raw.lower()
        known = self.lexicon_.get(lower) or self._unseen(lower)
        lemma, pos, is_number, participle = known
        return (raw, lower, lemma, pos, "number" if is_number else "word", participle)

    def _unseen(self, lower: str) -> tuple[str, str, bool, bool]:
        lemma = self.lemma_table_.get(spacy_hash(lower))
        if lemma is None:
            return strip_accents(lower), "NOUN", lower in _NUMBER_WORDS, False
        pos = "VERB" if lemma != strip_accents(lower) and lemma.endswith(_VERB_ENDINGS) else "NOUN"
        return lemma, pos, lower in _NUMBER_WORDS, False
