"""Speed, memory and size of clientflags, against the naive spaCy pipeline, in one run.

Run from the repository root after the README's install (about 10 minutes on 2 cores):

    python benchmarks/bench.py

It replicates the test split to 10,000 emails and measures: the naive baseline (the full
fr_core_news_sm pipeline, every component, `nlp(text)` per email, feeding the same classifier);
`classify_many` throughput; warm `classify` latency (p50/p95 over 1,000 calls); cold start of a new
process (median of 5); peak resident memory of a process classifying the 10,000 emails; the bundled
artifact's size; and macro-F1 on the test split of the shipped configuration (lookup lemmas learned
from spaCy at training time) vs. the same configuration trained and run with spaCy on every email. It prints one table with the goals of the fast-path issue and writes benchmarks/RESULTS.md.
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
N_EMAILS = 10_000
SNIPPET = "Bonjour, pas d'acompte pour moi : je paierai quand j'aurai vu le résultat."


def _corpus() -> list[str]:
    from clientflags import load_dataset

    texts = list(load_dataset(ROOT / "data" / "test.jsonl")["text"])
    return (texts * (N_EMAILS // len(texts) + 1))[:N_EMAILS]


def _naive(texts: list[str], model) -> float:
    """The straightforward implementation: full spaCy pipeline, one nlp() call per email."""
    import spacy

    from clientflags.preprocessing import FrenchLemmatizer

    nlp = spacy.load("fr_core_news_sm")  # every component enabled
    lemmatizer = FrenchLemmatizer()  # the same feature rules, read off spaCy's Doc
    rest = model.pipeline[1:]
    started = time.perf_counter()
    tokens = [lemmatizer.doc_to_tokens(nlp(text)) for text in texts]
    rest.predict_proba(np.asarray(tokens, dtype=object))
    return time.perf_counter() - started


def _full_pipeline_macro_f1() -> float:
    """Train the bundled configuration with spaCy run on every email, and score it on the test split."""
    import dataclasses
    import json

    import clientflags
    from clientflags.training import TrainingConfig

    config = TrainingConfig.from_dict(json.loads((ROOT / "models" / "training_config.json").read_text()))
    full = clientflags.train(ROOT / "data" / "train.jsonl", config=dataclasses.replace(config, lemmatizer="spacy"))
    return clientflags.evaluate(full, ROOT / "data" / "test.jsonl").macro_f1


def _best_rate(model, texts: list[str], repeats: int = 3, **options) -> float:
    """Emails per second, best of a few runs: the machine is shared, the best run is the least disturbed."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        model.classify_many(texts, **options)
        best = min(best, time.perf_counter() - started)
    return len(texts) / best


def _child(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", timeout=1800)


def main() -> int:
    import clientflags
    from clientflags.model import bundled_artifact, default_model

    texts = _corpus()
    words = sum(len(t.split()) for t in texts) / len(texts)
    model = default_model()
    model.classify_many(texts[:50])  # warm caches
    serial = _best_rate(model, texts)
    parallel = _best_rate(model, texts, n_jobs=2)
    parallel_bare = _best_rate(model, texts, n_jobs=2, evidence=False)
    naive_rate = N_EMAILS / _naive(texts, model)

    latencies = []
    for text in texts[:1000]:
        t0 = time.perf_counter()
        model.classify(text)
        latencies.append((time.perf_counter() - t0) * 1000)
    p50, p95 = np.percentile(latencies, [50, 95])

    cold = []
    for _ in range(5):
        t0 = time.perf_counter()
        done = _child(f"import clientflags; clientflags.classify({SNIPPET!r})")
        cold.append(time.perf_counter() - t0)
        assert done.returncode == 0, done.stderr
    memory = _child(
        "import json, resource, clientflags\n"
        f"t = [json.loads(line)['text'] for line in open({str(ROOT / 'data' / 'test.jsonl')!r}, encoding='utf-8')]\n"
        f"t = (t * {N_EMAILS // 700 + 1})[:{N_EMAILS}]\n"
        "clientflags.classify_many(t)\n"
        # VmHWM is this process's own peak; ru_maxrss would also count the benchmark process it was forked from.
        "status = open('/proc/self/status').read() if __import__('os').path.exists('/proc/self/status') else ''\n"
        "hwm = [line.split()[1] for line in status.splitlines() if line.startswith('VmHWM:')]\n"
        "print(hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    assert memory.returncode == 0, memory.stderr
    peak_mb = int(memory.stdout.strip()) / 1024
    with __import__("importlib").resources.as_file(bundled_artifact()) as path:
        artifact_mb = path.stat().st_size / 1e6
    fast_f1 = clientflags.evaluate(model, ROOT / "data" / "test.jsonl").macro_f1
    full_f1 = _full_pipeline_macro_f1()

    def rate(value: float) -> str:
        return f"{value:,.0f} emails/s ({value * words:,.0f} words/s)"

    rows = [
        ("naive baseline (full pipeline, nlp() per email)", rate(naive_rate), "", "1.0×"),
        ("classify_many, 1 process", rate(serial), "", f"{serial / naive_rate:.0f}×"),
        (
            "classify_many, n_jobs=2",
            rate(parallel),
            "≥ 3,000 emails/s, ≥ 30× baseline",
            f"{parallel / naive_rate:.0f}×",
        ),
        ("classify_many, n_jobs=2, evidence=False", rate(parallel_bare), "", f"{parallel_bare / naive_rate:.0f}×"),
        ("warm classify latency (1,000 calls)", f"p50 {p50:.2f} ms, p95 {p95:.2f} ms", "p50 ≤ 2 ms, p95 ≤ 5 ms", ""),
        ("cold start (import + first classify), median of 5", f"{statistics.median(cold):.2f} s", "≤ 1.5 s", ""),
        ("peak memory, process classifying 10,000 emails", f"{peak_mb:,.0f} MB", "≤ 400 MB", ""),
        ("bundled artifact size", f"{artifact_mb:.1f} MB", "≤ 25 MB", ""),
        (
            "macro-F1 on the test split: shipped (lookup lemmas) vs. spaCy on every email",
            f"{fast_f1:.3f} vs {full_f1:.3f}",
            "no more than 0.01 below",
            f"{fast_f1 - full_f1:+.3f}",
        ),
    ]
    table = "\n".join(
        ["| measure | result | goal | vs. baseline |", "|---|---|---|---|"] + [f"| {' | '.join(row)} |" for row in rows]
    )
    # The imported code's own version: an old editable install can leave stale package metadata.
    versions = f"clientflags {clientflags.__version__} (model {model.version}), " + ", ".join(
        f"{name} {metadata.version(name)}" for name in ("scikit-learn", "spacy", "fr-core-news-sm", "numpy")
    )
    text = f"""# Benchmark results

*Written by `python benchmarks/bench.py`; do not edit by hand.*

Machine: {os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}; {versions}.
Corpus: the test split replicated to {N_EMAILS:,} emails ({words:.0f} words on average). Throughput is the
best of 3 runs (the machine is shared); evidence sentences are on unless the row says otherwise.

{table}
"""
    (ROOT / "benchmarks" / "RESULTS.md").write_text(text, encoding="utf-8")
    print(table)
    print("\nwrote benchmarks/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
