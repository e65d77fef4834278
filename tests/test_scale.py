"""Large batches: worker processes and a local Dask cluster give the same results as one process."""

import pandas as pd
import pytest

from clientflags import classify_frame, classify_many

TEXTS = [
    "Pas d'acompte pour moi, je paie à la livraison quand j'aurai vu le résultat.",
    "Merci pour la facture, le virement part vendredi comme convenu.",
    "La facture ? On vous la règle le mois prochain, la compta a ses délais.",
    "Vous pourriez ajouter trois pages au site, tant que vous y êtes ? Ça devait être inclus.",
    None,
]


def test_classify_frame_adds_labels_and_scores():
    frame = pd.DataFrame({"id": range(len(TEXTS)), "body": TEXTS})
    out = classify_frame(frame, "body", scores=True)
    assert list(out["id"]) == list(frame["id"]) and "labels" not in frame
    assert out.loc[0, "labels"].split("|")[0] == "refuses_deposit"
    assert out.loc[1, "labels"] == "" and not out.loc[1, "flagged"]
    assert out.loc[4, "labels"] == ""
    assert "score_late_payment" in out
    with pytest.raises(ValueError, match="No column 'text'"):
        classify_frame(frame)


def test_bundled_model_workers_match_one_process():
    texts = [t for t in TEXTS if t] * 300
    serial = classify_many(texts, batch_size=128)
    parallel = classify_many(texts, batch_size=128, n_jobs=2)
    assert [r.to_dict() for r in parallel] == [r.to_dict() for r in serial]


@pytest.mark.slow
def test_dask_map_partitions_on_a_local_cluster_of_two_workers():
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")

    frame = pd.DataFrame({"id": range(400), "text": [t or "" for t in TEXTS] * 80})
    expected = classify_frame(frame)
    meta = expected.iloc[:0]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster):
            ddf = dd.from_pandas(frame, npartitions=4)
            got = ddf.map_partitions(classify_frame, meta=meta).compute()
    got = got.sort_values("id").reset_index(drop=True)
    # Dask may store the text column as pyarrow strings; the results are what matter.
    assert got["labels"].tolist() == expected["labels"].tolist()
    assert got["flagged"].tolist() == expected["flagged"].tolist()


def test_classify_frame_rejects_what_is_not_a_frame():
    with pytest.raises(TypeError, match="pandas DataFrame"):
        classify_frame(None)
