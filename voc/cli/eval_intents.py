"""`voc eval intents DATA`: accuracy, macro-F1, per-class figures and top confusions of an intent model."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from voc.cli.common import console, handle_errors, load_config, safe_texts
from voc.cli.eval import eval_app
from voc.cli.intents import FEATURES_HELP, TRAIN, WEIGHT_HELP, train_overrides, train_warnings
from voc.config import EmbedConfig
from voc.errors import Errors, VocError


@eval_app.command("intents")
@handle_errors
def eval_intents(
    data: Path = typer.Argument(..., help="Labelled CSV (text,label or text,category) or "
                                          "a CLINC150 JSON (train/val + oos_train/oos_val)."),
    model: Optional[Path] = typer.Option(None, "--model", "-m", help="A trained artifact from `voc intents train` "
                                                                     "(evaluated on all of DATA, or CLINC val)."),
    zero_shot: bool = typer.Option(False, "--zero-shot", help="Evaluate the zero-shot taxonomy classifier "
                                                              "(labels must be taxonomy intent names)."),
    taxonomy: Optional[Path] = typer.Option(None, "--taxonomy", help="Taxonomy YAML for --zero-shot (default: the shipped one)."),
    cv: int = typer.Option(5, "--cv", min=2, help="Folds of cross-validation when neither --model nor --zero-shot is given."),
    folds: Optional[int] = typer.Option(None, "--folds", min=1, help="Stop after this many folds (for a quick estimate)."),
    text_col: Optional[str] = typer.Option(None, "--text-col"),
    label_col: Optional[str] = typer.Option(None, "--label-col"),
    config_path: Optional[Path] = typer.Option(None, "--config", "-c", help=(
        "Pipeline config YAML: its intent.train and embed sections apply to the classifier trained here "
        "(options below override them).")),
    c: Optional[float] = typer.Option(None, "--C", min=1e-6, help=(
        f"Regularisation of the classifier trained for CV / CLINC. Default: {TRAIN.C} (C in intent.train of the config).")),
    features: Optional[str] = typer.Option(None, "--features", help=FEATURES_HELP),
    tfidf_weight: Optional[str] = typer.Option(None, "--tfidf-weight", help=WEIGHT_HELP),
    threshold: Optional[float] = typer.Option(None, "--threshold", min=0.0, max=1.0, help="Override the 'unknown' threshold."),
    seed: Optional[int] = typer.Option(None, "--seed", help=(
        f"Random seed of the folds and the classifier. Default: {TRAIN.seed} (seed in intent.train of the config).")),
    precision: Optional[str] = typer.Option(None, "--precision", help=(
        "Encoder precision for the classifier trained here: fp32, int8 (ONNX, CPU), fp16 (GPU) or auto. "
        f"Default: {EmbedConfig().precision} (precision in embed of the config).")),
    top: int = typer.Option(30, "--top", min=0, help="Per-class rows shown (worst F1 first); --json has all."),
    as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON."),
) -> None:
    """Evaluate intent classification on labelled data.

    CSV: k-fold CV of a classifier trained on it (default), a saved --model, or --zero-shot.
    CLINC150 JSON: train on train (+oos_train for the threshold) or use --model; report in-scope
    accuracy and out-of-scope recall on val + oos_val at the threshold.
    """
    from voc.nlp.evaluation import format_report
    from voc.nlp.intent.classifier import IntentClassifier
    from voc.nlp.intent.data import is_clinc, read_clinc, read_csv
    from voc.nlp.intent.evaluate import cv_intents, evaluate_clinc, evaluate_predictions

    if model is not None and zero_shot:
        raise VocError(Errors.E104, option="--zero-shot", value=True, detail="give either --model or --zero-shot",
                       command="eval intents")
    overrides = train_overrides(c=c, features=features, tfidf_weight=tfidf_weight, threshold=threshold, seed=seed,
                                command="eval intents")
    say = (lambda m: console.print(m, highlight=False))
    if precision is not None:
        if precision not in ("auto", "fp32", "int8", "fp16"):
            raise VocError(Errors.E104, option="--precision", value=precision, detail="use fp32, int8, fp16 or auto",
                           command="eval intents")
        overrides["embed.precision"] = precision
    conf = load_config(config_path, overrides)
    train_warnings(conf.intent.train, tfidf_weight_given=tfidf_weight is not None)
    params = IntentClassifier.from_config(conf.intent.train, embed=conf.embed).get_params()
    seed = params["seed"]
    clf = None
    if model is not None:
        clf = IntentClassifier.load(model)
        from voc.cli.common import print_warnings
        from voc.nlp.intent.precision import precision_warning

        mismatch = precision_warning(str(model), clf.embed_precision_, clf.embedder().precision, EmbedConfig().precision)
        print_warnings([mismatch] if mismatch else [], console)
    elif zero_shot:
        from voc.nlp.intent.taxonomy import load_taxonomy
        from voc.nlp.intent.zero_shot import ZeroShotIntentClassifier
        clf = ZeroShotIntentClassifier(load_taxonomy(taxonomy), threshold=threshold).fit()
    if clf is not None and threshold is not None and hasattr(clf, "threshold_"):
        clf.threshold_ = threshold
        if hasattr(clf, "ood_rule_"):
            clf.ood_rule_ = None  # a threshold given by hand is a confidence threshold: distance not used

    if is_clinc(data):
        splits = read_clinc(data)
        report = evaluate_clinc(splits, clf=clf, params=params, log=say)
        report["data"] = str(data)
    else:
        ds = read_csv(data, text_col=text_col, label_col=label_col)
        if ds.skipped:
            say(f"[yellow]{len(ds.skipped)} row(s) left out[/] (first: {'; '.join(safe_texts(list(ds.skipped[:3])))})")
        if clf is not None:
            labels, conf = clf.predict(ds.texts)
            report = evaluate_predictions(ds.labels, labels, conf, threshold=clf.threshold_)
        else:
            say(f"{cv}-fold cross-validation on {len(ds.texts)} examples ...")
            res = cv_intents(ds.texts, ds.labels, params=params, k=cv, seed=seed, folds=folds, log=say)
            report = res["pooled"]
            report.update({k: res[k] for k in ("k", "folds_run", "accuracy_mean", "accuracy_std", "macro_f1_mean",
                                               "macro_f1_std", "folds", "params")})
        report["data"] = str(data)
        report["rows_left_out"] = len(ds.skipped)
    if as_json:
        typer.echo(json.dumps(report, indent=2, default=str))
        return
    if "accuracy_mean" in report:
        typer.echo(f"{report['folds_run']}-of-{report['k']}-fold CV: "
                   f"accuracy {report['accuracy_mean']:.4f} ± {report['accuracy_std']:.4f}, "
                   f"macro-F1 {report['macro_f1_mean']:.4f} ± {report['macro_f1_std']:.4f}  (pooled out-of-fold below)")
    if "in_scope_accuracy_closed_set" in report:
        typer.echo(f"in-scope accuracy without the threshold (closed set): {report['in_scope_accuracy_closed_set']:.4f}")
    typer.echo(format_report(report, max_classes=top, sort_by="f1"))
