import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from clientflags.cli import main
from tests.conftest import TINY_LABELS


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "clientflags", *args], input=stdin, capture_output=True, text=True, timeout=300
    )


def test_classify_json_through_a_subprocess():
    done = run("classify", "--json", "Pas d'acompte : je paierai quand j'aurai vu le résultat.")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert set(payload) >= {"labels", "scores", "flagged", "flags", "model_version", "warnings"}
    assert len(payload["scores"]) == 10


def test_classify_from_stdin_and_files(tmp_path):
    mail = tmp_path / "mail.txt"
    mail.write_text("Merci pour votre devis, je vous confirme la commande.", encoding="utf-8")
    done = run("classify", "--file", str(mail), "-", stdin="Bonjour, la réunion est confirmée pour jeudi.")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("« ") == 2 and "Aucun signal" in done.stdout


def test_human_output_shows_evidence_and_advice():
    done = run("classify", "Bonjour,\nPas d'acompte pour moi : je paierai tout à la livraison.\nBonne journée")
    assert done.returncode == 0, done.stderr
    assert "Refuse l'acompte" in done.stdout
    assert "« Pas d'acompte pour moi" in done.stdout  # the evidence sentence
    assert "→ Ne commencez pas sans acompte" in done.stdout


def test_help_is_useful():
    for command in ([], ["classify"], ["train"], ["evaluate"], ["info"]):
        done = run(*command, "--help")
        assert done.returncode == 0 and "usage: clientflags" in done.stdout


def test_bad_input_exits_2_without_traceback(tmp_path):
    done = run("classify", "--file", str(tmp_path / "missing.txt"))
    assert done.returncode == 2 and "No such file" in done.stderr and "Traceback" not in done.stderr
    done = run("evaluate", str(tmp_path / "missing.csv"))
    assert done.returncode == 2 and "No such data file" in done.stderr
    done = run("classify", "--model", str(tmp_path / "nope.joblib"), "Bonjour")
    assert done.returncode == 2 and "No model file" in done.stderr


def test_train_then_evaluate_and_classify_with_the_new_model(tiny_csv, tmp_path, capsys):
    model_path = tmp_path / "m.joblib"
    code = main(
        ["train", str(tiny_csv), "-o", str(model_path), "--labels", ",".join(TINY_LABELS), "--test", str(tiny_csv)]
    )
    out = capsys.readouterr().out
    assert code == 0 and model_path.is_file() and model_path.with_suffix(".report.md").is_file()
    assert "Cross-validation" in out and "Held-out evaluation" in out
    assert main(["evaluate", str(tiny_csv), "--model", str(model_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n_examples"] == 36 and [m["label"] for m in report["per_label"]] == list(TINY_LABELS)
    assert main(["classify", "--model", str(model_path), "--scores", "Pas d'acompte, je paie à la fin."]) == 0
    assert "refuses_deposit" in capsys.readouterr().out
    assert main(["info", "--model", str(model_path)]) == 0
    assert "model_version" in capsys.readouterr().out


def test_train_reports_data_errors(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("body,labels\nBonjour,\n", encoding="utf-8")
    assert main(["train", str(bad), "-o", str(tmp_path / "m.joblib")]) == 2
    assert "--text-col" in capsys.readouterr().err


def test_info_of_the_bundled_model(capsys):
    assert main(["info", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["labels"]) == 10


@pytest.mark.parametrize("argv", [["classify", "--json", "--model"], ["nope"]])
def test_usage_errors(argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_scan_prints_a_table_per_client(capsys):
    folder = Path(__file__).resolve().parent / "fixtures" / "emails"
    assert main(["scan", str(folder), "--me", "camille@studio-roux.fr", "--by-sender"]) == 0
    out, err = capsys.readouterr()
    assert "nadia@benali-conseil.com" in out and "risk" in out
    assert "camille@studio-roux.fr" not in out
    assert "2 of your own skipped" in err


def test_scan_writes_csv_and_json(tmp_path, capsys):
    mbox = Path(__file__).resolve().parent / "fixtures" / "thread.mbox"
    assert main(["scan", str(mbox), "--me", "camille@studio-roux.fr", "-o", str(tmp_path / "out.csv")]) == 0
    frame = pd.read_csv(tmp_path / "out.csv")
    assert len(frame) == 5 and "score_late_payment" in frame.columns
    assert main(["scan", str(mbox), "--by-sender", "-o", str(tmp_path / "out.json")]) == 0
    rows = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert {row["sender"] for row in rows} == {"paul@girard-paysage.fr", "camille@studio-roux.fr"}
    assert main(["scan", str(mbox), "-o", str(tmp_path / "out.xlsx")]) == 2
    assert main(["scan", str(tmp_path / "missing.mbox")]) == 2
    assert "No mailbox" in capsys.readouterr().err


def test_a_closed_pipe_ends_quietly(tmp_path):
    # More output than a pipe buffer holds, so that writing really fails once the reader is gone.
    fixtures = Path(__file__).resolve().parent / "fixtures" / "emails"
    for copy in range(25):
        folder = tmp_path / f"copy{copy}"
        folder.mkdir()
        for eml in fixtures.glob("*.eml"):
            (folder / eml.name).write_bytes(eml.read_bytes())
    code = (
        "import subprocess, sys\n"
        "p = subprocess.Popen([sys.executable, '-m', 'clientflags', 'scan', sys.argv[1]],"
        " stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
        "p.stdout.readline(); p.stdout.close()\n"
        "err = p.stderr.read().decode(); p.wait()\n"
        "print('Traceback' in err, p.returncode)\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.stdout.split() == ["False", "0"], done.stdout + done.stderr
