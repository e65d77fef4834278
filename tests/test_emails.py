"""Table-driven tests: each fixture's expected new text is in tests/fixtures/*/expected*.jsonl."""

import email
import email.policy
import json
from pathlib import Path

import pytest

from clientflags.emails import (
    classify_email,
    html_to_text,
    parse_email,
    scan_mailbox,
    strip_reply,
    summarize_by_sender,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EMAILS = FIXTURES / "emails"
THREAD = FIXTURES / "thread"
ME = "camille@studio-roux.fr"


def _expected(folder: Path) -> list[dict]:
    rows = []
    for path in sorted(folder.glob("expected*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            rows += [{**json.loads(line), "folder": folder} for line in handle if line.strip()]
    return rows


CASES = _expected(EMAILS) + _expected(THREAD)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def test_there_are_enough_fixtures():
    assert len(list(EMAILS.glob("*.eml"))) >= 40
    assert len(_expected(EMAILS)) == len(list(EMAILS.glob("*.eml")))


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_new_text_of_every_fixture(case):
    parsed = parse_email(case["folder"] / case["file"])
    lines = _lines(parsed.new_text)
    assert (lines[0] if lines else "") == case["first_line"]
    assert (lines[-1] if lines else "") == case["last_line"]
    for fragment in case["must_contain"]:
        assert fragment in parsed.new_text
    for fragment in case["must_not_contain"]:
        assert fragment not in parsed.new_text
    assert set(case["removed"]) <= set(parsed.removed), parsed.removed
    assert parsed.sender == case["sender"]
    assert parsed.subject == case["subject"]


def test_a_polite_reply_quoting_an_invoice_reminder_is_not_a_late_payer():
    path = EMAILS / "01_nadia_gmail_fr_reply_payment_sent.eml"
    raw = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = raw.get_body(preferencelist=("plain",)).get_content()
    assert "paiement en retard" in body  # the reminder is in the quoted part
    result = classify_email(path)
    assert "late_payment" not in result.labels
    assert "quote" in result.removed
    assert result.email.sender == "nadia@benali-conseil.com"


def test_pasted_text_is_stripped_by_default_and_can_be_kept(bundled):
    body = (EMAILS / "01_nadia_gmail_fr_reply_payment_sent.eml").read_bytes()
    text = email.message_from_bytes(body, policy=email.policy.default).get_body(("plain",)).get_content()
    stripped = bundled.classify(text)
    assert "quote" in stripped.removed and "late_payment" not in stripped.labels
    raw = bundled.classify(text, strip_replies=False)
    assert raw.removed == ()


@pytest.mark.parametrize(
    ("text", "new_text", "removed"),
    [
        ("Merci !\n\nEnvoyé de mon iPhone", "Merci !", ("mobile_footer",)),
        ("Je paie demain.\n-- \nMarc\n06 00 00 00 00", "Je paie demain.", ("signature",)),
        ("OK pour moi.\n\n-----Message d'origine-----\nDe : Camille\nObjet : Relance", "OK pour moi.", ("quote",)),
        ("Vu.\n---------- Forwarded message ---------\nFrom: x", "Vu.", ("forward",)),
        ("> ancienne ligne\nRéponse entre les lignes\n> autre", "Réponse entre les lignes", ("quote",)),
        ("Pas de signature ici, merci pour tout et à bientôt pour la suite du projet.", None, ()),
    ],
)
def test_strip_reply_rules(text, new_text, removed):
    result = strip_reply(text)
    assert result.text == (text if new_text is None else new_text)
    assert result.removed == removed


def test_html_quotes_are_dropped_before_the_text_is_taken():
    html = (
        "<div dir='ltr'>Bonjour,<br>Je valide le devis.<br></div>"
        "<div class='gmail_quote'><div>Le lun. 3 mars 2025, Camille a écrit :</div>"
        "<blockquote class='gmail_quote'>Votre paiement est en retard.</blockquote></div>"
    )
    result = html_to_text(html)
    assert result.text == "Bonjour,\nJe valide le devis."
    assert result.removed == ("quote",)


@pytest.mark.parametrize("bad", [None, 42, ["a"]])
def test_parse_email_rejects_other_types(bad):
    with pytest.raises(TypeError, match="message must be"):
        parse_email(bad)


def test_missing_paths_are_named(tmp_path):
    with pytest.raises(ValueError, match="No email file"):
        parse_email(tmp_path / "absent.eml")
    with pytest.raises(ValueError, match="No mailbox"):
        scan_mailbox(tmp_path / "absent.mbox")
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(ValueError, match="not an mbox"):
        scan_mailbox(tmp_path / "notes.txt")


def test_parse_accepts_bytes_str_and_messages():
    path = EMAILS / "02_marc_outlook_message_origine_latin1_excuse.eml"
    data = path.read_bytes()
    from_path = parse_email(path)
    assert parse_email(data) == from_path
    assert parse_email(email.message_from_bytes(data)).new_text == from_path.new_text
    assert parse_email(str(path)) == from_path


def test_empty_messages_give_empty_text():
    parsed = parse_email(EMAILS / "43_empty_body_subject_only.eml")
    assert parsed.new_text == ""
    result = classify_email(EMAILS / "44_attachment_only_no_text_part.eml")
    assert result.classification.is_clean and result.email.attachments


@pytest.mark.slow
def test_scan_a_folder_and_summarize_by_sender():
    frame = scan_mailbox(EMAILS, me=ME)
    senders = set(frame["sender"])
    assert ME not in senders
    assert frame.attrs["skipped_from_me"] == 2
    assert len(frame) == len(list(EMAILS.glob("*.eml"))) - 2
    summary = summarize_by_sender(frame)
    assert set(summary["sender"]) == senders
    assert summary["messages"].sum() == len(frame)
    assert summary["risk"].is_monotonic_decreasing
    good = summary.set_index("sender").loc["nadia@benali-conseil.com"]
    assert good["flagged_messages"] == 0


@pytest.mark.slow
def test_scan_an_mbox_thread_keeps_only_the_client_side():
    frame = scan_mailbox(FIXTURES / "thread.mbox", me=[ME])
    assert len(frame) == 5 and set(frame["sender"]) == {"paul@girard-paysage.fr"}
    assert frame["date"].is_monotonic_increasing


# Client text that looks like furniture must stay (found by an independent review).
@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Bonjour,\n\nMerci pour la maquette.\nPar contre je ne paierai pas l'acompte.\n\nMarc", "ne paierai pas"),
        ("Hi,\n\nThanks for the mockups.\nWe won't pay the deposit, we pay on delivery only.", "won't pay"),
        ("Bonjour,\n\nMerci.\nMais j'attends une remise de 20 %, sinon je ne signe pas.", "remise de 20"),
        ("Bonjour,\n\nTrès bien.\n\nCordialement,\nMarc Delaunay\n\nP.S. Je ne paierai pas l'acompte.", "P.S."),
        ("Bonjour,\n\nLe graphiste précédent nous a écrit :\n« 800 € ».\nJe ne paierai pas plus.", "pas plus"),
        (
            "Bonjour,\n\nIl y a une erreur : le destinataire n'est pas le bon, merci de la supprimer. "
            "En attendant je ne paie rien.",
            "ne paie rien",
        ),
        ("Bonjour,\n\nVotre relance ?\nEnvoyé avec un mois de retard, votre devis.\nJe ne paierai pas.", "retard"),
        ("Bonjour,\n\nLe site est en panne, réparez-le aujourd'hui.\nURGENT", "URGENT"),
        ("Bonjour,\n\nToujours rien reçu.\nInacceptable.", "Inacceptable."),
        ("Bonjour,\n\nDe : Marc\nEnvoyé : hier\nÀ : vous\nJe ne paie pas.", "Je ne paie pas."),
    ],
)
def test_client_text_that_looks_like_furniture_is_kept(text, kept):
    assert kept in strip_reply(text).text


@pytest.mark.parametrize(
    "text",
    [
        "OK.\n\n-----Mail original-----\nLa facture est en retard.",
        "OK.\n\n-----Message d’origine-----\nLa facture est en retard.",
        "OK.\n\nMessage du 03/03/25 10:14\n> La facture est en retard.",
        "OK.\n\nCamille Roux <camille@studio-roux.fr> a écrit :\n> La facture est en retard.",
        "OK.\n\nEnvoyé de Yahoo Mail pour iPhone",
    ],
)
def test_more_reply_formats_are_stripped(text):
    assert strip_reply(text).text == "OK."


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (b"%PDF-1.4\n\x00\x01binary", "not an RFC 822"),
        ("x" * 300, "Could not read an email|No email file"),
        ("", "message is empty"),
        (FIXTURES, "is a folder"),
    ],
)
def test_things_that_are_not_emails_get_a_clear_error(source, message):
    with pytest.raises(ValueError, match=message):
        parse_email(source)


def test_malformed_and_8bit_headers_do_not_crash():
    parsed = parse_email(b'From: <<<@@@>>>,,,"\nMessage-ID: <<<\nSubject: x\n\nJe paie demain.\n')
    assert parsed.new_text == "Je paie demain." and parsed.sender == ""
    parsed = parse_email(b"From: Ren\xe9 Dupont <rene@x.fr>\nSubject: Facture\n\nBonjour\n")
    assert parsed.sender == "rene@x.fr" and parsed.sender_name == "René Dupont"
    parsed = parse_email("\nFrom: Marc <marc@x.fr>\nSubject: Devis\n\nJe ne paierai pas l'acompte.\n")
    assert parsed.sender == "marc@x.fr" and parsed.new_text == "Je ne paierai pas l'acompte."


def test_html_indent_is_not_a_quote_and_empty_plain_parts_fall_back_to_html():
    html = (
        '<div>Bonjour,<blockquote style="margin:0 0 0 40px;border:none;padding:0px">Je ne paie pas.</blockquote></div>'
    )
    assert "Je ne paie pas." in html_to_text(html).text
    raw = (
        b"From: a@b.fr\nSubject: s\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=X\n\n"
        b"--X\nContent-Type: text/plain\n\n\n--X\nContent-Type: text/html\n\n<div>Pas d'acompte.</div>\n--X--\n"
    )
    assert parse_email(raw).new_text == "Pas d'acompte."


def test_mailbox_edge_cases(tmp_path):
    (tmp_path / "empty.mbox").write_bytes(b"")
    assert len(scan_mailbox(tmp_path / "empty.mbox")) == 0
    folder = tmp_path / "mails"
    folder.mkdir()
    (folder / "A.EML").write_bytes((EMAILS / "01_nadia_gmail_fr_reply_payment_sent.eml").read_bytes())
    (folder / "broken.eml").write_bytes(b"\x00\x01")
    frame = scan_mailbox(folder, me="Camille <camille@studio-roux.fr>")
    assert list(frame["sender"]) == ["nadia@benali-conseil.com"]
    assert len(frame.attrs["unreadable"]) == 1 and "broken.eml" in frame.attrs["unreadable"][0]


def test_scan_and_summary_reject_other_types():
    with pytest.raises(TypeError, match="path must be"):
        scan_mailbox(None)
    with pytest.raises(TypeError, match="DataFrame"):
        summarize_by_sender("not a frame")
