"""Corpus statistics and quality checks for labeled email datasets.

Run ``python -m clientflags.data_stats [DATA_DIR]`` from the repository root
to print the counts of ``data/train.jsonl`` and ``data/test.jsonl`` and check
the corpus minimums (exit status 1 when one fails). With ``--update-card`` it
rewrites the generated section of ``DATA_DIR/README.md`` (the data card), so
no number in the card is typed by hand.

The functions work on any dataset loaded with :func:`clientflags.load_dataset`,
so users can profile their own labeled emails too.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientflags.taxonomy import LABEL_IDS, get_label

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Check", "check_corpus", "corpus_report", "load_corpus", "main", "near_duplicates"]

NEAR_DUPLICATE_JACCARD = 0.7
LENGTH_BUCKETS = (
    (0, 14, "< 15 words"),
    (15, 49, "15–49"),
    (50, 100, "50–100"),
    (101, 250, "101–250"),
    (251, 10**9, "> 250"),
)
_CARD_START = "<!-- data_stats:start -->"
_CARD_END = "<!-- data_stats:end -->"


@dataclass(frozen=True, slots=True)
class Check:
    """One corpus requirement and whether it holds.

    Attributes
    ----------
    name : str
        What is checked.
    value : str
        What was measured.
    required : str
        The minimum (or maximum) asked for.
    ok : bool
        Whether the requirement holds.
    """

    name: str
    value: str
    required: str
    ok: bool


def near_duplicates(
    texts: Sequence[str], others: Sequence[str] | None = None, *, threshold: float = NEAR_DUPLICATE_JACCARD
) -> list[tuple[int, int, float]]:
    """Find pairs of texts whose character 5-gram sets overlap too much.

    Parameters
    ----------
    texts : sequence of str
        Texts to compare with each other (or with ``others``).
    others : sequence of str, optional
        When given, only pairs across the two collections are returned.
    threshold : float, default 0.7
        Jaccard similarity above which a pair counts as a near-duplicate.

    Returns
    -------
    list of (int, int, float)
        ``(i, j, jaccard)`` with ``i`` indexing ``texts`` and ``j`` indexing
        ``others`` (or ``texts``, with ``i < j``).
    """
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    def normalise(text: str) -> str:
        return " ".join(text.lower().split())

    left = [normalise(t) for t in texts]
    right = [normalise(t) for t in others] if others is not None else left
    vectorizer = CountVectorizer(analyzer="char", ngram_range=(5, 5), binary=True, lowercase=False, dtype=np.int32)
    vectorizer.fit(left + (right if others is not None else []))
    a = vectorizer.transform(left)
    b = vectorizer.transform(right) if others is not None else a
    sizes_a = np.asarray(a.sum(axis=1)).ravel()
    sizes_b = np.asarray(b.sum(axis=1)).ravel()
    overlap = (a @ b.T).tocoo()
    pairs = []
    for i, j, shared in zip(overlap.row, overlap.col, overlap.data, strict=True):
        if others is None and i >= j:
            continue
        union = sizes_a[i] + sizes_b[j] - shared
        jaccard = shared / union if union else 1.0
        if jaccard > threshold:
            pairs.append((int(i), int(j), round(float(jaccard), 3)))
    return sorted(pairs)


def load_corpus(data_dir: str | Path = "data") -> pd.DataFrame:
    """Load ``train.jsonl`` and ``test.jsonl`` of a data folder into one frame.

    Parameters
    ----------
    data_dir : str or Path, default "data"
        Folder holding the two split files.

    Returns
    -------
    pandas.DataFrame
        Validated rows (see :func:`clientflags.load_dataset`) with a ``split`` column.
    """
    import pandas as pd

    from clientflags.datasets import load_dataset

    frames = []
    for split in ("train", "test"):
        frame = load_dataset(Path(data_dir) / f"{split}.jsonl")
        frame["split"] = split
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _n_words(texts: pd.Series) -> pd.Series:
    return texts.str.split().str.len()


def _share(part: float, whole: float) -> float:
    return float(part) / float(whole) if whole else 0.0


def check_corpus(corpus: pd.DataFrame) -> list[Check]:
    """Check a corpus against the minimums of the clientflags dataset.

    Parameters
    ----------
    corpus : pandas.DataFrame
        Output of :func:`load_corpus` (needs ``split``, ``sector``, ``register``,
        ``variety``, ``furniture``, ``informal``, ``indirect``, ``hard_negative``).

    Returns
    -------
    list of Check
        One entry per requirement.
    """
    n = len(corpus)
    clean = corpus["labels"].str.len() == 0
    flagged = corpus[~clean]
    words = _n_words(corpus["text"])
    label_counts = {label: int(corpus["labels"].map(lambda ids, lab=label: lab in ids).sum()) for label in LABEL_IDS}
    weakest = min(label_counts, key=label_counts.get)
    multi = _share((flagged["labels"].str.len() >= 2).sum(), len(flagged))
    varieties = set(corpus["variety"]) - {"fr"}
    test = corpus[corpus["split"] == "test"]
    train = corpus[corpus["split"] == "train"]
    within = len(near_duplicates(list(corpus["text"])))
    across = len(near_duplicates(list(train["text"]), list(test["text"])))
    exact = int(corpus["text"].str.strip().duplicated().sum())
    indirect = _share(flagged["indirect"].sum(), len(flagged))
    return [
        Check("distinct emails", str(n), ">= 3000", n >= 3000 and exact == 0),
        Check("exact duplicates", str(exact), "0", exact == 0),
        Check("near-duplicate pairs (5-gram Jaccard > 0.7), whole corpus", str(within), "0", within == 0),
        Check("near-duplicate pairs across train/test", str(across), "0", across == 0),
        Check("test split", str(len(test)), ">= 600", len(test) >= 600),
        Check("clean share", f"{_share(clean.sum(), n):.1%}", ">= 40%", _share(clean.sum(), n) >= 0.40),
        Check(
            "hard negatives among clean",
            f"{_share(corpus.loc[clean, 'hard_negative'].sum(), clean.sum()):.1%}",
            ">= 50%",
            _share(corpus.loc[clean, "hard_negative"].sum(), clean.sum()) >= 0.5,
        ),
        Check(f"fewest positives ({weakest})", str(label_counts[weakest]), ">= 200", label_counts[weakest] >= 200),
        Check("flagged emails with 2-3 labels", f"{multi:.1%}", ">= 25%", multi >= 0.25),
        Check("sectors", str(corpus["sector"].nunique()), ">= 20", corpus["sector"].nunique() >= 20),
        Check("emails under 15 words", str(int((words < 15).sum())), "> 0", bool((words < 15).any())),
        Check("emails over 250 words", str(int((words > 250).sum())), "> 0", bool((words > 250).any())),
        Check("median length (words)", f"{words.median():.0f}", "50-100", 50 <= words.median() <= 100),
        Check(
            "with email furniture", f"{corpus['furniture'].mean():.1%}", ">= 15%", corpus["furniture"].mean() >= 0.15
        ),
        Check(
            "informal (typos, SMS, emojis)",
            f"{corpus['informal'].mean():.1%}",
            ">= 15%",
            corpus["informal"].mean() >= 0.15,
        ),
        Check(
            "regional varieties", ", ".join(sorted(varieties)), "be, ch, qc, af", {"be", "ch", "qc", "af"} <= varieties
        ),
        Check("flags expressed indirectly", f"{indirect:.1%}", ">= 50%", indirect >= 0.5),
    ]


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def corpus_report(corpus: pd.DataFrame) -> str:
    """Render every count of the data card as Markdown.

    Parameters
    ----------
    corpus : pandas.DataFrame
        Output of :func:`load_corpus`.

    Returns
    -------
    str
        Markdown tables: checks, splits, labels, co-occurrence, sectors,
        registers, varieties, lengths, furniture.
    """
    import pandas as pd

    splits = ("train", "test")
    by_split = {s: corpus[corpus["split"] == s] for s in splits}
    words = _n_words(corpus["text"])
    parts = [
        "### Requirements\n",
        _table(
            ["check", "measured", "required", "ok"],
            [(c.name, c.value, c.required, "yes" if c.ok else "**NO**") for c in check_corpus(corpus)],
        ),
    ]

    def split_row(name: str, select) -> list[Any]:
        return [name, *(int(select(by_split[s]).sum()) for s in splits), int(select(corpus).sum())]

    parts += [
        "\n### Splits\n",
        _table(
            ["", *splits, "total"],
            [
                split_row("emails", lambda f: pd.Series([1] * len(f), dtype=int)),
                split_row("clean", lambda f: f["labels"].str.len() == 0),
                split_row(
                    "  of which hard negatives",
                    lambda f: (f["labels"].str.len() == 0) & f["hard_negative"].astype(bool),
                ),
                split_row("flagged", lambda f: f["labels"].str.len() > 0),
                split_row("  with 2-3 labels", lambda f: f["labels"].str.len() >= 2),
                split_row("  expressed indirectly", lambda f: f["indirect"].astype(bool)),
                split_row("briefs (writing passes)", lambda f: pd.Series([f["brief"].nunique()])),
            ],
        ),
    ]
    label_rows = []
    for label in LABEL_IDS:
        has = lambda f, lab=label: f["labels"].map(lambda ids: lab in ids)  # noqa: E731
        label_rows.append(
            [
                f"`{label}`",
                get_label(label).name,
                *(int(has(by_split[s]).sum()) for s in splits),
                int(has(corpus).sum()),
            ]
        )
    parts += ["\n### Labels\n", _table(["label", "French name", *splits, "total"], label_rows)]

    co = pd.DataFrame(0, index=list(LABEL_IDS), columns=list(LABEL_IDS))
    for ids in corpus["labels"]:
        for a in ids:
            for b in ids:
                if a != b:
                    co.loc[a, b] += 1
    short = {label: label.split("_")[0][:6] for label in LABEL_IDS}
    parts += [
        "\n### Label co-occurrence (emails carrying both)\n",
        _table(
            ["", *(short[c] for c in LABEL_IDS)],
            [[f"`{r}`", *(int(co.loc[r, c]) if r != c else "–" for c in LABEL_IDS)] for r in LABEL_IDS],
        ),
    ]

    def counts(column: str) -> str:
        table = (
            corpus.groupby([column, "split"]).size().unstack(fill_value=0).reindex(columns=list(splits), fill_value=0)
        )
        table["total"] = table.sum(axis=1)
        table = table.sort_values("total", ascending=False)
        return _table([column, *splits, "total"], [[idx, *map(int, row)] for idx, row in table.iterrows()])

    parts += [f"\n### Sectors ({corpus['sector'].nunique()})\n", counts("sector")]
    parts += ["\n### Registers\n", counts("register"), "\n### Varieties of French\n", counts("variety")]
    buckets = pd.cut(words, bins=[b[0] - 1 for b in LENGTH_BUCKETS] + [10**9], labels=[b[2] for b in LENGTH_BUCKETS])
    length_rows = [
        [name, *(int(((buckets == name) & (corpus["split"] == s)).sum()) for s in splits), int((buckets == name).sum())]
        for _, _, name in LENGTH_BUCKETS
    ]
    parts += [
        "\n### Length (words)\n",
        _table(["length", *splits, "total"], length_rows),
        f"\nMedian {words.median():.0f} words, min {words.min()}, max {words.max()}.",
    ]
    parts += [
        "\n### Style\n",
        _table(
            ["", *splits, "total"],
            [
                split_row(
                    "email furniture (greeting, signature, quoted reply, headers)",
                    lambda f: f["furniture"].astype(bool),
                ),
                split_row("informal (typos, abbreviations, emojis, capitals)", lambda f: f["informal"].astype(bool)),
            ],
        ),
    ]
    return "\n".join(parts) + "\n"


def update_card(card: Path, report: str) -> None:
    """Replace the generated section of a data card with ``report``.

    Parameters
    ----------
    card : Path
        A Markdown file holding the ``data_stats:start`` / ``data_stats:end`` markers.
    report : str
        Output of :func:`corpus_report`.
    """
    text = card.read_text(encoding="utf-8")
    if _CARD_START not in text or _CARD_END not in text:
        raise ValueError(f"{card} has no {_CARD_START} ... {_CARD_END} section to update.")
    head, rest = text.split(_CARD_START, 1)
    _, tail = rest.split(_CARD_END, 1)
    card.write_text(f"{head}{_CARD_START}\n{report}{_CARD_END}{tail}", encoding="utf-8")


def card_section(card: Path) -> str:
    """Return the generated section currently in a data card."""
    text = card.read_text(encoding="utf-8")
    return text.split(_CARD_START, 1)[1].split(_CARD_END, 1)[0].lstrip("\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Print corpus counts and checks; exit 1 if a requirement fails.

    Parameters
    ----------
    argv : sequence of str, optional
        ``[DATA_DIR] [--update-card]``.

    Returns
    -------
    int
        0 when every requirement holds, 1 otherwise.
    """
    parser = argparse.ArgumentParser(prog="python -m clientflags.data_stats", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "data_dir", nargs="?", default="data", help="folder with train.jsonl and test.jsonl (default: data)"
    )
    parser.add_argument(
        "--update-card", action="store_true", help="rewrite the generated section of DATA_DIR/README.md"
    )
    args = parser.parse_args(argv)
    corpus = load_corpus(args.data_dir)
    report = corpus_report(corpus)
    print(report)
    if args.update_card:
        update_card(Path(args.data_dir) / "README.md", report)
        print(f"updated {Path(args.data_dir) / 'README.md'}")
    failed = [c for c in check_corpus(corpus) if not c.ok]
    for check in failed:
        print(f"FAILED: {check.name}: {check.value} (required {check.required})", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
