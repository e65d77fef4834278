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

__all__ = ["sentence_bounds", "split_sentences", "tokenize"]

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
# Spaces are skipped inside the match: a space that fails every alternative costs more.
_TOKEN = re.compile(r"[^\S\n]*(?:" + (_LINKS + _COMMON).replace("CLITICS", _CLITICS) + ")", re.VERBOSE | re.IGNORECASE)
# Most emails hold no link: without the two link patterns, matching runs faster.
_TOKEN_NO_LINKS = re.compile(r"[^\S\n]*(?:" + _COMMON.replace("CLITICS", _CLITICS) + ")", re.VERBOSE | re.IGNORECASE)
_LINK_HINT = re.compile(r"@|://|www\.", re.IGNORECASE)
_KINDS = {
    "newline": "newline",
    "elision": "word",
    "abbreviation": "word",
    "word": "word",
    "word_before_mark": "word",
    "clitic": "word",
    "date": "date",
    "number": "number",
    "marks": "punct",
    "ellipsis": "punct",
    "url": "url",
    "email": "email",
}
# spaCy's sentencizer list, restricted to the marks French emails use.
_SENTENCE_FINAL = frozenset("!.?‼‽⁇⁈⁉！．？｡。")
_REPEATABLE_FINAL = frozenset("!?")


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
    pattern = _TOKEN if _LINK_HINT.search(text) else _TOKEN_NO_LINKS
    # One comprehension over the matches: this runs for every token of every email.
    return [
        (match.group(name), _KINDS[name] if name != "other" else _symbol_kind(match.group(name)), match.start(name))
        for match in pattern.finditer(text)
        for name in (match.lastgroup,)
    ]


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
    return [(start, end) for start, end, _, _ in sentence_bounds(tokenize(text))]


def sentence_bounds(tokens: list[tuple[str, str, int]]) -> list[tuple[int, int, int, int]]:
    """Find the sentences of a tokenised text (the rule of :func:`split_sentences`).

    Parameters
    ----------
    tokens : list of tuple
        The output of :func:`tokenize`.

    Returns
    -------
    list of (int, int, int, int)
        ``(start offset, end offset, first token, last token + 1)`` per sentence.
    """
    bounds: list[tuple[int, int, int, int]] = []
    start = end = first = -1
    seen_final = False
    for i, (token, kind, offset) in enumerate(tokens):
        if kind == "newline":
            if start >= 0:
                bounds.append((start, end, first, i))
            start, seen_final = -1, False
            continue
        # "!!!" is one token here and three in spaCy, where each is final; "..." is not final in either.
        is_final = kind == "punct" and (token in _SENTENCE_FINAL or set(token) <= _REPEATABLE_FINAL)
        if start < 0:
            start, first = offset, i
        elif seen_final and kind != "punct":
            bounds.append((start, end, first, i))
            start, first, seen_final = offset, i, False
        if is_final:
            seen_final = True
        end = offset + len(token)
    if start >= 0:
        bounds.append((start, end, first, len(tokens)))
    return bounds
