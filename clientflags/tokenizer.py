"""A fast French tokenizer and sentence splitter in pure Python.

spaCy's tokenizer is excellent but importing spaCy alone takes over a second,
and the fast path (:class:`clientflags.lookup.LookupLemmatizer`) must classify
an email in well under a millisecond. One regular expression does the work
that matters for the features: elisions (``l'acompte`` -> ``l'`` ``acompte``),
inverted pronouns (``pouvez-vous`` -> ``pouvez`` ``vous``), numbers with their
units, dates, times, URLs, email addresses, emoji and punctuation runs.

:func:`split_sentences` applies the rule of spaCy's ``sentencizer`` to these
tokens (a sentence ends after a sentence-final mark, at the next token that is
not punctuation), and every line break ends a sentence too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import accumulate
from typing import NamedTuple

__all__ = [
    "TokenInfo",
    "match_ends",
    "raw_tokens",
    "sentence_offsets",
    "sentence_runs",
    "split_sentences",
    "token_info",
    "tokenize",
]

# Words come first (most tokens are words) and fail fast when followed by "'" or "."
# so that elisions, abbreviations and sentence-final words get the alternatives after them.
# Abbreviations, as in spaCy's French exceptions: titles, months, and any single letter ("G. Martin").
_COMMON = r"""
    (?P<word>[^\W\d_]++(?:-(?!(?:t-)?(?:CLITICS)\b)[^\W\d_]++)*+)(?![.'])
    |(?P<newline>\n)
    |(?P<elision>(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)'(?=[^\W\d_]))
    |(?P<abbreviation>(?:mme|mlle|mm|dr|pr|ste|st|cf|janv|f[ée]vr|avr|juil|sept|oct|nov|d[ée]c|[^\W\d_])\.(?!\w))
    |(?P<word_before_mark>aujourd'hui|[^\W\d_]+(?:-(?!(?:t-)?(?:CLITICS)\b)[^\W\d_]+)*)
    |-(?:t-)?(?P<clitic>(?:CLITICS))\b
    |(?P<date>\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?(?![\d/.-]*\d))
    |(?P<number>\d+(?:[.,]\d+)*(?:k?€|[^\W\d_]+\d*)?)
    |(?P<marks>[!?]+)
    |(?P<ellipsis>\.{2,})
    |(?P<other>[^\w\s])
"""
# Pronouns that follow a verb with a hyphen ("pouvez-vous", "dites-moi", "a-t-il") are tokens of their own.
_CLITICS = "je|tu|il|elle|on|nous|vous|ils|elles|moi|toi|lui|leur|leurs|y|en|le|la|les|ce"
_LINKS = r"""
    (?P<url>(?:https?://|www\.)[^\s<>"]*[^\s<>".,;:!?)\]'])
    |(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
    |"""
# Alternatives are written as named groups for reading. The compiled patterns drop the names and
# every capture, so re.findall returns whole matches in C: naming the alternative of every match
# from Python costs twice the matching itself, and token_info() tells them apart from the string.
_FLAT = re.compile(r"\(\?P<\w+>")


def _token_pattern(alternatives: str) -> re.Pattern[str]:
    body = _FLAT.sub("(?:", alternatives.replace("CLITICS", _CLITICS))
    # Blanks before a token belong to its match: a blank that fails every alternative costs more,
    # and with no character left between matches, their lengths give the offsets.
    return re.compile(r"[^\S\n]*(?:" + body + ")", re.VERBOSE | re.IGNORECASE)


_TOKEN = _token_pattern(_LINKS + _COMMON)
# Most emails hold no link: without the two link patterns, matching runs faster.
_TOKEN_NO_LINKS = _token_pattern(_COMMON)
_LINK_HINT = re.compile(r"@|://|www\.", re.IGNORECASE)
_URL_STARTS = ("http://", "https://", "www.")
_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?")
_BLANKS = "".join(chr(c) for c in range(0x3000 + 1) if chr(c).isspace() and chr(c) != "\n")
# spaCy's sentencizer list, restricted to the marks French emails use.
_SENTENCE_FINAL = frozenset("!.?‼‽⁇⁈⁉！．？｡。")
_REPEATABLE_FINAL = frozenset("!?")
# The sentencizer rule on one letter per token (n: line break, f: final mark, p: other
# punctuation, w: anything else): a sentence ends after a final mark, at the next token that is
# not punctuation, and at every line break.
_SENTENCE = re.compile(r"[^n]*?f[fp]*(?=w)|[^n]+")


class TokenInfo(NamedTuple):
    """What one matched string of :func:`raw_tokens` is."""

    token: str
    """The token: the match without its leading blanks (and a clitic without its hyphen)."""
    kind: str
    """As in :func:`tokenize`."""
    shift: int
    """Where the token starts inside the match."""
    boundary: str
    """Its letter for the sentence rule: ``n`` line break, ``f`` final mark, ``p`` punctuation, ``w`` other."""


_INFO_CACHE: dict[str, TokenInfo] = {}
_INFO_CACHE_LIMIT = 200_000


def tokenize(text: str) -> list[tuple[str, str, int]]:
    """Split a prepared text into tokens.

    Parameters
    ----------
    text : str
        A text from :func:`clientflags.preprocessing.prepare_text`.

    Returns
    -------
    list of tuple of (str, str, int)
        ``(token, kind, start offset)`` per token. Kinds: ``"newline"``, ``"url"``,
        ``"email"``, ``"date"``, ``"number"`` (digits, possibly with a glued
        unit such as ``15h30``), ``"word"``, ``"punct"``, ``"emoji"``.

    Examples
    --------
    >>> [t for t, _, _ in tokenize("Pouvez-vous régler l'acompte de 1 500 € ?")]
    ['Pouvez', 'vous', 'régler', "l'", 'acompte', 'de', '1', '500', '€', '?']
    """
    raws = raw_tokens(text)
    infos = _infos(raws)
    ends = match_ends(text, raws)
    return [
        (info.token, info.kind, end - len(raw) + info.shift) for raw, info, end in zip(raws, infos, ends, strict=True)
    ]


def raw_tokens(text: str) -> list[str]:
    """Return the matches of the token pattern in a text, leading blanks included.

    Parameters
    ----------
    text : str
        A prepared text.

    Returns
    -------
    list of str
        One string per token; :func:`token_info` says what each is.
    """
    pattern = _TOKEN if _LINK_HINT.search(text) else _TOKEN_NO_LINKS
    return pattern.findall(text)


def match_ends(text: str, raws: list[str]) -> list[int]:
    """Give the end offset of each match of :func:`raw_tokens` in its text.

    Parameters
    ----------
    text : str
        The text.
    raws : list of str
        ``raw_tokens(text)``.

    Returns
    -------
    list of int
        One offset per match (a token ends where its match ends).
    """
    ends = list(accumulate(map(len, raws)))
    if text.startswith("".join(raws)):
        return ends
    # Some character fits no alternative ("_" alone) and was skipped: look each match up in turn.
    ends, end, find = [], 0, text.find
    for raw in raws:
        end = find(raw, end) + len(raw)
        ends.append(end)
    return ends


def token_info(raw: str) -> TokenInfo:
    """Say what one match of :func:`raw_tokens` is.

    Every alternative of the pattern starts with characters no later one
    starts with (links, which could start like a word, are tried first), so
    the string alone tells which one matched.

    Parameters
    ----------
    raw : str
        One string of :func:`raw_tokens`.

    Returns
    -------
    TokenInfo
        The token, its kind, its position in ``raw`` and its sentence-rule letter.
    """
    token = raw.lstrip(_BLANKS)  # never strips a line break: _BLANKS leaves "\n" out
    lower, first = token.lower(), token[0]
    long = len(token) > 1
    if token == "\n":
        kind = "newline"
    elif long and lower.startswith(_URL_STARTS):
        kind = "url"
    elif long and "@" in token:
        kind = "email"
    elif long and first == "-":
        token, kind = token.rsplit("-", 1)[1], "word"
    elif first.isdecimal():
        kind = "date" if _DATE.fullmatch(token) else "number"
    elif first in "!?" or (long and first == "."):
        kind = "punct"
    elif not long and not first.isalnum():
        kind = _symbol_kind(token)
    else:
        kind = "word"
    if kind == "newline":
        boundary = "n"
    elif kind == "punct":
        boundary = "f" if token in _SENTENCE_FINAL or set(token) <= _REPEATABLE_FINAL else "p"
    else:
        boundary = "w"
    info = TokenInfo(token, kind, len(raw) - len(token), boundary)
    if len(_INFO_CACHE) > _INFO_CACHE_LIMIT:
        _INFO_CACHE.clear()
    _INFO_CACHE[raw] = info
    return info


def _infos(raws: list[str]) -> list[TokenInfo]:
    return [_INFO_CACHE.get(raw) or token_info(raw) for raw in raws]


def _symbol_kind(char: str) -> str:
    return "emoji" if unicodedata.category(char) == "So" or 0x1F300 <= ord(char) <= 0x1FAFF else "punct"


def split_sentences(text: str) -> list[tuple[int, int]]:
    r"""Split a text into sentences and lines, as character offsets.

    Emails put greetings, requests and signatures on lines of their own, so
    every line break ends a sentence; inside a line, the rule of spaCy's
    ``sentencizer`` applies: a sentence ends after a final mark (``.``, ``!``,
    ``?``), at the next token that is not punctuation.

    Parameters
    ----------
    text : str
        A prepared text.

    Returns
    -------
    list of (int, int)
        ``(start, end)`` offsets of each non-empty sentence, in order.

    Examples
    --------
    >>> text = "Bonjour,\nMerci pour tout. À bientôt !"
    >>> [text[a:b] for a, b in split_sentences(text)]
    ['Bonjour,', 'Merci pour tout.', 'À bientôt !']
    """
    raws = raw_tokens(text)
    infos = _infos(raws)
    runs = sentence_runs("".join([info.boundary for info in infos]))
    return sentence_offsets(runs, raws, infos, match_ends(text, raws))


def sentence_runs(boundaries: str) -> list[tuple[int, int]]:
    """Find the sentences of a tokenised text (the rule of :func:`split_sentences`).

    Parameters
    ----------
    boundaries : str
        One letter per token: :attr:`TokenInfo.boundary`.

    Returns
    -------
    list of (int, int)
        ``(first token, last token + 1)`` per sentence.
    """
    return [match.span() for match in _SENTENCE.finditer(boundaries)]


def sentence_offsets(
    runs: list[tuple[int, int]], raws: list[str], infos: Sequence[TokenInfo], ends: list[int]
) -> list[tuple[int, int]]:
    """Turn token runs into character offsets.

    Parameters
    ----------
    runs : list of (int, int)
        From :func:`sentence_runs`.
    raws, infos, ends : list
        The matches, :func:`token_info` of each, and :func:`match_ends`.

    Returns
    -------
    list of (int, int)
        ``(start, end)`` per run.
    """
    return [(ends[first] - len(raws[first]) + infos[first].shift, ends[last - 1]) for first, last in runs]
