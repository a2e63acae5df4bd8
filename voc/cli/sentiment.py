"""`voc sentiment train DATA --out PATH`: train the sentiment classifier of the ``trained`` backend.

The shipped weights (voc/nlp/sentiment/models/tweeteval_lr.json) are regenerated exactly with
    voc sentiment train ../shared/data/tweeteval_sentiment --distant ../shared/data/banking77 \
        --out voc/nlp/sentiment/models/tweeteval_lr.json
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from voc.cli.app import app
from voc.cli.common import handle_errors

sentiment_app = typer.Typer(help="Train the sentiment classifier (see also `voc eval sentiment`).", no_args_is_help=True)
app.add_typer(sentiment_app, name="sentiment")


@sentiment_app.command("train")
@handle_errors
def train(
    data: Path = typer.Argument(..., help="A TweetEval folder (val_text.txt + val_labels.txt) or a CSV with text,label columns."),
    out: Path = typer.Option(..., "--out", "-o", help="Where to write the model (JSON); pass it later as sentiment.model."),
    cv: int = typer.Option(5, "--cv", help="Folds of the cross-validation reported before the final fit (0: skip)."),
    seed: int = typer.Option(42, "--seed"),
    split: Optional[str] = typer.Option(None, "--split", help="TweetEval split to read (val, train, "
                                                              "test); default the first present."),
    text_col: Optional[str] = typer.Option(None, "--text-col"),
    label_col: Optional[str] = typer.Option(None, "--label-col"),
    device: str = typer.Option("auto", "--device", help="Device of the sentence encoder: auto | cpu | cuda."),
    precision: str = typer.Option("fp32", "--precision", help="Precision of the sentence encoder the model is trained on: fp32 "
                                                              "| int8 (a model is used with vectors of the same precision)."),
    c_grid: str = typer.Option("0.001,0.003,0.01", "--c-grid", help="Regularisation strengths C tried by inner "
                                                                    "CV (comma-separated; one value: no search)."),
    negative_recall_floor: Optional[float] = typer.Option(None, "--neg-recall", help=(
        "Class-prior calibration: the bias on the logits with the best inner-CV macro-recall among those reaching "
        "this negative recall (0: best macro-recall, no floor). Default: the recipe's, 0.75.")),
    calibrate: bool = typer.Option(True, "--calibrate/--no-calibrate", help="Learn the class-prior bias (off: "
                                                                            "the plain balanced regression)."),
    distant: Optional[list[Path]] = typer.Option(None, "--distant", help=(
        "Add distant-label examples from a labelled support-intent data set (Banking77 train.csv or a CLINC150 JSON, or "
        "their folder; repeatable): intents that report a problem become negative, plain requests neutral "
        "(the mapping is service_intents.yaml beside voc's sentiment code). The shipped model uses the Banking77 "
        "folder.")),
    distant_weight: Optional[float] = typer.Option(None, "--distant-weight", help=(
        "Weight of one distant-label example (a labelled example weighs 1). Default: the recipe's, measured in "
        "docs/evaluation.md.")),
) -> None:
    """Train logistic regression on sentence embeddings + VADER scores; prints cross-validated figures."""
    from voc.config import EmbedConfig
    from voc.errors import Errors, VocError
    from voc.nlp.sentiment.data import load_sentiment_data
    from voc.nlp.sentiment.distant import distant_data, load_intent_mapping
    from voc.nlp.sentiment.features import SentimentFeaturizer
    from voc.nlp.sentiment.linear import save_artifact
    from voc.nlp.sentiment.train import DISTANT_WEIGHT, NEGATIVE_RECALL_FLOOR, train_artifact

    if cv == 1 or cv < 0:
        raise VocError(Errors.E104, option="--cv", value=cv, detail="use 0 (no CV) or at least 2 folds",
                       command="sentiment train")
    try:
        grid = tuple(float(v) for v in c_grid.split(",") if v.strip())
        if not grid or min(grid) <= 0:
            raise ValueError
    except ValueError:
        raise VocError(Errors.E104, option="--c-grid", value=c_grid, detail="give positive numbers separated by commas",
                       command="sentiment train") from None
    if distant_weight is not None and not distant_weight > 0:
        raise VocError(Errors.E104, option="--distant-weight", value=distant_weight, detail="use a weight above 0",
                       command="sentiment train")
    ds = load_sentiment_data(data, split=split, text_col=text_col, label_col=label_col)
    typer.echo(f"training on {len(ds)} texts from {ds.source} "
               f"({', '.join(f'{c} {ds.labels.count(c)}' for c in ('negative', 'neutral', 'positive'))})", err=True)
    cmd = (f"voc sentiment train {data.name} --out {out.name}" + (f" --cv {cv}" if cv != 5 else "")
           + (f" --seed {seed}" if seed != 42 else ""))
    if precision not in ("fp32", "int8", "fp16"):
        raise VocError(Errors.E104, option="--precision", value=precision, detail="use fp32, int8 or fp16",
                       command="sentiment train")
    if precision != "fp32":
        cmd += f" --precision {precision}"
    feat = SentimentFeaturizer(EmbedConfig(device=device, precision=precision))
    if c_grid != "0.001,0.003,0.01":
        cmd += f" --c-grid {c_grid}"
    floor_given = negative_recall_floor is not None
    negative_recall_floor = NEGATIVE_RECALL_FLOOR if negative_recall_floor is None else negative_recall_floor
    if negative_recall_floor is not None and not 0.0 <= negative_recall_floor <= 1.0:
        raise VocError(Errors.E104, option="--neg-recall", value=negative_recall_floor, detail="use a recall between 0 and 1",
                       command="sentiment train")
    if not calibrate:
        cmd += " --no-calibrate"
    elif floor_given and negative_recall_floor != NEGATIVE_RECALL_FLOOR:
        cmd += f" --neg-recall {negative_recall_floor}"
    extra = []
    if distant:
        mapping = load_intent_mapping()
        for p in distant:
            d = distant_data(p, mapping=mapping)
            typer.echo(f"distant labels: {len(d)} examples from {d.source} (negative {d.labels.count('negative')}, neutral "
                       f"{d.labels.count('neutral')}; left out: "
                       + (", ".join(f"{n} rows of {why}" for why, n in d.excluded.items()) or "none") + ")", err=True)
            if d.excluded.get("intent not in the mapping"):
                typer.echo(f"warning: {d.excluded['intent not in the mapping']} rows of {p} have an intent that "
                           "voc/nlp/sentiment/service_intents.yaml does not list; they were left out", err=True)
            extra.append(d)
            cmd += f" --distant {p}"
        if distant_weight is not None and distant_weight != DISTANT_WEIGHT:
            cmd += f" --distant-weight {distant_weight:g}"
    elif distant_weight is not None:
        typer.echo("warning: --distant-weight has no effect without --distant", err=True)
    payload = train_artifact(ds.texts, ds.labels, source=ds.source, featurizer=feat, k=cv, seed=seed, grid=grid, command=cmd,
                             negative_recall_floor=negative_recall_floor if calibrate else None, distant=extra,
                             distant_weight=DISTANT_WEIGHT if distant_weight is None else distant_weight)
    save_artifact(payload, out)
    if payload["cv"]:
        c = payload["cv"]
        typer.echo(f"{cv}-fold cross-validation (out-of-fold, C and class bias "
                   f"chosen inside each fold): macro-recall {c['macro_recall']:.4f}  "
                   f"accuracy {c['accuracy']:.4f}  macro-F1 {c['macro_f1']:.4f}")
        typer.echo("recall by class: " + "   ".join(f"{k} {v:.4f}" for k, v in c["per_class_recall"].items()))
        if calibrate:
            u = c["uncalibrated"]
            typer.echo(f"without the class bias (same fold models): macro-recall {u['macro_recall']:.4f}   recall by class: "
                       + "   ".join(f"{k} {v:.4f}" for k, v in u["per_class_recall"].items()))
    typer.echo(f"final model: C={payload['weights']['C']}, class "
               f"bias {payload['weights']['class_bias']} fit on all {len(ds)} texts"
               + "".join(f" + {d['n']} distant-label examples of {d['source']} (weight {d['weight']:g})"
                         for d in payload["trained_on"].get("distant") or []) + "; "
               f"timings {payload['seconds']}; written to {out}")
