"""`voc topics show OUT_DIR`: the topics of an analysis (or of a saved topic model) as a table.

    voc topics show out/                  # topics.parquet of `voc analyze --out out/`
    voc topics show out/ --by channel     # topic mix per channel (or --by intent)
    voc topics show out/topic_model       # a saved model: its labels, keywords, training sizes
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from voc.cli.app import app
from voc.cli.common import handle_errors, safe_texts

topics_app = typer.Typer(help="Inspect the topics found by `voc analyze`.", no_args_is_help=True)
app.add_typer(topics_app, name="topics")


def _load_topics(folder: Path):
    from voc import catalog, datasets
    from voc.errors import DatasetError, Errors, VocError
    from voc.nlp.topics.model import META_FILE, TopicModel

    if not folder.exists():
        raise VocError(Errors.E001, path=str(folder))
    if (folder / META_FILE).is_file():
        return TopicModel.load(folder).topic_info_.assign(share=lambda d: d["size"] / max(int(d["size"].sum()), 1))
    path = catalog.find(folder, "topics")
    if path is None:
        raise DatasetError(Errors.E402, dataset="topics", path=str(catalog.path(folder, "topics", "parquet")),
                           detail="no topics table in this folder (was the topics step enabled?)")
    return datasets.read_table(path, dataset="topics")


@topics_app.command("show")
@handle_errors
def show(
    folder: Path = typer.Argument(..., help="An output folder of `voc analyze`, or a saved topic_model folder."),
    by: Optional[str] = typer.Option(None, "--by", help="Also show the topic mix per value of "
                                                        "this contacts column: intent | channel."),
    docs: int = typer.Option(1, "--docs", help="Representative (redacted) messages to show per topic."),
    top: int = typer.Option(30, "--top", help="Show at most this many topics."),
) -> None:
    """Print topic id, label, size, share and keywords (and example messages)."""
    from rich.console import Console
    from rich.table import Table

    from voc import catalog, datasets
    from voc.errors import DatasetError, Errors, VocError

    if docs < 0 or top < 1:
        raise VocError(Errors.E104, option="--docs/--top", value=(docs, top), detail="use --docs >= 0 and --top >= 1",
                       command="topics show")
    table_df = _load_topics(folder)
    console = Console()
    t = Table(title=f"Topics in {folder}", show_lines=docs > 0)
    for col, kw in (("id", {"justify": "right"}), ("label", {}), ("size", {"justify": "right"}),
                    ("share", {"justify": "right"}), ("keywords", {})):
        t.add_column(col, **kw)
    if docs:
        t.add_column("example", overflow="fold")

    def as_list(v) -> list[str]:
        if v is None or isinstance(v, float):
            return []
        if isinstance(v, str):
            return [s for s in v.split(" | ") if s]
        return [str(x) for x in v]

    shown = list(table_df.head(top).itertuples())
    # labels, keywords and example messages pass the redactor (and lose control characters) before printing:
    # the run redacted them already unless --no-redact was given, this is the last door
    texts: list[str] = []
    for r in shown:
        texts.append(str(r.label))
        texts.append(", ".join(as_list(r.keywords)[:6]))
        texts.append("\n".join(f"“{d[:160]}”" for d in as_list(getattr(r, "representative_docs", None))[:docs]) if docs else "")
    safe = safe_texts(texts, names=True)
    for k, r in enumerate(shown):
        label, keywords, example = safe[3 * k:3 * k + 3]
        row = [str(r.topic_id), label, f"{int(r.size):,}", f"{float(getattr(r, 'share', 0.0)):.1%}", keywords]
        if docs:
            row.append(example)
        t.add_row(*row)
    console.print(t)

    if by:
        from voc.nlp.topics.analytics import topic_crosstab

        path = catalog.find(folder, "contacts")
        if path is None:
            raise DatasetError(Errors.E402, dataset="contacts", path=str(catalog.path(folder, "contacts", "parquet")),
                               detail="--by needs the contacts table of `voc analyze`")
        contacts = datasets.read_table(path, dataset="contacts")
        if by not in contacts.columns:
            raise VocError(Errors.E104, option="--by", value=by, detail="contacts have no such column; try intent or channel",
                           command="topics show")
        wide = topic_crosstab(contacts, by)
        x = Table(title=f"Topic share per {by} (each column sums to 100%)")
        x.add_column("topic")
        for c in wide.columns:
            x.add_column(str(c), justify="right")
        for label, row in wide.iterrows():
            x.add_row(safe_texts([str(label)])[0], *[f"{v:.0%}" if v else "" for v in row.tolist()])
        console.print(x)


@topics_app.command("label")
@handle_errors
def label(
    model_dir: Path = typer.Argument(..., help="A saved topic model folder (<out>/topic_model of `voc analyze`)."),
    labels: Optional[Path] = typer.Argument(None, help="Labels YAML to apply (topic id -> name, merges). Omit with --template."),
    template: Optional[Path] = typer.Option(None, "--template", help="Write a labels YAML listing every topic here, to edit."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Save the labelled model here (default: replace MODEL_DIR)."),
) -> None:
    """Rename and merge the topics of a saved model; the result is saved with the model, so
    `topics.model: <folder>` assigns and names new contacts the same way."""
    from voc.errors import Errors, VocError
    from voc.nlp.topics.labels_file import labels_template
    from voc.nlp.topics.model import META_FILE, TopicModel

    if not (model_dir / META_FILE).is_file():
        raise VocError(Errors.E230, path=str(model_dir), detail=f"{META_FILE} is missing")
    model = TopicModel.load(model_dir)
    if template is not None:
        template.write_text(labels_template(model), encoding="utf-8")
        typer.echo(f"wrote {template}: {model.n_topics_} topics; edit the names, add merges, then run "
                   f"`voc topics label {model_dir} {template}`")
        if labels is None:
            return
    if labels is None:
        raise VocError(Errors.E104, option="LABELS", value=None, detail="give a labels YAML, or --template to write one",
                       command="topics label")
    before = model.n_topics_
    model.apply_labels(labels)
    dest = model.save(out or model_dir)
    typer.echo(f"saved {dest}: {model.n_topics_} topics (was {before}); labels from {labels}")
