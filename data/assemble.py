"""Assemble data/train.jsonl and data/test.jsonl from the writing passes in data/parts/.

Run from the repository root:  python data/assemble.py

Each file data/parts/<split>/<brief>.jsonl is one writing pass (one brief:
sectors x personas x register). This script validates every row, gives it a
stable id, drops exact and near-duplicates (character 5-gram Jaccard > 0.7;
within a split the later row goes, across splits the training row goes, so
the test split stays intact), and writes the two split files sorted by id.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from clientflags.data_stats import near_duplicates
from clientflags.taxonomy import validate_label_ids

DATA = Path(__file__).resolve().parent
FIELDS = ("sector", "register", "variety", "furniture", "informal", "indirect", "hard_negative")


def read_split(split: str) -> list[dict]:
    """Read every writing pass of one split, validated, with stable ids."""
    rows = []
    for part in sorted((DATA / "parts" / split).glob("*.jsonl")):
        for number, line in enumerate(part.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            raw = json.loads(line)
            text = raw["text"].strip()
            if not text:
                raise SystemExit(f"{part}:{number}: empty text")
            row = {
                "id": f"{split}-{part.stem}-{number:03d}",
                "text": text,
                "labels": list(validate_label_ids(raw["labels"])),
            }
            row.update({field: raw[field] for field in FIELDS})
            row["brief"] = part.stem
            rows.append(row)
    return rows


def drop(rows: list[dict], indices: set[int]) -> list[dict]:
    """Return the rows whose position is not in ``indices``."""
    return [row for i, row in enumerate(rows) if i not in indices]


def main() -> int:
    """Assemble both splits and print what was dropped."""
    test, train = read_split("test"), read_split("train")
    report = []
    for name, rows in (("test", test), ("train", train)):
        seen, exact = set(), set()
        for i, row in enumerate(rows):
            key = " ".join(row["text"].lower().split())
            if key in seen:
                exact.add(i)
            seen.add(key)
        near = {j for _, j, _ in near_duplicates([r["text"] for r in rows])}
        report.append(f"{name}: {len(exact)} exact and {len(near - exact)} near-duplicates dropped")
        if name == "test":
            test = drop(rows, exact | near)
        else:
            train = drop(rows, exact | near)
    across = {i for i, _, _ in near_duplicates([r["text"] for r in train], [r["text"] for r in test])}
    train = drop(train, across)
    report.append(f"train/test: {len(across)} training rows dropped as near-duplicates of test rows")
    for name, rows in (("train", train), ("test", test)):
        with open(DATA / f"{name}.jsonl", "w", encoding="utf-8") as handle:
            for row in sorted(rows, key=lambda r: r["id"]):
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        report.append(f"wrote data/{name}.jsonl: {len(rows)} emails")
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
