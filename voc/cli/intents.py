"""`voc intents train`: fit an intent classifier on labelled examples and save it as an artifact folder."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Optional

import typer

from voc.cli.app import app
from voc.cli.common import console, handle_errors, load_config, parse_weight, safe_texts
from voc.config import EmbedConfig, IntentTrainConfig
from voc.errors import Errors, VocError

intents_app = typer.Typer(help="Train intent classifiers on your labelled contacts.", no_args_is_help=True)
app.add_typer(intents_app, name="intents")


TRAIN = IntentTrainConfig()   # defaults shown in --help; the values used come from the config (intent.train)
FEATURES_HELP = ("stacked (the embedding head + a linear SVM on word and character n-grams, weights by inner CV; "
                 "Banking77 93.04% vs 92.72%, ~2x the training time) | embedding+tfidf (a second head on character "
                 "n-grams, fused with --tfidf-weight) | embedding. "
                 f"Default: {TRAIN.feature_set} (feature_set in intent.train of the config).")
WEIGHT_HELP = ("Weight of the n-gram head's log-probabilities: a number >= 0, or 'auto' (chosen on the held-out split). "
               f"Default: {TRAIN.tfidf_weight} (tfidf_weight in intent.train of the config).")


def train_overrides(*, c: Optional[float] = None, features: Optional[str] = None, tfidf_weight: Optional[str] = None,
                    threshold: Optional[float] = None, finetune: Optional[bool] = None, epochs: Optional[int] = None,
                    seed: Optional[int] = None, command: str) -> dict[str, Any]:
    """The ``intent.train`` keys the command-line options set (options left out keep the config's value)."""
    if features is not None and features not in ("stacked", "embedding", "embedding+tfidf"):
        raise VocError(Errors.E104, option="--features", value=features, detail="use stacked, embedding or embedding+tfidf",
                       command=command)
    given = {"C": c, "feature_set": features, "threshold": threshold, "finetune": finetune, "finetune_epochs": epochs,
             "seed": seed, "tfidf_weight": None if tfidf_weight is None else parse_weight(tfidf_weight, command=command)}
    return {f"intent.train.{k}": v for k, v in given.items() if v is not None}


def train_warnings(train: IntentTrainConfig, *, tfidf_weight_given: bool) -> None:
    """Settings that have no effect, or a known poor pairing, said before training starts."""
    if tfidf_weight_given and train.feature_set != "embedding+tfidf":
        console.print(f"[yellow]warning:[/] --tfidf-weight has no effect with --features {train.feature_set} "
                      "(only with embedding+tfidf)")
    if train.finetune and train.feature_set == "stacked":
        console.print("[yellow]warning:[/] with fine-tuning the stacked weights are fitted on texts the fine-tuned encoder "
                      "was trained on, so the n-gram head gets ~0 weight (Banking77 fold 1: 93.00%, against 93.25% with "
                      "--features embedding+tfidf, docs/evaluation.md); prefer --finetune --features embedding+tfidf")


@intents_app.command("train")
@handle_errors
def train(
    data: Path = typer.Argument(..., help="Labelled CSV (a text column and a label/category/intent "
                                          "column) or a CLINC150 JSON (its train split)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the model artifact to (replaced atomically)."),
    config_path: Optional[Path] = typer.Option(None, "--config", "-c", help=(
        "Pipeline config YAML: its intent.train and embed sections apply (options below override them).")),
    text_col: Optional[str] = typer.Option(None, "--text-col", help="Text column (default: text, utterance, query or message)."),
    label_col: Optional[str] = typer.Option(None, "--label-col", help="Label column (default: label, category or intent)."),
    finetune: bool = typer.Option(False, "--finetune", help=(
        "Fine-tune the sentence encoder first (slower: minutes per epoch on a CPU); also on when finetune is true "
        "in intent.train of the config.")),
    epochs: Optional[int] = typer.Option(None, "--epochs", min=1, help=(
        f"Fine-tuning epochs (with --finetune). Default: {TRAIN.finetune_epochs} "
        "(finetune_epochs in intent.train of the config).")),
    cv: int = typer.Option(0, "--cv", min=0, help="Also run K-fold cross-validation and "
                                                  "store the figures in the artifact (0: off)."),
    c: Optional[float] = typer.Option(None, "--C", min=1e-6, help=(
        f"Inverse regularisation strength of the logistic regression. Default: {TRAIN.C} (C in intent.train of the config).")),
    features: Optional[str] = typer.Option(None, "--features", help=FEATURES_HELP),
    tfidf_weight: Optional[str] = typer.Option(None, "--tfidf-weight", help=WEIGHT_HELP),
    threshold: Optional[float] = typer.Option(None, "--threshold", min=0.0, max=1.0, help=(
        f"Fixed 'unknown' threshold. Default: {TRAIN.threshold}, fitted on a held-out split "
        "(threshold in intent.train of the config).")),
    model: Optional[str] = typer.Option(None, "--embed-model", help=(
        f"Sentence encoder: the shipped default or a local folder. Default: {EmbedConfig().model} "
        "(model in embed of the config).")),
    device: Optional[str] = typer.Option(None, "--device", help=(
        f"auto | cpu | cuda | mps. Default: {EmbedConfig().device} (device in embed of the config).")),
    seed: Optional[int] = typer.Option(None, "--seed", help=(
        f"Random seed. Default: {TRAIN.seed} (seed in intent.train of the config).")),
    as_json: bool = typer.Option(False, "--json", help="Print the training summary as JSON."),
) -> None:
    """Train an intent classifier and save it (use it with intent.model in the pipeline config)."""
    from voc.nlp.intent.classifier import IntentClassifier
    from voc.nlp.intent.data import is_clinc, read_clinc, read_csv
    from voc.nlp.intent.evaluate import cv_intents

    overrides = train_overrides(c=c, features=features, tfidf_weight=tfidf_weight, threshold=threshold, finetune=finetune or None,
                                epochs=epochs, seed=seed, command="intents train")
    overrides |= {f"embed.{k}": v for k, v in (("model", model), ("device", device)) if v is not None}
    conf = load_config(config_path, overrides)
    train_warnings(conf.intent.train, tfidf_weight_given=tfidf_weight is not None)
    if is_clinc(data):
        splits = read_clinc(data)
        ds = splits["train"]
        texts, labels = list(ds.texts), list(ds.labels)
        if "oos_train" in splits:
            texts += splits["oos_train"].texts
            labels += splits["oos_train"].labels
        skipped = ds.skipped
    else:
        ds = read_csv(data, text_col=text_col, label_col=label_col)
        texts, labels, skipped = ds.texts, ds.labels, ds.skipped
    if skipped:
        console.print(f"[yellow]{len(skipped)} row(s) left out[/] (first: {'; '.join(safe_texts(list(skipped[:3])))})")
    estimator = IntentClassifier.from_config(conf.intent.train, embed=conf.embed)
    params = estimator.get_params()
    say = (lambda m: console.print(m, highlight=False))
    cv_res = None
    if cv:
        if cv < 2:
            raise VocError(Errors.E104, option="--cv", value=cv, detail="use 0 (off) or K >= 2", command="intents train")
        say(f"{cv}-fold cross-validation on {len(texts)} examples ...")
        cv_res = cv_intents(texts, labels, params=params, k=cv, seed=params["seed"], log=say)
        say(f"CV accuracy {cv_res['accuracy_mean']:.4f} ± {cv_res['accuracy_std']:.4f}, "
            f"macro-F1 {cv_res['macro_f1_mean']:.4f} ± {cv_res['macro_f1_std']:.4f}")
    t0 = time.perf_counter()
    clf = estimator.fit(texts, labels, source=str(data))
    if cv_res is not None:
        clf.cv_ = {k: v for k, v in cv_res.items() if k != "pooled"} | {"pooled_accuracy": cv_res["pooled"]["accuracy"],
                                                                       "pooled_macro_f1": cv_res["pooled"]["macro_f1"]}
    clf.save(out)
    summary = {"out": str(out), "n_train": clf.n_train_, "n_oos_train": clf.n_oos_train_, "n_labels": len(clf.classes_),
               "threshold": clf.threshold_, "temperature": clf.temperature_, "holdout": clf.holdout_,
               "embedding_model": clf.model_id_, "embed_precision": clf.embed_precision_,
               "finetuned": clf.encoder_dir_ is not None,
               "seconds": round(time.perf_counter() - t0, 1),
               "rows_left_out": len(skipped), "cv": clf.cv_}
    if as_json:
        typer.echo(json.dumps(summary, indent=2, default=str))
    else:
        ho = clf.holdout_ or {}
        typer.echo(f"saved {out}: {len(clf.classes_)} intents, {clf.n_train_} examples, threshold {clf.threshold_:.3f}"
                   + (f", held-out accuracy {ho['accuracy']:.4f}" if ho.get("accuracy") is not None else "")
                   + f" ({clf.embed_precision_} vectors, {summary['seconds']}s)")


def _contact_texts(folder: Path, conf) -> tuple[list[str], "object", str]:
    """Redacted customer texts and their embeddings: from a `voc analyze` output folder (its contacts
    and messages tables, already redacted) or by reading and redacting a help-desk export folder."""
    import numpy as np

    from voc import datasets
    from voc.nlp.embed import get_embedder
    from voc.schema import customer_text

    if not folder.exists():
        raise VocError(Errors.E001, path=str(folder))
    cpath, mpath = (datasets.find_table(folder, n) if folder.is_dir() else None for n in ("contacts", "messages"))
    if cpath is not None and mpath is not None:
        contacts = datasets.read_table(cpath, dataset="contacts")
        messages = datasets.read_table(mpath, dataset="messages")
        texts = customer_text(messages, contacts).tolist()
        return texts, get_embedder(conf.embed).encode(texts), "voc analyze output"
    from voc.pipeline import components as comp_registry
    from voc.pipeline.batches import concat_batches, read_batches, run_components
    from voc.pipeline.progress import Timer
    from voc.redact.guard import redact_records, terminal_safe

    batches, rejects, stats = read_batches(folder, conf)
    if not batches:
        raise VocError(Errors.E002, path=str(folder), n_files=stats.files, n_rejects=len(rejects),
                       rejects="the reasons printed above (`voc analyze` writes them to rejects.jsonl)")
    if rejects:
        first = redact_records(rejects[:1], conf.redact)[0]
        console.print(f"[yellow]{len(rejects)} record(s) or file(s) rejected[/] while reading (first: "
                      f"{terminal_safe(first.get('reason', first))})", highlight=False)
    names = (["redact"] if conf.redact.enabled else []) + ["embed"]
    steps = {n: comp_registry.build(n, conf) for n in names}
    final = concat_batches(run_components(batches, steps, Timer()))
    texts = customer_text(final.messages, final.contacts).tolist()
    return texts, np.asarray(final.embeddings), "help-desk export"


@intents_app.command("suggest")
@handle_errors
def suggest(
    data: Path = typer.Argument(..., help="A help-desk export folder (as for `voc analyze`) or a `voc analyze` output folder."),
    out: Path = typer.Option(..., "--out", "-o", help="Taxonomy YAML to write (the format of the shipped taxonomy.yaml)."),
    config_path: Optional[Path] = typer.Option(None, "--config", "-c", help="Pipeline config YAML (its redact, "
                                                                            "embed and topics sections apply)."),
    examples: int = typer.Option(8, "--examples", min=1, max=50, help="Example phrases per intent."),
    unknown_share: float = typer.Option(0.05, "--unknown-share", min=0.0, max=0.5,
                                        help="Share of these contacts the calibrated threshold leaves 'unknown'."),
    no_redact: bool = typer.Option(False, "--no-redact", help="Read raw text WITHOUT removing personal "
                                                              "data (examples are copied into the file)."),
    max_intents: Optional[int] = typer.Option(None, "--max-intents", min=2,
                                              help="Merge similar topics until at most this many "
                                                   "intents remain (default: topics.nr_topics, 50)."),
    force: bool = typer.Option(False, "--force", help="Overwrite --out when it exists."),
) -> None:
    """Discover the topics of DATA and write them as an intent taxonomy for a person to edit, then use with
    intent.taxonomy (zero-shot intents without labelled data)."""
    from voc.nlp.intent.suggest import suggest_taxonomy, taxonomy_yaml
    from voc.nlp.intent.taxonomy import load_taxonomy

    if out.exists() and not force:
        raise VocError(Errors.E104, option="--out", value=str(out), detail="the file exists; pass --force to overwrite it",
                       command="intents suggest")
    overrides: dict = {"redact.enabled": False} if no_redact else {}
    if max_intents is not None:
        overrides["topics.nr_topics"] = max_intents
    conf = load_config(config_path, overrides)
    texts, emb, kind = _contact_texts(data, conf)
    console.print(f"{len(texts):,} contacts read ({kind}); discovering topics ...", highlight=False)
    try:
        s = suggest_taxonomy(texts, emb, topics=conf.topics, embed=conf.embed, n_examples=examples,
                             unknown_share=unknown_share, name=f"suggested-from-{data.name or 'contacts'}")
    except ValueError as e:
        raise VocError(Errors.E208, path=str(data), detail=str(e)) from None
    for note in s.model.notes_:
        console.print(f"[dim]note: {note}[/]", highlight=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(taxonomy_yaml(s, source=str(data)), encoding="utf-8")
    tmp.replace(out)
    tax = load_taxonomy(out)  # what was written is a valid taxonomy
    console.print(f"wrote {out}: {len(tax.intents)} intents from {s.n_docs:,} contacts, threshold {tax.threshold}. "
                  "Edit names and descriptions, then set intent.taxonomy to this file.", highlight=False)
