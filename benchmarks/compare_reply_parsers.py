"""Compare reply parsers on our .eml fixtures: which one finds the new text a client wrote?

Run from the repository root (the two other parsers are not dependencies of clientflags):

    pip install mail-parser-reply quotequail
    python benchmarks/compare_reply_parsers.py

Every parser gets the same decoded text/plain body (the fixtures that have one) and is scored with
the checks of tests/test_emails.py: the first and last lines of the new text, the fragments it must
contain, and the fragments (quotes, signatures, footers, disclaimers) it must not contain. Writes
benchmarks/REPLY_PARSERS.md.
"""

from __future__ import annotations

import email
import email.policy
import json
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from clientflags.emails import strip_reply

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "emails"


def _cases() -> list[tuple[dict, str]]:
    cases = []
    for expected in sorted(FIXTURES.glob("expected*.jsonl")):
        for line in expected.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            message = email.message_from_bytes((FIXTURES / row["file"]).read_bytes(), policy=email.policy.default)
            part = message.get_body(preferencelist=("plain",))
            if part is not None and row["first_line"]:
                cases.append((row, part.get_content()))
    return cases


def _passes(row: dict, text: str) -> dict[str, bool]:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return {
        "first line": bool(lines) and lines[0] == row["first_line"],
        "last line": bool(lines) and lines[-1] == row["last_line"],
        "keeps the new text": all(fragment in text for fragment in row["must_contain"]),
        "drops the rest": not any(fragment in text for fragment in row["must_not_contain"]),
    }


def _parsers() -> dict[str, Callable[[str], str]]:
    parsers: dict[str, Callable[[str], str]] = {"clientflags.strip_reply": lambda body: strip_reply(body).text}
    try:
        from mailparser_reply import EmailReplyParser

        version = metadata.version("mail-parser-reply")
        parsers[f"mail-parser-reply {version}"] = lambda body: EmailReplyParser(languages=["fr", "en"]).parse_reply(
            text=body
        )
    except ImportError:
        print("mail-parser-reply is not installed: pip install mail-parser-reply", file=sys.stderr)
    try:
        import quotequail

        version = metadata.version("quotequail")

        def unwrap(body: str) -> str:
            found = quotequail.unwrap(body)
            return (found or {}).get("text_top", body) if found else body

        parsers[f"quotequail {version} (unwrap)"] = unwrap
    except ImportError:
        print("quotequail is not installed: pip install quotequail", file=sys.stderr)
    return parsers


def main() -> int:
    cases = _cases()
    checks = ("first line", "last line", "keeps the new text", "drops the rest")
    rows = []
    for name, parse in _parsers().items():
        results = [_passes(row, parse(body) or "") for row, body in cases]
        per_check = [sum(r[c] for r in results) for c in checks]
        all_ok = sum(all(r.values()) for r in results)
        rows.append(f"| {name} | " + " | ".join(f"{n}/{len(cases)}" for n in [*per_check, all_ok]) + " |")
    table = "\n".join(["| parser | " + " | ".join(checks) + " | all four |", "|---" * (len(checks) + 2) + "|", *rows])
    text = f"""# Reply parsers on our fixtures

*Written by `python benchmarks/compare_reply_parsers.py`; do not edit by hand.*

The {len(cases)} fixtures of `tests/fixtures/emails/` that have a text/plain body with some new
text, scored with the checks of `tests/test_emails.py`. Our rules were written against these
fixtures, so their row shows that they pass, not how they do on mail nobody has seen; the other rows
show what the libraries leave in (signatures, Outlook header blocks, mobile footers, disclaimers).

{table}
"""
    (ROOT / "benchmarks" / "REPLY_PARSERS.md").write_text(text, encoding="utf-8")
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
