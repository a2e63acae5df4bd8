"""`voc eval sentiment DATA`: macro-averaged recall (the TweetEval metric), accuracy, macro-F1,
per-class figures and the top confusions of one or all sentiment backends.

The trained backend is cross-validated automatically (out-of-fold predictions) when DATA holds
texts it was trained on, e.g. the shipped model on TweetEval validation; the output says so.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from voc.cli.common import handle_errors
from voc.cli.eval import eval_app

BACKENDS = ("vader", "trained", "transformers", "auto", "all")


@eval_app.command("sentiment")
@handle_errors
def eval_sentiment(
    data: Path = typer.Argument(..., help="A TweetEval folder (val_text.txt + val_labels.txt, "
                                          "or train_/test_) or a CSV with text,label."),
    backend: str = typer.Option("all", "--backend", "-b", help="vader | trained | transformers | auto | all (vader, "
                                                               "trained, and transformers when --model is a folder)."),
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="Artifact JSON for 'trained', or a "
                                                                     "local model folder for 'transformers'."),
    cv: int = typer.Option(5, "--cv", help="Folds when the trained backend must be "
                                           "cross-validated (its training texts are in DATA)."),
    seed: int = typer.Option(42, "--seed"),
    split: Optional[str] = typer.Option(None, "--split", help="TweetEval split to read (val, train, "
                                                              "test); default the first present."),
    as_json: bool = typer.Option(False, "--json", help="Print the reports as JSON."),
) -> None:
    """Evaluate sentiment backends on labelled data."""
    from voc.config import SentimentConfig
    from voc.errors import Errors, VocError
    from voc.nlp.evaluation import format_report
    from voc.nlp.sentiment.data import load_sentiment_data
    from voc.nlp.sentiment.evaluate import REFERENCE, evaluate_backend

    if backend not in BACKENDS:
        raise VocError(Errors.E104, option="--backend", value=backend, detail=f"use one of {', '.join(BACKENDS)}",
                       command="eval sentiment")
    if cv < 2:
        raise VocError(Errors.E104, option="--cv", value=cv, detail="cross-validation needs at least 2 folds",
                       command="eval sentiment")
    ds = load_sentiment_data(data, split=split)
    if backend == "all":
        names = ["vader", "trained"]
        if model is not None and model.is_dir():
            names.append("transformers")
    else:
        names = [backend]
    reports = []
    for name in names:
        m = None
        if model is not None and (backend != "all" or (name == "transformers") == model.is_dir()):
            m = str(model)
        reports.append(evaluate_backend(ds, name, config=SentimentConfig(model=m), k=cv, seed=seed))
    if as_json:
        typer.echo(json.dumps({"data": ds.source, "n": len(ds), "reports": reports, "reference": REFERENCE}, indent=2,
                              default=str))
        return
    typer.echo(f"data: {ds.source} ({len(ds)} texts)")
    for r in reports:
        typer.echo("")
        typer.echo(f"== {r['backend']}  ({r.get('model') or ''})")
        typer.echo(f"protocol: {r['protocol']}")
        for w in r.get("warnings") or []:
            typer.echo(f"warning: {w}", err=True)
        typer.echo(f"macro-recall (TweetEval metric) {r['macro_recall']:.4f}   accuracy {r['accuracy']:.4f}   "
                   f"macro-F1 {r['macro_f1']:.4f}   wall {r['seconds']:.1f} s")
        typer.echo("recall by class: " + "   ".join(f"{c} {v:.4f}" for c, v in r["per_class_recall"].items()))
        if r.get("uncalibrated"):
            u = r["uncalibrated"]
            typer.echo(f"without the class-prior bias (same folds): macro-recall {u['macro_recall']:.4f}   recall by class: "
                       + "   ".join(f"{c} {v:.4f}" for c, v in u["per_class_recall"].items()))
        typer.echo(format_report(r))
    typer.echo("")
    typer.echo(f"reference: {REFERENCE['model']} scores {REFERENCE['macro_recall'] * 100:.1f} "
               f"macro-recall on the {REFERENCE['split']} split.")
