"""Real emails in: MIME messages, HTML, quoted replies, signatures and disclaimers.

A client's reply usually carries much more than what the client wrote: the
provider's own invoice reminder quoted below it, a signature with a phone
number, a legal disclaimer, "Envoyé de mon iPhone". Classifying all of it
would turn a polite client into a late payer because of *your* reminder. This
module finds the new text.

* :func:`parse_email` reads a raw RFC 822 message (bytes or str), an ``.eml``
  path or an :class:`email.message.Message` with the standard library's
  :mod:`email` package (MIME, charsets, quoted-printable, base64), picks the
  text/plain part (or converts text/html with Beautiful Soup, dropping quoted
  blocks such as ``blockquote`` and ``gmail_quote``), and strips the rest.
* :func:`strip_reply` does the stripping on plain text: reply headers of
  Gmail, Outlook (desktop and web), Apple Mail, Thunderbird and mobile clients
  in French and English, ``>`` quoting (including answers written between
  quoted lines), forwarded messages, signatures, mobile footers and
  confidentiality disclaimers. No maintained library did this for French mail
  (``benchmarks/compare_reply_parsers.py`` measures two of them on our
  fixtures), so these rules are ours.
* :func:`classify_email`, :func:`scan_mailbox` and :func:`summarize_by_sender`
  classify one message, a whole ``.mbox`` file or folder of ``.eml`` files,
  and sum the results up per client.
"""

from __future__ import annotations

import email
import email.policy
import mailbox
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from pathlib import Path
from typing import Any

from clientflags.errors import InvalidInputError, InvalidTypeError

__all__ = [
    "EmailClassification",
    "ParsedEmail",
    "StrippedText",
    "classify_email",
    "html_to_text",
    "parse_email",
    "scan_mailbox",
    "strip_reply",
    "summarize_by_sender",
]

# What can be removed, in the order results list it.
REMOVED_KINDS = ("quote", "forward", "signature", "mobile_footer", "disclaimer")

# --- reply headers and separators (everything after them is an older message) ---
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(message d['’]origine|original message|message original|mensaje original|mail original)\s*-{2,}\s*$"
    r"|^\s*>?\s*message du \d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}\s*$",
    re.I,
)
_FORWARD = re.compile(
    r"^\s*(-{2,}\s*(forwarded message|message transf[ée]r[ée])\s*-{2,}"
    r"|d[ée]but du message r[ée]exp[ée]di[ée]\s*:|begin forwarded message\s*:)\s*$",
    re.I,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
# A "De :" line heads a block of older message only if it names an address.
_HEADER_FROM = re.compile(r"^\s*\*?(de|from)\s*\*?\s*:\s*.*(@|<|\[mailto:)", re.I)
_HEADER_OTHER = re.compile(r"^\s*\*?(envoy[ée]|sent|date|[àa]|to|objet|subject|sujet|cc|pour)\s*\*?\s*:(\s|$)", re.I)
_ATTRIBUTION_START = re.compile(r"^\s*(le|on)\s+\S", re.I)
# "Le lun. 3 mars 2025 à 10:14, Camille <c@x.fr> a écrit :": a date or an address must be in it,
# so that prose such as "Le graphiste précédent nous a écrit :" is not taken for a reply header.
_ATTRIBUTION = re.compile(r"^\s*(le|on)\s(?=.*?(\d|@)).{4,250}?\s(a\s+[ée]crit|wrote)\s*:?\s*$", re.I | re.S)
_ATTRIBUTION_NAME = re.compile(
    r"^\s*(\d{1,2}\s+\w+\.?\s+\d{4}\s+\d{1,2}:\d{2}\s+)?\"?[^\"<>]{1,80}?\"?\s*<[^>@\s]+@[^>\s]+>\s+"
    r"(a\s+[ée]crit|wrote)\s*:?\s*$",
    re.I,
)

# --- the end of the new text ---
_SIGNATURE_DASHES = re.compile(r"^--\s?$")
_MOBILE_FOOTER = re.compile(
    r"^\s*(envoy[ée] (de|depuis|[àa] partir de) (mon|ma|un|une|l'appli(cation)?) .{2,40}"
    r"|envoy[ée] (de|depuis|[àa] partir de) (yahoo mail|courrier pour windows|outlook).*"
    r"|sent from (my|yahoo mail|outlook|mail for windows) ?.{0,40}|provenance\s*:\s*courrier pour windows.*"
    r"|(t[ée]l[ée]chargez|obten(ir|ez)) outlook pour (android|ios).*|get outlook for (android|ios).*)\s*$",
    re.I,
)
_SIGN_OFF = re.compile(
    r"^\s*(((bien|tr[èe]s|trés)\s+)?cordialement|cdt|bàv|bav|amicalement|sinc[èe]rement|respectueusement"
    r"|(bien|tr[èe]s bien)\s+[àa]\s+(vous|toi)"
    r"|(bonne|belle)\s+(fin de\s+)?(journ[ée]e|soir[ée]e|semaine|nuit|continuation)"
    r"|(sinc[èe]res\s+|meilleures\s+)?salutations|[àa]\s*\+"
    r"|[àa] (bient[ôo]t|plus|demain|tr[èe]s vite|lundi|tout [àa] l'heure)"
    r"|bises|bisous|au plaisir|(best|kind|warm)?\s*regards|cheers|thanks|thank you"
    r"|merci( beaucoup| bien| encore| d'avance| par avance| [àa] vous| [àa] toi| pour tout)?"
    r"|dans l'attente de (votre|ton) retour|je vous prie d'agr[ée]er.*|veuillez agr[ée]er.*"
    r"|amiti[ée]s|[a-zà-ÿ]+ement(?=\s*,\s*$))"
    # After the formula: at most a first name ("Cordialement, Marc").
    r"(?!\w)(\s+(et\s+)?[àa]\s+(vous|toi|tous|bient[ôo]t|demain|lundi))?"
    r"\s*[,.!]*\s*([A-ZÀ-Ý][\w'’-]*(\s[A-ZÀ-Ý][\w'’.-]*){0,2})?\s*[.!]*\s*$",
    re.I,
)
_NAME_LINE = re.compile(r"^[A-ZÀ-Ý][\w'’-]{0,20}(\s(?:[A-ZÀ-Ý]\.|[A-ZÀ-Ý][\w'’-]{0,20})){0,2}$")
# Words that can end an email on their own line and are not names.
_NOT_NAMES = frozenset(
    "merci bonjour bonsoir désolé désolée urgent bravo super parfait ok voilà voila inacceptable "
    "cordialement salut aucun souci pardon attention rappel relance".split()
)
_CONTACT = re.compile(r"@|https?://|www\.|\+?\d[\d .()-]{7,}\d|\b(sarl|sas|sasu|eurl|sa|scp|siret|rcs)\b", re.I)
_PRONOUNS = re.compile(r"\b(je|j'|nous|vous|tu|on|we|you|i|il|elle)\b", re.I)
_POSTSCRIPT = re.compile(r"^\s*p\.?\s?s\.?\s*[:.-]?\s", re.I)
_DISCLAIMER_WORDS = (
    "confidenti",
    "destinataire",
    "intended recipient",
    "interdit",
    "prohibited",
    "supprimer",
    "delete",
    "avertissement",
    "notice",
    "divulg",
    "diffusion",
    "imprim",
    "print",
    "environnement",
    "environment",
    "responsabilit",
    "liability",
    "pièces jointes",
    "attachments",
    "virus",
    "erreur",
    "in error",
)
_ABOUT_THIS_MESSAGE = re.compile(
    r"\b(ce|cet|this|le présent|le pr[ée]sent|these)\s+(message|courriel|e-?mail|mail|transmission)s?\b"
    r"|pensez [àa] l'environnement|think before (you )?print",
    re.I,
)
_QUOTE_LINE = re.compile(r"^\s*>")


@dataclass(frozen=True, slots=True)
class StrippedText:
    """The new text of a message, and what was taken out.

    Attributes
    ----------
    text : str
        What the sender wrote in this message.
    removed : tuple of str
        Kinds of content removed, among ``"quote"``, ``"forward"``,
        ``"signature"``, ``"mobile_footer"`` and ``"disclaimer"``.
    """

    text: str
    removed: tuple[str, ...] = ()


def _ordered(kinds: Iterable[str]) -> tuple[str, ...]:
    found = set(kinds)
    return tuple(kind for kind in REMOVED_KINDS if kind in found)


def _attribution_length(lines: list[str], i: int) -> int:
    """Return how many lines a reply attribution ("Le ... a écrit :") starting at ``i`` spans, or 0."""
    if _ATTRIBUTION_NAME.match(lines[i]):
        return 1
    if not _ATTRIBUTION_START.match(lines[i]):
        return 0
    # Mail clients wrap long attributions over up to four lines.
    for span in (1, 2, 3, 4):
        joined = " ".join(line.strip() for line in lines[i : i + span])
        if _ATTRIBUTION.match(joined):
            return span
    return 0


def _header_block_at(lines: list[str], i: int) -> bool:
    """Tell whether an Outlook-style header block (De : / Envoyé : / À : / Objet :) starts at line ``i``."""
    if not _HEADER_FROM.match(lines[i]):
        return False
    following = [line for line in lines[i + 1 : i + 7] if line.strip()]
    return sum(bool(_HEADER_OTHER.match(line)) for line in following[:5]) >= 2


def _cut_older_messages(lines: list[str]) -> tuple[list[str], set[str]]:
    removed: set[str] = set()
    for i, line in enumerate(lines):
        # Every separator and header holds ":" (headers, times), "--" or "__": most lines are skipped at once.
        if (":" not in line and "--" not in line and "__" not in line) or _QUOTE_LINE.match(line):
            continue
        if _FORWARD.match(line):
            return lines[:i], {"forward"}
        if _SEPARATOR.match(line) or _header_block_at(lines, i):
            return lines[:i], {"quote"}
        if _UNDERSCORES.match(line) and any(_HEADER_FROM.match(x) for x in lines[i + 1 : i + 4]):
            return lines[:i], {"quote"}
    kept: list[str] = []
    i = 0
    while i < len(lines):
        quoted = _QUOTE_LINE.match(lines[i])
        span = 0 if quoted or not _may_start_attribution(lines[i]) else _attribution_length(lines, i)
        if span:
            removed.add("quote")
            rest = [line for line in lines[i + span :] if line.strip()]
            if rest and not _QUOTE_LINE.match(rest[0]):
                # A quote without ">" marks (HTML turned into text): everything below is the older message.
                return kept, removed
            i += span
            continue
        if quoted:
            removed.add("quote")
        else:
            kept.append(lines[i])
        i += 1
    return kept, removed


def _may_start_attribution(line: str) -> bool:
    head = line.lstrip()[:3].lower()
    return head.startswith(("le ", "on ", "el ", "am ")) or "@" in line


def _is_disclaimer(paragraph: str) -> bool:
    lowered = paragraph.lower()
    # Substring checks first: the pattern is costly and most paragraphs are not disclaimers.
    if not any(word in lowered for word in ("message", "mail", "courriel", "environ", "print", "transmission")):
        return False
    if not _ABOUT_THIS_MESSAGE.search(lowered):
        return False
    hits = sum(word in lowered for word in _DISCLAIMER_WORDS)
    return hits >= 3 or (hits >= 2 and len(paragraph) < 200 and ("imprim" in lowered or "print" in lowered))


def _is_signature_line(line: str) -> bool:
    """Tell whether a line can belong to a signature: contact details, or short text that is not prose."""
    line = line.strip()
    words = len(line.split())
    if words <= 12 and _has_contact(line):
        return True
    if words >= 5 and line.endswith((".", "!", "?")):
        return False
    if words >= 4 and _PRONOUNS.search(line):
        return False
    return len(line) <= 100


_CONTACT_HINT = re.compile(r"[\d@]|www\.|http|\b(sarl|sas|sasu|eurl|sa|scp|siret|rcs)\b", re.I)


def _has_contact(line: str) -> bool:
    # A cheap look for digits, "@" or company forms first: the full pattern is slow on plain prose.
    return bool(_CONTACT_HINT.search(line)) and bool(_CONTACT.search(line))


def _paragraphs(lines: list[str]) -> list[tuple[int, int]]:
    spans, start = [], None
    for i, line in enumerate([*lines, ""]):
        if line.strip() and start is None:
            start = i
        elif not line.strip() and start is not None:
            spans.append((start, i))
            start = None
    return spans


def _signature_kinds(block: list[str]) -> set[str]:
    kinds = {"signature"}
    for start, end in _paragraphs(block):
        if _is_disclaimer(" ".join(block[start:end])):
            kinds.add("disclaimer")
    if any(_MOBILE_FOOTER.match(line) for line in block):
        kinds.add("mobile_footer")
    return kinds


def _is_lone_name(line: str) -> bool:
    line = line.strip()
    return bool(_NAME_LINE.match(line)) and not line.isupper() and line.lower() not in _NOT_NAMES


def _strip_tail(lines: list[str]) -> tuple[list[str], set[str]]:
    """Remove footers, disclaimers and the signature from the end of the new text."""
    removed: set[str] = set()
    # A postscript after the signature is the client's text: set it aside, put it back after.
    postscript_at = next((i for i, line in enumerate(lines) if line[:1] in "pP" and _POSTSCRIPT.match(line)), None)
    postscript = lines[postscript_at:] if postscript_at is not None else []
    lines = lines[:postscript_at] if postscript_at is not None else list(lines)

    def only_furniture_after(i: int) -> bool:
        return all(not x.strip() or _MOBILE_FOOTER.match(x) or _is_signature_line(x) for x in lines[i + 1 :])

    footers = [
        i
        for i, line in enumerate(lines)
        if ("nvoy" in line or "ent " in line or "outlook" in line.lower() or "rovenance" in line)
        and _MOBILE_FOOTER.match(line)
        and only_furniture_after(i)
    ]
    if footers:
        removed.add("mobile_footer")
        lines = [line for i, line in enumerate(lines) if i not in set(footers)]
    # Disclaimers close a message: walk back from the end over disclaimers and signature lines.
    for start, end in reversed(_paragraphs(lines)):
        if _is_disclaimer(" ".join(lines[start:end])):
            removed.add("disclaimer")
            lines = lines[:start] + lines[end:]
        elif not all(_is_signature_line(line) for line in lines[start:end]):
            break
    for i, line in enumerate(lines):
        if (
            line.startswith("--")
            and _SIGNATURE_DASHES.match(line)
            and all(not x.strip() or _is_signature_line(x) for x in lines[i + 1 :])
        ):
            lines, removed = lines[:i], removed | _signature_kinds(lines[i:])
            break
    content = [i for i, line in enumerate(lines) if line.strip()]
    # Walk up from the last line while what lies below still looks like a signature.
    for position, i in enumerate(reversed(content)):
        if position > 12 or (position and not _is_signature_line(lines[content[-position]])):
            break
        if _SIGN_OFF.match(lines[i]) and i != content[0]:
            lines, removed = lines[:i], removed | _signature_kinds(lines[i:])
            break
    content = [i for i, line in enumerate(lines) if line.strip()]
    if len(content) > 1 and _is_lone_name(lines[content[-1]]):
        # A first name or initials left alone on the last line ("Paul", "Ju").
        removed.add("signature")
        lines = lines[: content[-1]]
    paragraphs = _paragraphs(lines)
    if len(paragraphs) > 1:
        start, end = paragraphs[-1]
        block = [line.strip() for line in lines[start:end]]
        if (
            _is_lone_name(block[0])
            and len(block) <= 6
            and all(_is_contact_line(line) for line in block)
            and (len(block) <= 2 or any(_CONTACT.search(line) for line in block))
        ):
            # A name, a company, a phone number: a signature without a sign-off.
            removed.add("signature")
            lines = lines[:start]
    if postscript:
        lines = [*lines, "", *postscript]
    return lines, removed


def _is_contact_line(line: str) -> bool:
    return len(line) <= 60 and not line.endswith((".", "?", "!", ":")) and len(line.split()) <= 7


def strip_reply(text: str) -> StrippedText:
    r"""Keep only what the sender wrote in a plain-text email body.

    Parameters
    ----------
    text : str
        A decoded email body, possibly with quoted older messages, forwarded
        messages, a signature, a mobile footer and a disclaimer.

    Returns
    -------
    StrippedText
        The new text (surrounding blank lines removed) and the kinds of
        content removed.

    Raises
    ------
    clientflags.errors.InvalidTypeError
        If ``text`` is not a str.

    Examples
    --------
    >>> body = "Merci, je règle demain.\nCordialement,\nMarc\n\nLe 3 mars 2025, Camille <c@x.fr> a écrit :\n> Relance"
    >>> strip_reply(body)
    StrippedText(text='Merci, je règle demain.', removed=('quote', 'signature'))
    """
    if not isinstance(text, str):
        kind = "None" if text is None else type(text).__name__
        raise InvalidTypeError(f"text must be str, got {kind}.")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines, removed = _cut_older_messages(lines)
    lines, tail_removed = _strip_tail(lines)
    body = "\n".join(line.rstrip() for line in lines).strip()
    if "\n\n\n" in body:
        body = re.sub(r"\n{3,}", "\n\n", body)
    return StrippedText(body, _ordered(removed | tail_removed))


# --- HTML -----------------------------------------------------------------------
_HTML_QUOTES = (
    "blockquote[type=cite]",
    "blockquote.gmail_quote",
    "div.gmail_quote",
    "div.moz-cite-prefix",
    "div.yahoo_quoted",
    "div.protonmail_quote",
)
_HTML_SIGNATURES = ("div.gmail_signature", "div.moz-signature", "[data-smartmail=gmail_signature]")
# Outlook marks where the older message starts; everything after it in the document goes.
_HTML_CUT_POINTS = ("div#divRplyFwdMsg", "div#appendonsend", "div#mail-editor-reference-message-container")
_OUTLOOK_HEADER_STYLE = re.compile(r"border-top:\s*solid\s*#(E1E1E1|B5C4DF)", re.I)
_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr", "pre")


def _drop_from(tag: Any) -> None:
    """Remove ``tag`` and everything after it in document order."""
    node = tag
    while node is not None and getattr(node, "name", None) not in ("body", "html", "[document]"):
        for sibling in list(node.next_siblings):
            sibling.extract()
        parent = node.parent
        if node is tag:
            node.extract()
        node = parent


def html_to_text(markup: str) -> StrippedText:
    """Turn an HTML email body into the text a reader sees, without its quoted parts.

    Quoted blocks (``blockquote``, Gmail's ``gmail_quote``, Thunderbird's
    ``moz-cite-prefix``), signature blocks and everything from Outlook's reply
    header onwards are dropped before the text is taken; then
    :func:`strip_reply` handles what remains in the text itself.

    Parameters
    ----------
    markup : str
        An HTML document or fragment.

    Returns
    -------
    StrippedText
        The visible new text, one line per paragraph or ``<br>``, and the kinds
        of content removed.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    removed: set[str] = set()
    for tag in soup(["style", "script", "head", "title"]):
        tag.decompose()
    for selector in _HTML_CUT_POINTS:
        for tag in soup.select(selector):
            if tag.parent is not None:
                removed.add("quote")
                _drop_from(tag)
    for tag in soup.find_all(style=_OUTLOOK_HEADER_STYLE):
        if tag.parent is not None and re.search(r"\b(De|From)\s*:", tag.get_text()):
            removed.add("quote")
            _drop_from(tag)
    for selector in _HTML_QUOTES:
        for tag in soup.select(selector):
            removed.add("quote")
            tag.decompose()
    for tag in soup.find_all("blockquote"):
        # Gmail's "indent" button also makes a blockquote, drawn without a border: that one is the sender's text.
        if "border:none" not in (tag.get("style") or "").replace(" ", "").lower():
            removed.add("quote")
            tag.decompose()
    for selector in _HTML_SIGNATURES:
        for tag in soup.select(selector):
            removed.add("signature")
            tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    text = soup.get_text().replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    stripped = strip_reply("\n".join(lines))
    return StrippedText(stripped.text, _ordered(removed | set(stripped.removed)))


_HTML_HINT = re.compile(r"<\s*(html|body|div|p|br|blockquote|span|table)\b[^>]*>", re.I)


def clean_body(text: str) -> tuple[StrippedText, bool]:
    """Strip a body that may be HTML or plain text.

    Parameters
    ----------
    text : str
        A pasted email body.

    Returns
    -------
    tuple of (StrippedText, bool)
        The new text and what was removed, and whether the input was HTML.
    """
    if "<" in text and _HTML_HINT.search(text):
        return html_to_text(text), True
    return strip_reply(text), False


# --- MIME -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ParsedEmail:
    """One email message, decoded, with the new text its sender wrote.

    Attributes
    ----------
    new_text : str
        What the sender wrote in this message (see :func:`strip_reply`).
    removed : tuple of str
        Kinds of content removed from the body.
    sender : str
        The From address, lowercase (empty if missing).
    sender_name : str
        The From display name.
    subject : str
        The decoded subject.
    date : datetime or None
        The Date header, timezone-aware when the header has an offset.
    message_id : str
        The Message-ID header.
    body : str
        The whole decoded body (text/plain, or text/html turned into text).
    attachments : tuple of str
        File names of the attachments.
    """

    new_text: str
    removed: tuple[str, ...]
    sender: str
    sender_name: str
    subject: str
    date: datetime | None
    message_id: str
    body: str
    attachments: tuple[str, ...] = ()


def _from_bytes(data: bytes, origin: str) -> Message:
    message = email.message_from_bytes(data.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n"), policy=email.policy.default)
    if not message.keys() or b"\x00" in data[:4096]:
        raise InvalidInputError(
            f"{origin} is not an RFC 822 email message (no headers such as From: or Subject:). "
            "Pass an .eml file, raw message bytes, or an email.message.Message."
        )
    return message


def _read_message(source: object) -> Message:
    if isinstance(source, Message):
        if isinstance(source, email.message.EmailMessage) and not isinstance(source, mailbox.Message):
            return source
        # Legacy Message objects (mailbox.mbox's) lack get_body(): re-read them with the modern policy.
        return email.message_from_bytes(source.as_bytes(), policy=email.policy.default)
    if isinstance(source, (bytes, bytearray)):
        return _from_bytes(bytes(source), "These bytes")
    if isinstance(source, str):
        text = source.lstrip("\ufeff\r\n")
        if "\n" in text.strip() and re.match(r"^[\w-]+:", text):  # a raw message starts with a header
            return _from_bytes(text.encode("utf-8", "surrogateescape"), "This text")
    if isinstance(source, (str, Path)):
        if not str(source).strip("\ufeff\r\n \t"):
            raise InvalidInputError("The message is empty: pass an .eml path, raw message bytes or a Message.")
        path = Path(str(source).strip("\ufeff\r\n \t"))
        try:
            if path.is_dir():
                raise InvalidInputError(
                    f"{str(path)!r} is a folder; use scan_mailbox() (CLI: clientflags scan) for a folder of .eml files."
                )
            if not str(path) or str(path) == "." or not path.is_file():
                raise InvalidInputError(
                    f"No email file at {str(source)[:200]!r}. Pass an .eml path, the raw message (bytes, or text "
                    "starting with its headers) or an email.message.Message."
                )
            data = path.read_bytes()
        except OSError as exc:  # a very long text taken for a file name, a permission problem...
            raise InvalidInputError(
                f"Could not read an email from {str(source)[:200]!r} ({exc.strerror or exc}). Pass an .eml path, "
                "or the raw message as bytes or as text starting with its headers."
            ) from None
        return _from_bytes(data, repr(str(path)))
    kind = "None" if source is None else type(source).__name__
    raise InvalidTypeError(
        f"message must be an .eml path, raw RFC 822 bytes or str, or an email.message.Message; got {kind}."
    )


def _decode_part(part: Message) -> str:
    charset = (part.get_content_charset() or "").lower()
    try:
        text = part.get_content()
    except (LookupError, UnicodeDecodeError, AssertionError, ValueError):
        text = None
    if text is None or ("\ufffd" in text and charset in ("", "us-ascii", "ascii", "iso-8859-1", "latin-1", "utf-8")):
        # Windows mail often declares one charset and writes cp1252; an unknown charset lands here too.
        payload = part.get_payload(decode=True) or b""
        try:
            text = payload.decode(charset or "utf-8")
        except (LookupError, UnicodeDecodeError):
            text = payload.decode("cp1252", errors="replace")
    return text


def _fix_cp1252(text: str) -> str:
    # Windows mail often declares latin-1 but writes cp1252 (€ as 0x80, œ as 0x9c).
    if re.search("[\x80-\x9f]", text):
        try:
            return text.encode("latin-1").decode("cp1252")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return text
    return text


def _body_part(message: Message) -> Message | None:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is not None and part.get_content_subtype() == "plain" and not _decode_part(part).strip():
        # An empty text/plain next to an HTML part: the HTML holds the message.
        part = message.get_body(preferencelist=("html",)) or part
    if part is not None:
        return part
    for candidate in message.walk():
        if candidate.get_content_maintype() == "text" and not candidate.is_attachment():
            if candidate.get_content_subtype() in ("plain", "html"):
                return candidate
    return None


def _clean_header_text(value: str) -> str:
    # Raw 8-bit headers decode with surrogates, which pandas and UTF-8 files reject: recover the text.
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _header(message: Message, name: str) -> str:
    try:
        value = str(message.get(name) or "")
    except Exception:  # a malformed header the policy cannot parse: read it raw
        value = next((str(v) for k, v in message.raw_items() if k.lower() == name.lower()), "")
    return _clean_header_text(value).strip()


def _sender(message: Message) -> tuple[str, str]:
    try:
        header = message.get("From")
        addresses = getattr(header, "addresses", ())
        if addresses and "@" in addresses[0].addr_spec:
            return addresses[0].addr_spec.lower(), _clean_header_text(addresses[0].display_name)
    except Exception:  # malformed From: fall back to the raw text
        pass
    raw = _header(message, "From")
    found = re.search(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", raw)
    name = raw.split("<")[0].strip().strip('"') if found else raw
    return (found.group().lower() if found else ""), name


def _date(message: Message) -> datetime | None:
    try:
        header = message.get("Date")
        return getattr(header, "datetime", None)
    except Exception:  # a malformed date is no date
        return None


def parse_email(message: object) -> ParsedEmail:
    """Decode an email message and find the new text its sender wrote.

    Parameters
    ----------
    message : str, bytes, Path or email.message.Message
        An ``.eml`` path, a raw RFC 822 message, or a parsed message.

    Returns
    -------
    ParsedEmail
        The new text, what was removed, and the sender, subject, date,
        message id and attachment names.

    Raises
    ------
    clientflags.errors.InvalidInputError
        If a path does not exist.
    clientflags.errors.InvalidTypeError
        If ``message`` is of another type.

    Examples
    --------
    >>> parsed = parse_email("tests/fixtures/emails/01_nadia_gmail_fr_reply_payment_sent.eml")  # doctest: +SKIP
    >>> parsed.sender, parsed.removed  # doctest: +SKIP
    ('nadia@benali-conseil.com', ('quote', 'signature'))
    """
    msg = _read_message(message)
    part = _body_part(msg)
    body = ""
    stripped = StrippedText("")
    if part is not None:
        raw = _fix_cp1252(_decode_part(part))
        if part.get_content_subtype() == "html":
            stripped = html_to_text(raw)
            body = html_to_text_keep_all(raw)
        else:
            body = raw
            stripped = strip_reply(raw)
    sender, name = _sender(msg)
    if any(p.get_content_type() == "message/rfc822" for p in msg.walk() if p is not msg):
        # A message forwarded as an attachment is not what the sender wrote.
        stripped = StrippedText(stripped.text, _ordered({*stripped.removed, "forward"}))
    attachments = tuple(
        p.get_filename() or p.get_content_type() for p in msg.walk() if p is not msg and p.is_attachment()
    )
    return ParsedEmail(
        new_text=stripped.text,
        removed=stripped.removed,
        sender=sender,
        sender_name=name,
        subject=_header(msg, "Subject"),
        date=_date(msg),
        message_id=_header(msg, "Message-ID"),
        body=body,
        attachments=attachments,
    )


def html_to_text_keep_all(markup: str) -> str:
    """Return all the visible text of an HTML body, quotes included."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["style", "script", "head", "title"]):
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(_BLOCKS):
        tag.insert_after("\n")
    return re.sub(r"\n{3,}", "\n\n", soup.get_text().replace("\xa0", " ")).strip()


# --- classification -------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EmailClassification:
    """The classification of an email's new text, with the message's metadata.

    Attributes
    ----------
    classification : clientflags.model.Classification
        Flags, scores, evidence and warnings for the new text.
    email : ParsedEmail
        Sender, subject, date, message id, new text and what was removed.
    """

    classification: Any
    email: ParsedEmail

    @property
    def labels(self) -> tuple[str, ...]:
        """Ids of the raised flags, highest score first."""
        return self.classification.labels

    @property
    def flagged(self) -> bool:
        """True when at least one flag was raised."""
        return self.classification.flagged

    @property
    def removed(self) -> tuple[str, ...]:
        """Kinds of content removed before classifying (quote, signature...)."""
        return self.email.removed

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict: the classification plus the message's metadata."""
        data = self.classification.to_dict()
        parsed = self.email
        data.update(
            sender=parsed.sender,
            sender_name=parsed.sender_name,
            subject=parsed.subject,
            date=parsed.date.isoformat() if parsed.date else None,
            message_id=parsed.message_id,
            new_text=parsed.new_text,
            removed=list(parsed.removed),
        )
        return data


def classify_email(message: object, *, model: Any = None) -> EmailClassification:
    """Classify what the sender of an email wrote, leaving quotes and signatures out.

    Parameters
    ----------
    message : str, bytes, Path or email.message.Message
        An ``.eml`` path, a raw RFC 822 message, or a parsed message.
    model : FlagClassifier, optional
        A model of your own; the bundled model by default.

    Returns
    -------
    EmailClassification
        ``labels``, ``flagged``, ``removed``, ``classification`` (scores,
        evidence) and ``email`` (sender, date, subject, message id, new text).

    Examples
    --------
    >>> from clientflags import classify_email
    >>> result = classify_email("reply.eml")  # doctest: +SKIP
    >>> result.email.sender, result.labels, result.removed  # doctest: +SKIP
    ('marc.delaunay@boulangerie-delaunay.fr', ('late_payment',), ('quote', 'signature'))
    """
    from clientflags.model import default_model

    parsed = parse_email(message)
    chosen = model or default_model()
    (classification,) = chosen.classify_many([parsed.new_text], argument="text", strip_replies=False)
    return EmailClassification(classification, parsed)


def _normalise_addresses(me: str | Iterable[str] | None) -> frozenset[str]:
    from email.utils import parseaddr

    if me is None:
        return frozenset()
    if isinstance(me, str):
        me = [me]
    # "Camille <camille@studio-roux.fr>" and "camille@studio-roux.fr" name the same mailbox.
    return frozenset(parseaddr(address)[1].strip().lower() for address in me if address and address.strip())


def iter_messages(path: str | Path) -> Iterator[tuple[str, Message | bytes]]:
    """Yield ``(source, message)`` for an ``.mbox`` file, an ``.eml`` file or a folder of ``.eml`` files.

    Parameters
    ----------
    path : str or Path
        The mailbox.

    Yields
    ------
    tuple of (str, email.message.Message or bytes)
        A label for where the message came from (file name, or ``mbox:N``)
        and the message: raw bytes for ``.eml`` files, a parsed message for
        an mbox. Pass it to :func:`parse_email`.

    Raises
    ------
    clientflags.errors.InvalidInputError
        If the path does not exist or holds no mail.
    """
    path = Path(path)
    if path.is_dir() and (path / "mbox").is_file():
        path = path / "mbox"  # Apple Mail exports a mailbox as a folder Name.mbox holding a file "mbox"
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() == ".eml" and p.is_file())
        if not files:
            raise InvalidInputError(
                f"{str(path)!r} holds no .eml file. Point scan at an .mbox file or a folder of .eml."
            )
        for file in files:
            yield str(file.relative_to(path)), file.read_bytes()
        return
    if not path.is_file():
        raise InvalidInputError(f"No mailbox at {str(path)!r}: give an .mbox file, an .eml file or a folder of .eml.")
    if path.suffix.lower() == ".eml":
        yield path.name, path.read_bytes()
        return
    with open(path, "rb") as handle:
        head = handle.read(5)
    if not head:
        return  # an empty mbox holds no message
    if not head.startswith(b"From "):
        raise InvalidInputError(
            f"{str(path)!r} is not an mbox file (it does not start with a 'From ' line). "
            "Export your mailbox as .mbox, or save messages as .eml files in a folder."
        )
    box = mailbox.mbox(path, factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default))
    try:
        for index, message in enumerate(box):
            yield f"{path.name}:{index}", message
    finally:
        box.close()


def scan_mailbox(
    path: str | Path,
    *,
    me: str | Iterable[str] | None = None,
    model: Any = None,
    progress: bool = False,
    n_jobs: int = 1,
) -> Any:
    """Classify every incoming message of a mailbox.

    Parameters
    ----------
    path : str or Path
        An ``.mbox`` file, an ``.eml`` file, or a folder of ``.eml`` files
        (searched recursively).
    me : str or iterable of str, optional
        Your own address(es): messages you sent are skipped, only what clients
        wrote is classified.
    model : FlagClassifier, optional
        A model of your own; the bundled model by default.
    progress : bool, default False
        Show a progress bar on standard error.
    n_jobs : int, default 1
        Worker processes for the classification (see :meth:`FlagClassifier.classify_many`).

    Returns
    -------
    pandas.DataFrame
        One row per incoming message: ``source``, ``message_id``, ``date``,
        ``sender``, ``sender_name``, ``subject``, ``labels`` (``a|b``),
        ``flagged``, ``removed``, ``new_text``, and one ``score_<label>``
        column per label. ``df.attrs["skipped_from_me"]`` counts the skipped
        messages; ``df.attrs["unreadable"]`` lists the messages that could not
        be parsed (the scan goes on without them).

    Raises
    ------
    clientflags.errors.InvalidInputError
        If the path does not exist or holds no mail.
    """
    import pandas as pd

    from clientflags.model import default_model

    if not isinstance(path, (str, Path)):
        kind = "None" if path is None else type(path).__name__
        raise InvalidTypeError(f"path must be a str or Path to an .mbox file or a folder of .eml files, got {kind}.")
    chosen = model or default_model()
    mine = _normalise_addresses(me)
    messages = iter_messages(path)
    if progress:
        from tqdm import tqdm

        messages = tqdm(messages, desc="reading", unit=" msg", leave=False)
    parsed: list[tuple[str, ParsedEmail]] = []
    skipped = 0
    unreadable: list[str] = []
    for source, message in messages:
        try:
            item = parse_email(message)
        except Exception as exc:  # one broken message must not stop the scan of a whole archive
            unreadable.append(f"{source}: {type(exc).__name__}: {exc}")
            continue
        if item.sender in mine:
            skipped += 1
            continue
        parsed.append((source, item))
    results = chosen.classify_many(
        [item.new_text for _, item in parsed], evidence=False, strip_replies=False, n_jobs=n_jobs
    )
    rows = []
    for (source, item), result in zip(parsed, results, strict=True):
        row = {
            "source": source,
            "message_id": item.message_id,
            "date": pd.Timestamp(item.date).tz_convert("UTC") if item.date and item.date.tzinfo else item.date,
            "sender": item.sender,
            "sender_name": item.sender_name,
            "subject": item.subject,
            "labels": "|".join(result.labels),
            "flagged": result.flagged,
            "removed": "|".join(item.removed),
            "new_text": item.new_text,
        }
        row.update({f"score_{label}": score for label, score in result.scores.items()})
        rows.append(row)
    columns = ["source", "message_id", "date", "sender", "sender_name", "subject", "labels", "flagged", "removed"]
    columns += ["new_text", *(f"score_{label}" for label in chosen.labels)]
    frame = pd.DataFrame(rows, columns=columns)
    frame["date"] = pd.to_datetime(frame["date"], utc=True, errors="coerce")
    frame.attrs["skipped_from_me"] = skipped
    frame.attrs["unreadable"] = unreadable
    return frame


def summarize_by_sender(frame: Any) -> Any:
    """Sum a :func:`scan_mailbox` table up per client.

    Parameters
    ----------
    frame : pandas.DataFrame
        The output of :func:`scan_mailbox` (columns ``sender``, ``labels``,
        ``flagged``, ``date``).

    Returns
    -------
    pandas.DataFrame
        One row per sender, riskiest first: ``sender``, ``sender_name``,
        ``messages``, ``flagged_messages``, ``risk`` (the share of the
        sender's messages with at least one flag, from 0 to 1), ``top_flag``,
        ``first_seen``, ``last_seen`` and one count column per label.

    Raises
    ------
    clientflags.errors.InvalidInputError
        If a required column is missing.
    """
    import pandas as pd

    from clientflags.taxonomy import LABEL_IDS

    if not isinstance(frame, pd.DataFrame):
        raise InvalidTypeError(f"frame must be the DataFrame scan_mailbox() returns, got {type(frame).__name__}.")
    missing = [c for c in ("sender", "labels", "flagged", "date") if c not in frame.columns]
    if missing:
        raise InvalidInputError(f"summarize_by_sender needs the columns of scan_mailbox(); missing {missing}.")
    frame = frame.assign(sender=frame["sender"].fillna("").replace("", "(inconnu)"))
    counts = frame["labels"].fillna("").str.get_dummies(sep="|").reindex(columns=list(LABEL_IDS), fill_value=0)
    grouped = pd.concat([frame[["sender", "flagged", "date"]], counts], axis=1).groupby("sender", sort=False)
    names = frame.groupby("sender", sort=False)["sender_name"].agg(lambda s: next((n for n in s if n), ""))
    summary = pd.DataFrame(
        {
            "sender_name": names,
            "messages": grouped.size(),
            "flagged_messages": grouped["flagged"].sum().astype(int),
            "first_seen": grouped["date"].min(),
            "last_seen": grouped["date"].max(),
        }
    )
    label_counts = grouped[list(LABEL_IDS)].sum().astype(int)
    summary["risk"] = (summary["flagged_messages"] / summary["messages"]).round(2)
    summary["top_flag"] = [row.idxmax() if row.max() > 0 else "" for _, row in label_counts.iterrows()]
    summary = pd.concat([summary, label_counts], axis=1).reset_index()
    ordered = ["sender", "sender_name", "messages", "flagged_messages", "risk", "top_flag", "first_seen", "last_seen"]
    summary = summary[ordered + list(LABEL_IDS)]
    return summary.sort_values(["risk", "messages"], ascending=[False, False], ignore_index=True)


def removed_summary(removed: Mapping[str, int]) -> str:
    """Format removal counts for humans ("quote 12, signature 30")."""
    return ", ".join(f"{kind} {removed[kind]}" for kind in REMOVED_KINDS if removed.get(kind))
