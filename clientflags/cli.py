"""The ``clientflags`` command: classify, scan, train, evaluate, info.

A thin layer over the public API. Input errors print one line on stderr and
exit with status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from clientflags import __version__
from clientflags.errors import ClientflagsError, InvalidInputError
from clientflags.taxonomy import get_label

__all__ = ["main"]

_PREVIEW = 70


def _preview(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _PREVIEW else flat[: _PREVIEW - 1] + "…"


def _read_stdin() -> str:
    if sys.stdin is None or sys.stdin.isatty():
        raise InvalidInputError(
            "No text to classify: pass it as an argument, with --file PATH, or pipe it on standard input."
        )
    return sys.stdin.read()


def _inputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for position, text in enumerate(args.texts, 1):
        items.append(("stdin", _read_stdin()) if text == "-" else (f"argument {position}", text))
    for name in args.file or []:
        if name == "-":
            items.append(("stdin", _read_stdin()))
            continue
        path = Path(name)
        if not path.is_file():
            raise InvalidInputError(f"No such file: {name!r}.")
        try:
            items.append((name, path.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            raise InvalidInputError(
                f"{name!r} is not UTF-8 text; convert it first (e.g. iconv -f latin1 -t utf-8)."
            ) from None
    if not items:
        items.append(("stdin", _read_stdin()))
    return items


def _load_model(path: str | None):
    from clientflags.model import default_model, load

    return load(path) if path else default_model()


def _cmd_classify(args: argparse.Namespace) -> int:
    items = _inputs(args)
    model = _load_model(args.model)
    results = model.classify_many([text for _, text in items])
    explainable = model.scorer is not None
    out = sys.stdout
    for (source, text), result in zip(items, results, strict=False):
        if args.json:
            out.write(json.dumps({"source": source, **result.to_dict()}, ensure_ascii=False) + "\n")
            continue
        out.write(f"« {_preview(text)} »\n")
        if result.flagged:
            for flag in result.flags:
                out.write(f"  ⚑ {flag.name} ({flag.label})  score {flag.score:.2f} (seuil {flag.threshold:.2f})\n")
                for ev in flag.evidence:
                    out.write(f"      « {_preview(ev.text)} » ({ev.score:.2f})\n")
                if explainable:
                    terms = model.explain(text, flag.label, n=5)
                    if terms:
                        out.write(
                            "      termes : " + ", ".join(f"{term} (+{weight:.2f})" for term, weight in terms) + "\n"
                        )
                out.write(f"      → {get_label(flag.label).advice}\n")
        else:
            out.write("  ✓ Aucun signal d'alerte.\n")
        for warning in result.warnings:
            out.write(f"  ! {warning}\n")
        if result.removed:
            out.write(f"  (retiré avant l'analyse : {', '.join(result.removed)})\n")
        if args.scores:
            for label, score in sorted(result.scores.items(), key=lambda kv: -kv[1]):
                out.write(f"      {label:<22} {score:.3f}\n")
        out.write("\n")
    return 0


def _cmd_scan(args: argparse.Namespace) -> int:
    from clientflags.emails import scan_mailbox, summarize_by_sender

    if args.output and Path(args.output).suffix.lower() not in (".csv", ".json"):
        raise InvalidInputError(f"--output must end in .csv or .json, got {args.output!r}.")
    frame = scan_mailbox(
        args.mailbox, me=args.me, model=_load_model(args.model), progress=sys.stderr.isatty(), n_jobs=args.jobs
    )
    table = summarize_by_sender(frame) if args.by_sender else frame.drop(columns=["new_text"])
    skipped = frame.attrs.get("skipped_from_me", 0)
    if args.output:
        out = Path(args.output)
        if out.suffix.lower() == ".json":
            table.to_json(out, orient="records", date_format="iso", force_ascii=False, indent=2)
        elif out.suffix.lower() == ".csv":
            table.to_csv(out, index=False)
        else:
            raise InvalidInputError(f"--output must end in .csv or .json, got {args.output!r}.")
        print(f"Wrote {len(table)} rows to {out}.", file=sys.stderr)
    elif table.empty:
        print("No incoming message to show.")
    else:
        _print_scan(table, by_sender=args.by_sender)
    for problem in frame.attrs.get("unreadable", []):
        print(f"clientflags: skipped an unreadable message: {problem}", file=sys.stderr)
    flagged = int(frame["flagged"].sum()) if len(frame) else 0
    print(
        f"{len(frame)} incoming messages, {flagged} flagged; {skipped} of your own skipped.",
        file=sys.stderr,
    )
    return 0


def _print_scan(table, *, by_sender: bool) -> None:
    import pandas as pd

    if by_sender:
        shown = table[["sender", "messages", "flagged_messages", "risk", "top_flag", "first_seen", "last_seen"]].copy()
        for column in ("first_seen", "last_seen"):
            shown[column] = shown[column].dt.strftime("%Y-%m-%d")
    else:
        shown = table[["source", "date", "sender", "subject", "labels"]].copy()
        shown["date"] = shown["date"].dt.strftime("%Y-%m-%d %H:%M")
        shown["subject"] = shown["subject"].map(lambda s: s if len(s) <= 40 else s[:39] + "…")
    with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_colwidth", 60):
        print(shown.fillna("").to_string(index=False))


def _write_report(path: Path, title: str, report) -> None:
    path.write_text(f"# {title}\n\n{report.to_markdown()}\n", encoding="utf-8")


def _cmd_train(args: argparse.Namespace) -> int:
    from clientflags.evaluation import evaluate
    from clientflags.training import train

    labels = [part.strip() for part in args.labels.split(",")] if args.labels else None
    print(f"Training on {args.data} (lemmas + TF-IDF + logistic regression, 5-fold thresholds)…", file=sys.stderr)
    model = train(
        args.data, text_col=args.text_col, labels_col=args.labels_col, labels=labels, model_version=args.version
    )
    saved = model.save(args.output)
    cv = model.metadata.metrics["cross_validation"]
    print(f"Saved {saved} (+ {saved.with_suffix('.json').name}), {model.metadata.n_train} emails.")
    print(
        f"Cross-validation (out-of-fold, thresholds tuned on it, so optimistic): macro-F1 {cv['macro_f1']:.3f}, "
        f"micro-F1 {cv['micro_f1']:.3f}, false alarms on clean emails {cv['clean_false_alarm_rate']:.1%}"
    )
    if args.test:
        report = evaluate(model, args.test, text_col=args.text_col, labels_col=args.labels_col)
        report_path = saved.with_suffix(".report.md")
        _write_report(report_path, f"{model.version} on {args.test}", report)
        print(f"\nHeld-out evaluation on {args.test}:\n{report}\n(written to {report_path})")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from clientflags.evaluation import evaluate

    report = evaluate(_load_model(args.model), args.data, text_col=args.text_col, labels_col=args.labels_col)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif args.markdown:
        print(report.to_markdown())
    else:
        print(report)
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from clientflags.model import bundled_artifact

    if args.model:
        sidecar = Path(args.model).with_suffix(".json")
        if not sidecar.is_file():
            raise InvalidInputError(f"No metadata file {str(sidecar)!r} next to the model.")
        text = sidecar.read_text(encoding="utf-8")
    else:
        text = bundled_artifact(".json").read_text(encoding="utf-8")
    metadata = json.loads(text)
    if args.json:
        print(json.dumps(metadata, ensure_ascii=False, indent=2))
        return 0
    for key in (
        "model_version",
        "clientflags_version",
        "trained_at",
        "n_train",
        "sklearn_version",
        "spacy_model",
        "spacy_model_version",
        "training_data_sha256",
    ):
        print(f"{key:<22} {metadata.get(key)}")
    print("thresholds             " + ", ".join(f"{k}={v:.2f}" for k, v in metadata.get("thresholds", {}).items()))
    for name, figures in metadata.get("metrics", {}).items():
        print(
            f"{name:<22} macro-F1 {figures.get('macro_f1')}, micro-F1 {figures.get('micro_f1')}, "
            f"clean false alarms {figures.get('clean_false_alarm_rate')}"
        )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clientflags",
        description="Flag difficult-client red flags in French emails (late payer, refuses deposit, free work…).",
    )
    parser.add_argument("--version", action="version", version=f"clientflags {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "classify",
        help="flag one or more emails",
        description="Classify emails given as arguments, files, or standard input.",
        epilog='Examples: clientflags classify "Pas d\'acompte, je paie à la livraison."\n'
        "          clientflags classify --file mail1.txt --file mail2.txt --json\n"
        "          cat mail.txt | clientflags classify",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("texts", nargs="*", metavar="TEXT", help="email text(s); '-' reads standard input")
    p.add_argument(
        "-f", "--file", action="append", metavar="PATH", help="a UTF-8 file holding one email (repeatable; '-' = stdin)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per email (JSON Lines)")
    p.add_argument("--scores", action="store_true", help="also print every label's score")
    p.add_argument("-m", "--model", metavar="MODEL", help="a model trained with `clientflags train` (default: bundled)")
    p.set_defaults(func=_cmd_classify)

    p = sub.add_parser(
        "scan",
        help="classify every incoming message of a mailbox",
        description="Classify the messages of an .mbox file or a folder of .eml files: only what each client "
        "wrote (quotes, signatures and disclaimers are left out), one row per message or per client.",
        epilog="Examples: clientflags scan Inbox.mbox --me moi@studio.fr --by-sender\n"
        "          clientflags scan mails/ --me moi@studio.fr -o flags.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("mailbox", metavar="MAILBOX", help="an .mbox file, an .eml file or a folder of .eml files")
    p.add_argument("--me", action="append", metavar="ADDRESS", help="your address: your own messages are skipped")
    p.add_argument("--by-sender", action="store_true", help="one row per client: messages, flags, risk")
    p.add_argument("-o", "--output", metavar="FILE", help="write the table to a .csv or .json file")
    p.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="worker processes (-1: all CPUs)")
    p.add_argument("-m", "--model", metavar="MODEL", help="a model trained with `clientflags train` (default: bundled)")
    p.set_defaults(func=_cmd_scan)

    columns = argparse.ArgumentParser(add_help=False)
    columns.add_argument("--text-col", default="text", help="column holding the email text (default: text)")
    columns.add_argument("--labels-col", default="labels", help="column holding the label ids (default: labels)")

    p = sub.add_parser(
        "train",
        parents=[columns],
        help="train a model on your labeled emails",
        description="Train a model on a CSV (labels as 'a|b') or JSONL (labels as a list) file and save it.",
    )
    p.add_argument("data", metavar="DATA", help="labeled emails, .csv or .jsonl")
    p.add_argument("-o", "--output", required=True, metavar="MODEL", help="where to save the model (.joblib)")
    p.add_argument("--test", metavar="DATA", help="held-out labeled emails to evaluate the new model on")
    p.add_argument("--labels", metavar="IDS", help="comma-separated label ids to train (default: all 10)")
    p.add_argument("--version", metavar="NAME", help="model name recorded in its metadata")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser(
        "evaluate",
        parents=[columns],
        help="score a model on labeled emails",
        description="Per-label precision/recall/F1, macro/micro F1 and the false-alarm rate on clean emails.",
    )
    p.add_argument("data", metavar="DATA", help="labeled emails, .csv or .jsonl")
    p.add_argument("-m", "--model", metavar="MODEL", help="model to evaluate (default: bundled)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print the report as JSON")
    group.add_argument("--markdown", action="store_true", help="print the report as a Markdown table")
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser("info", help="show a model's metadata (without loading it)")
    p.add_argument("-m", "--model", metavar="MODEL", help="model file (default: bundled)")
    p.add_argument("--json", action="store_true", help="print the metadata as JSON")
    p.set_defaults(func=_cmd_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        Exit status: 0 on success, 2 on bad input or a model that cannot be loaded.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ClientflagsError as exc:
        print(f"clientflags: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`clientflags scan … | head`): stop quietly, as Unix tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
