"""The command line: `ortaq ingest`, `items`, `quarantine`, `demo`, `serve`, `worker`, `db`."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from typer.core import TyperGroup

from ortaq.batch import ingest_in_parallel
from ortaq.batch.engines import ChainSpec, LocalEngine
from ortaq.chain import Chain, default_chain
from ortaq.config import Settings
from ortaq.exchange.cli import agreements_app, members_app, tokens_app, users_app
from ortaq.ingest import (
    NotRetryable,
    Outcome,
    read_source,
    retry_quarantined,
    sources_from_paths,
)
from ortaq.model import Hints, Item, Rejected
from ortaq.store import Store, StoredItem
from ortaq.summaries import (
    cooperation_table,
    entities_table,
    reading_table,
    stories_table,
    timeline_table,
)
from ortaq.usage import OneLineErrors, UsageProblem
from ortaq.verification_cli import reviews_app
from ortaq.viewer import OPERATOR

if TYPE_CHECKING:
    from ortaq.exchange.worker import Worker


app = typer.Typer(
    cls=OneLineErrors,
    help="Ortaq: a news exchange for partner media organisations.",
    no_args_is_help=True,
)
items_app = typer.Typer(help="Look at stored items.", no_args_is_help=True)
quarantine_app = typer.Typer(
    help="Inputs that could not be ingested, kept with the reason.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema management.", no_args_is_help=True)


class QueryFirstGroup(TyperGroup):
    """`ortaq search WORDS...` runs `ortaq search query WORDS...`; a first word that
    names a subcommand (`reindex`) runs that instead."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own click Context
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["query", *args]
        return super().parse_args(ctx, args)


search_app = typer.Typer(
    cls=QueryFirstGroup,
    help="Full-text search across languages and scripts (ortaq search WORDS...).",
    no_args_is_help=True,
)
eval_app = typer.Typer(
    help="Measure a stage on real data; prints one JSON object.", no_args_is_help=True
)
app.add_typer(items_app, name="items")
app.add_typer(eval_app, name="eval")
stories_app = typer.Typer(
    help="Stories: the same news across members and languages.", no_args_is_help=True
)
app.add_typer(stories_app, name="stories")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(members_app, name="members")
app.add_typer(agreements_app, name="agreements")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(db_app, name="db")
app.add_typer(search_app, name="search")
app.add_typer(reviews_app, name="reviews")
worker_app = typer.Typer(
    help="Feeds in, webhooks out and re-processing, on a schedule (`ortaq worker` runs it)."
)
app.add_typer(worker_app, name="worker")

err = Console(stderr=True, soft_wrap=True)


def _print_version(wanted: bool) -> None:
    if wanted:
        from ortaq import __version__

        print(f"ortaq {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Ortaq: a news exchange for partner media organisations."""


PROGRESS_THRESHOLD = 20  # batches larger than this get a progress bar on a terminal
PARALLEL_MIN_INPUTS = 32  # fewer inputs are read in this process (no pool to start)


def readable_paths(paths: list[str]) -> list[str]:
    """The paths, each an existing, readable file or folder ('-' is stdin): a path that
    is not there is a usage error, not a rejected input."""
    for text in paths:
        if text == "-":
            continue
        path = Path(text)
        if not path.exists():
            raise UsageProblem(f"{text}: no such file or folder")
        if not os.access(path, os.R_OK):
            raise UsageProblem(f"{text}: not readable (permission denied)")
    return paths


def known_format(chain: Chain, name: str | None) -> str | None:
    if name is not None and name not in chain.formats:
        known = ", ".join(chain.formats.names())
        raise UsageProblem(f"--format {name!r}: no such input format (known: {known})")
    return name


def known_member(store: Store, slug: str | None, option: str) -> str | None:
    if slug is not None and store.get_member(slug) is None:
        raise UsageProblem(
            f"{option} {slug!r}: no such member (see `ortaq members list`, "
            "add one with `ortaq members add`)"
        )
    return slug


def open_store(settings: Settings | None = None) -> Store:
    settings = settings or Settings.from_env()
    return Store.open(settings.database_url)


def chain_for(settings: Settings) -> Chain:
    return default_chain(settings.max_input_bytes, settings.item_limits)


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for stdin.")],
    provider: Annotated[str | None, typer.Option(help="Member slug that sent these items.")] = None,
    format: Annotated[
        str | None, typer.Option("--format", help="Force an input format instead of sniffing.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per item.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Processes reading items (default: this machine's cores)."),
    ] = None,
) -> None:
    """Read news items from files and store them; bad input goes to quarantine (exit 1).

    A missing path, an unknown format or member is a usage error (exit 2, nothing stored)."""
    settings = Settings.from_env()
    readable_paths(paths)
    known_format(chain_for(settings), format)
    store = open_store(settings)
    known_member(store, provider, "--provider")
    sources = list(sources_from_paths(paths, settings.max_input_bytes))
    hints = Hints(provider=provider, format=format)
    # the pure chain in a process pool (one worker for a few inputs), one writer here
    engine = LocalEngine(workers if len(sources) >= PARALLEL_MIN_INPUTS else 1)
    spec = ChainSpec.of(settings.max_input_bytes, settings.item_limits, store.list_members())
    engine.start(spec)  # forked before the progress bar's thread starts

    def report(outcome: Outcome) -> None:
        if outcome.kind == "quarantined":
            err.print(f"[red]quarantined[/] {outcome.reason}", highlight=False)
        elif outcome.kind == "skipped":
            err.print(
                f"[yellow]skipped[/] {outcome.source_name}: {outcome.reason}", highlight=False
            )
        if as_json:
            print_json(outcome_json(outcome))

    if len(sources) > PROGRESS_THRESHOLD and err.is_terminal:
        with Progress(
            TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
        ) as progress:
            task = progress.add_task("ingest", total=len(sources))

            def advance(outcome: Outcome) -> None:
                report(outcome)
                progress.advance(task)

            summary = ingest_in_parallel(store, engine, spec, sources, hints, advance)
    else:
        summary = ingest_in_parallel(store, engine, spec, sources, hints, report)
    engine.close()
    counts = summary.as_dict()
    err.print(
        "ingested {new} new, {version} new versions, {unchanged} unchanged, "
        "{status} status changes, {skipped} skipped, {quarantined} quarantined".format(**counts),
        highlight=False,
    )
    if summary.quarantined:
        raise typer.Exit(1)


@app.command()
def batch(
    source: Annotated[
        str | None,
        typer.Argument(help="A folder, a .jsonl/.ndjson or a .parquet dump (or --from-store)."),
    ] = None,
    engine: Annotated[
        str, typer.Option(help="Where the chain runs: local (a process pool) or ray.")
    ] = "local",
    from_store: Annotated[
        bool, typer.Option("--from-store", help="Read every stored item again (a newer model).")
    ] = False,
    provider: Annotated[str | None, typer.Option(help="Member slug that sent these items.")] = None,
    format: Annotated[
        str | None, typer.Option("--format", help="Force an input format instead of sniffing.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Local engine: processes (default: this machine's cores)."),
    ] = None,
    work_dir: Annotated[
        Path | None,
        typer.Option(help="Where an interrupted batch keeps what it read (default: DATA_DIR)."),
    ] = None,
    window: Annotated[
        int | None,
        typer.Option(min=1, help="Records read per run (local 2000, ray 20000 by default)."),
    ] = None,
) -> None:
    """Run the chain over a whole source on an engine; one writer stores the items in
    publication-time order. Killed and started again, it goes on where it stopped.

    Prints one JSON object of counts; exit 1 when anything was quarantined."""
    from ortaq.batch import job_directory, run_batch
    from ortaq.batch.engines import default_engines
    from ortaq.batch.inputs import UsageError, default_batch_inputs, input_for

    settings = Settings.from_env()
    if (source is None) == (not from_store):
        raise UsageProblem("batch: give a SOURCE or --from-store (one of them)")
    engines = default_engines(workers)
    if engine not in engines:
        known = ", ".join(engines.names())
        raise UsageProblem(f"--engine {engine!r}: no such engine (known: {known})")
    if source is not None:
        readable_paths([source])
    known_format(chain_for(settings), format)
    try:
        adapter = input_for(source or ":store:", default_batch_inputs())
    except UsageError as error:
        raise UsageProblem(str(error)) from None
    store = open_store(settings)
    known_member(store, provider, "--provider")
    hints = Hints(provider=provider, format=format)
    spec = ChainSpec.of(settings.max_input_bytes, settings.item_limits, store.list_members())
    where = str(Path(source).resolve()) if source else ":store:"
    job = job_directory(
        work_dir or settings.data_dir / "batch", where, provider or "", format or "",
        settings.database_url,
    )  # fmt: skip
    runner = engines.get(engine)
    runner.window = window or runner.window

    def records(done: Any) -> Any:
        return adapter.records(where, hints, store, settings.max_input_bytes, done)

    try:
        runner.start(spec)  # forked before the progress bar's thread starts
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            console=err, transient=True, disable=engine == "ray" or not err.is_terminal,
        ) as progress:  # fmt: skip
            reading = progress.add_task("read", total=None)
            writing = progress.add_task("write", total=None)
            report = run_batch(
                store, runner, records, spec, job, refresh=from_store,
                on_read=lambda n: progress.advance(reading, n),
                on_written=lambda n: progress.advance(writing, n),
            )  # fmt: skip
    except UsageError as error:
        raise UsageProblem(str(error)) from None
    finally:
        runner.close()
    print_json({"engine": engine, **report.as_dict()})
    if report.counts.get("quarantined"):
        raise typer.Exit(1)


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    data: dict[str, Any] = {"outcome": outcome.kind, "source": outcome.source_name}
    if outcome.saved:
        data.update(id=outcome.saved.item_id, uri=outcome.saved.uri, version=outcome.saved.version)
        if outcome.saved.story:
            data["story"] = outcome.saved.story
    if outcome.item is not None:
        data["item"] = outcome.item.to_json()
    if outcome.reason:
        data["reason"] = outcome.reason
    if outcome.quarantine_id is not None:
        data["quarantine_id"] = outcome.quarantine_id
    return data


def stored_json(stored: StoredItem) -> dict[str, Any]:
    return {"id": stored.id, **stored.item.to_json(), "ingested_at": stored.ingested_at.isoformat()}


def with_members(chain: Chain, rows: list[dict[str, Any]]) -> Chain:
    """The chain whose entities stage recognises the platform's members by every name
    they have: the door reads the store's members, the stage only receives them."""
    from dataclasses import replace

    from ortaq.chain import Stage
    from ortaq.entities import members_stage

    entities = members_stage(rows)
    stages = [Stage("entities", entities) if s.name == "entities" else s for s in chain.stages]
    return replace(chain, stages=stages)


def linked_chain(settings: Settings) -> Chain:
    """The default chain with one entity linker for the whole run, so the people of
    every input are linked across inputs (the default stage links within an item)."""
    from dataclasses import replace

    from ortaq.chain import DEFAULT_STAGES, Stage
    from ortaq.entities import EntityLinker, stage_with

    linker = EntityLinker()
    stages = [
        Stage("entities", stage_with(linker)) if s.name == "entities" else s for s in DEFAULT_STAGES
    ]
    return replace(chain_for(settings), stages=stages)


def print_items(
    paths: list[str],
    chain: Chain,
    report: Callable[[Item], dict[str, Any]],
    as_json: bool,
    summary: Callable[[dict[str, Any]], Table],
) -> None:
    """Run inputs through the chain (no database) and print one report per item: a
    readable table of it, or with --json the report itself."""
    failed = False
    for source in sources_from_paths(readable_paths(paths), chain.max_input_bytes):
        raw, hints = read_source(source), Hints(source_name=source.name)
        outcomes = [raw] if isinstance(raw, Rejected) else chain.process_all(raw, hints)
        for outcome in outcomes:
            if isinstance(outcome, Item):
                if as_json:
                    print_json(report(outcome))
                else:
                    Console().print(summary(report(outcome)))
            elif isinstance(outcome, Rejected):
                failed = True
                err.print(f"[red]rejected[/] {outcome.reason}", highlight=False)
            else:
                err.print(f"[yellow]skipped[/] {outcome.source_name}: {outcome.reason}")
    if failed:
        raise typer.Exit(1)


@app.command("read")
def read_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per item.")] = False,
) -> None:
    """Read items as an editor would (language, headline, dateline, dates); no database."""
    from ortaq.read import Reading

    chain = chain_for(Settings.from_env())
    print_items(paths, chain, lambda item: Reading(item).to_json(), as_json, reading_table)


@app.command("entities")
def entities_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per item.")] = False,
) -> None:
    """People, organisations and places of each item, linked across the inputs."""

    def report(item: Item) -> dict[str, Any]:
        countries = item.derived["countries"].value if "countries" in item.derived else []
        return {
            "source": item.source_name,
            "language": item.language,
            "countries": countries,
            "mentions": [m.to_json() for m in item.mentions or ()],
        }

    print_items(paths, linked_chain(Settings.from_env()), report, as_json, entities_table)


@app.command("cooperation")
def cooperation_command(
    paths: Annotated[list[str], typer.Argument(help="Files, folders, or - for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per item.")] = False,
) -> None:
    """Cooperation events of each item: parties, type, status, when, where, evidence."""

    def report(item: Item) -> dict[str, Any]:
        return {
            "source": item.source_name,
            "language": item.language,
            "events": item.stage_data.get("cooperation", []),
        }

    print_items(paths, linked_chain(Settings.from_env()), report, as_json, cooperation_table)


# The gold-folder layout every `ortaq eval` over real articles reads (docs/evaluation.md).
GoldDir = Annotated[
    Path, typer.Option("--gold", help="Folder of gold JSON files.", exists=True, file_okay=False)
]
ArticlesDir = Annotated[
    Path,
    typer.Option("--articles", help="Folder of the articles.", exists=True, file_okay=False),
]


@eval_app.command("langid")
def eval_langid(
    data: Annotated[
        Path,
        typer.Option("--data", help="TSV of lang<TAB>text lines.", exists=True, dir_okay=False),
    ],
) -> None:
    """Language identification accuracy, per-language P/R and confusions."""
    from ortaq.evaluation.langid import evaluate_langid

    print_json(evaluate_langid(data))


@eval_app.command("cooperation")
def eval_cooperation(
    gold: GoldDir,
    articles: ArticlesDir,
) -> None:
    """Event precision, recall and F1 against gold cooperation lists, per type."""
    from ortaq.evaluation.cooperation import evaluate_cooperation

    print_json(evaluate_cooperation(gold, articles))


@eval_app.command("reading")
def eval_reading(
    gold: GoldDir,
    articles: ArticlesDir,
) -> None:
    """Language, publication date and dateline accuracy against gold readings."""
    from ortaq.evaluation.reading import evaluate_reading

    print_json(evaluate_reading(gold, articles))


@eval_app.command("entities")
def eval_entities(
    gold: GoldDir,
    articles: ArticlesDir,
) -> None:
    """Countries, people and organisations: P/R/F1 with lenient name matching."""
    from ortaq.evaluation.entities import evaluate_entities

    print_json(evaluate_entities(gold, articles))


@eval_app.command("stories")
def eval_stories(
    gold: GoldDir,
    articles: ArticlesDir,
    index: Annotated[
        Path,
        typer.Option(
            "--index", help="index.jsonl with file and story_group.", exists=True, dir_okay=False
        ),
    ],
) -> None:
    """Story grouping against gold story groups: pairwise and BCubed P/R/F1, misses."""
    from ortaq.evaluation.stories import evaluate_stories

    print_json(evaluate_stories(gold, articles, index))


@eval_app.command("linking")
def eval_linking(
    src: Annotated[
        Path,
        typer.Option("--src", help="One side of an X-WMT-style pair.", exists=True, dir_okay=False),
    ],
    tgt: Annotated[
        Path,
        typer.Option("--tgt", help="The other side, line-aligned.", exists=True, dir_okay=False),
    ],
    window: Annotated[
        int, typer.Option("--window", min=1, help="Sentences per pseudo-article.")
    ] = 8,
    keep: Annotated[
        float, typer.Option("--keep", min=0.0, max=1.0, help="Fraction of sentences kept.")
    ] = 1.0,
    shift: Annotated[
        bool, typer.Option("--shift", help="Shift one side by half a window.")
    ] = False,
    seed: Annotated[int, typer.Option("--seed")] = 0,
) -> None:
    """Cross-lingual linking of pseudo-articles: P@1 and MRR in both directions."""
    from ortaq.evaluation.linking import evaluate_linking

    print_json(evaluate_linking(src, tgt, window=window, keep=keep, shift=shift, seed=seed))


@eval_app.command("stream")
def eval_stream(
    data: Annotated[
        Path,
        typer.Option("--data", help="Folder of X-WMT-style files.", exists=True, file_okay=False),
    ],
    window: Annotated[int, typer.Option("--window", min=1)] = 8,
    stride: Annotated[int, typer.Option("--stride", min=1)] = 20,
    keep: Annotated[float, typer.Option("--keep", min=0.0, max=1.0)] = 0.5,
    seed: Annotated[int, typer.Option("--seed")] = 0,
) -> None:
    """Online story clustering of a multilingual stream: pairwise and BCubed P/R/F1."""
    from ortaq.evaluation.stream import evaluate_stream

    print_json(evaluate_stream(data, window=window, stride=stride, keep=keep, seed=seed))


@eval_app.command("neardup")
def eval_neardup(
    data: Annotated[
        Path, typer.Option("--data", help="The shared data folder.", exists=True, file_okay=False)
    ],
    seed: Annotated[int, typer.Option("--seed")] = 0,
) -> None:
    """Near-duplicate detection against brute-force Jaccard on edited real articles."""
    from ortaq.evaluation.neardup import evaluate_neardup

    print_json(evaluate_neardup(data, seed=seed))


@eval_app.command("ner")
def eval_ner(
    lang: Annotated[str, typer.Option("--lang", help="kk, ar or fr (the trained models).")],
    data: Annotated[
        Path,
        typer.Option(
            "--data", help="CoNLL token-tag file or HIPE .tsv.", exists=True, dir_okay=False
        ),
    ],
) -> None:
    """Exact-span NER precision, recall and F1 over PER, LOC and ORG."""
    from ortaq.entities.ner import CRF_LANGUAGES
    from ortaq.evaluation.ner import evaluate_ner

    if lang not in CRF_LANGUAGES:
        raise UsageProblem(f"--lang {lang!r}: no trained model (known: {', '.join(CRF_LANGUAGES)})")
    print_json(evaluate_ner(data, lang))


@eval_app.command("claims")
def eval_claims(
    shared: Annotated[
        Path,
        typer.Option(
            "--shared", help="The shared data folder (../shared).", exists=True, file_okay=False
        ),
    ],
    eval_set: Annotated[
        Path | None,
        typer.Option(
            "--set",
            help="A claims eval set (default: the one shipped).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    entities: Annotated[
        bool, typer.Option("--entities/--no-entities", help="Run the stages on every text.")
    ] = True,
) -> None:
    """Claim matching: precision and recall within a language and across languages."""
    from ortaq.evaluation.claims import DEFAULT_SET, evaluate_claims

    print_json(evaluate_claims(eval_set or DEFAULT_SET, shared.resolve(), entities=entities))


@items_app.command("list")
def items_list(
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    language: Annotated[str | None, typer.Option(help="Only this language (ISO 639-1).")] = None,
    provider: Annotated[str | None, typer.Option(help="Only this member's items.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Current versions of stored items, newest first."""
    store = open_store()
    known_member(store, provider, "--provider")
    rows = store.list_items(limit=limit, language=language, provider=provider, viewer=OPERATOR)
    if as_json:
        for stored in rows:
            print_json(stored_json(stored))
        return
    table = Table("id", "lang", "provider", "v", "status", "headline")
    for stored in rows:
        item = stored.item
        table.add_row(
            str(stored.id),
            item.language or "?",
            item.provider or "",
            str(item.version),
            item.pubstatus,
            (item.headline or "(no headline)")[:80],
        )
    Console().print(table)


@items_app.command("show")
def items_show(
    key: Annotated[str, typer.Argument(help="Item uri or numeric id.")],
    provider: Annotated[
        str | None, typer.Option(help="The publishing member, when several use the uri.")
    ] = None,
    history: Annotated[bool, typer.Option(help="Every version, oldest first.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One item: its fields, how each derived value was found, and its versions."""
    store = open_store()
    stored = _find_item(store, key, provider)
    versions = (
        store.history(stored.item.uri, OPERATOR, provider=stored.item.provider)
        if history
        else [stored]
    )
    for version in versions:
        data = stored_json(version)
        if as_json:
            print_json(data)
        else:
            Console().print_json(json.dumps(data, ensure_ascii=False, default=str))


def _find_item(store: Store, key: str, provider: str | None) -> StoredItem:
    """An item by id, or by uri (and publisher: an item is its publisher's uri)."""
    if key.isdigit():
        found = [store.get(int(key), OPERATOR)]
    elif provider is not None:
        found = [store.get_by_uri(key, OPERATOR, provider=provider)]
    else:
        found = list(store.find_uri(key, OPERATOR))
    matches = [f for f in found if f is not None]
    if not matches:
        raise UsageProblem(f"{key!r}: no such item")
    if len(matches) > 1:
        members = ", ".join(m.item.provider or "(none)" for m in matches)
        raise UsageProblem(f"{key!r} names items of several members ({members}): give --provider")
    return matches[0]


@search_app.command("query")
def search_query(
    words: Annotated[list[str], typer.Argument(help='Words (all must match); "a phrase".')],
    language: Annotated[str | None, typer.Option(help="Only items in this language.")] = None,
    member: Annotated[str | None, typer.Option(help="Only this member's items.")] = None,
    country: Annotated[str | None, typer.Option(help="Only items naming this country.")] = None,
    newest: Annotated[bool, typer.Option("--newest", help="Newest first, not best.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    cursor: Annotated[str | None, typer.Option(help="next_cursor of a previous page.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Items matching every word, best first, with facet counts (the operator's view)."""
    store = open_store()
    known_member(store, member, "--member")
    try:
        results = store.search(
            " ".join(words), viewer=OPERATOR, language=language, member=member,
            country=country, order="newest" if newest else "relevance", limit=limit,
            cursor=cursor,
        )  # fmt: skip
    except ValueError as error:
        raise UsageProblem(str(error)) from None
    if as_json:
        hits = [{**stored_json(h.stored), "score": h.score} for h in results.hits]
        print_json({"total": results.total, "complete": results.complete,
                    "facets": results.facets, "next_cursor": results.next_cursor,
                    "items": hits})  # fmt: skip
        return
    found = f"{results.total}{'' if results.complete else '+'} found"
    table = Table("id", "score", "lang", "provider", "headline", title=found)
    for hit in results.hits:
        item = hit.stored.item
        table.add_row(str(hit.stored.id), f"{hit.score:.3f}", item.language or "?",
                      item.provider or "", (item.headline or "(no headline)")[:80])  # fmt: skip
    Console().print(table)
    for name, counts in results.facets.items():
        if counts:
            listed = ", ".join(f"{value or '-'} {count}" for value, count in counts.items())
            Console().print(f"{name}: {listed}", highlight=False)
    if results.next_cursor:
        Console().print(f"more: --cursor {results.next_cursor}", highlight=False)


@search_app.command("reindex")
def search_reindex() -> None:
    """Index every current item again (after an upgrade that changed the analysis)."""
    done = open_store().reindex()
    err.print(f"indexed {done} items", highlight=False)


@quarantine_app.command("list")
def quarantine_list(
    all_records: Annotated[bool, typer.Option("--all", help="Include resolved records.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Inputs that were rejected, with the reason."""
    records = open_store().quarantine_list(status=None if all_records else "open")
    if as_json:
        for record in records:
            print_json(record.__dict__)
        return
    table = Table("id", "status", "tries", "bytes", "kept", "source", "reason")
    for r in records:
        kept = "yes" if r.bytes_kept else "no"
        row = (str(r.id), r.status, str(r.attempts), str(r.size), kept, r.source_name, r.reason)
        table.add_row(*row)
    Console().print(table)


@quarantine_app.command("show")
def quarantine_show(
    record_id: int,
    raw: Annotated[bool, typer.Option("--raw", help="Write the rejected bytes to stdout.")] = False,
) -> None:
    """One rejected input: the reason, or its original bytes with --raw."""
    found = open_store().quarantine_get(record_id)
    if found is None:
        raise UsageProblem(f"{record_id}: no such quarantine record")
    record, data = found
    if raw:
        if not record.bytes_kept:
            err.print(f"quarantine record {record_id} kept no bytes (refused as too large)")
            raise typer.Exit(1)
        sys.stdout.buffer.write(data)
        return
    print_json({**record.__dict__, "preview": data[:300].decode("utf-8", "replace")})


@quarantine_app.command("retry")
def quarantine_retry(
    record_ids: Annotated[list[int] | None, typer.Argument(help="Record ids.")] = None,
    all_open: Annotated[bool, typer.Option("--all", help="Retry every open record.")] = False,
) -> None:
    """Run rejected inputs through the chain again; exit 1 if any are still rejected."""
    settings = Settings.from_env()
    store = open_store(settings)
    chain = chain_for(settings)
    if all_open:  # records without bytes cannot be run again: ingest them from their source
        ids = [r.id for r in store.quarantine_list("open") if r.bytes_kept]
    else:
        ids = list(record_ids or [])
    if not ids:
        raise UsageProblem("nothing to retry: give record ids or --all")
    unknown = [str(i) for i in ids if store.quarantine_get(i) is None]
    if unknown:  # checked before any is retried: a typo retries nothing
        raise UsageProblem(f"{', '.join(unknown)}: no such quarantine record")
    failed = 0
    for record_id in ids:
        try:
            outcomes = retry_quarantined(store, chain, record_id)
        except (KeyError, NotRetryable) as error:
            err.print(str(error.args[0]))
            failed += 1
            continue
        bad = [o for o in outcomes if o.kind == "quarantined"]
        failed += bool(bad)
        state = f"still rejected: {bad[0].reason}" if bad else f"resolved ({len(outcomes)} results)"
        err.print(f"{record_id}: {state}", highlight=False)
    if failed:
        raise typer.Exit(1)


@stories_app.command("list")
def stories_list(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per story.")] = False,
    limit: Annotated[int | None, typer.Option(help="At most this many stories.")] = None,
) -> None:
    """Stored stories (copies marked), newest first."""
    from ortaq.store.stories import list_stories, parse_story_id

    store = open_store()
    shown, before = 0, None
    while limit is None or shown < limit:
        page = list_stories(
            store, OPERATOR, limit=min(200, limit - shown) if limit else 200, before=before
        )
        if as_json:
            for view in page:
                print_json(view.to_json())
        elif page:
            Console().print(stories_table(view.to_json() for view in page))
        shown += len(page)
        if not page:
            return
        before = parse_story_id(page[-1].id)


@stories_app.command("show")
def stories_show(
    story_id: Annotated[str, typer.Argument(help="A story id from 'ortaq stories list'.")],
    as_json: Annotated[bool, typer.Option("--json", help="The story as JSON.")] = False,
) -> None:
    """One story's provenance: who published which version when, copies, corrections."""
    from ortaq.store.stories import get_story

    found = get_story(open_store(), story_id, OPERATOR)
    if found is None:
        raise UsageProblem(f"{story_id!r}: no such story")
    data = {**found.to_json(), "timeline": found.timeline()}
    if as_json:
        print_json(data)
    else:
        Console().print(timeline_table(data))


@stories_app.command("rebuild")
def stories_rebuild() -> None:
    """Cluster the archive again (after a model change), keeping story ids."""
    store = open_store()
    report = store.story_book.rebuild()
    print_json(report)


@stories_app.command("diff")
def stories_diff(
    uri: Annotated[str, typer.Argument(help="Item uri or numeric id.")],
    old: Annotated[int, typer.Argument(help="Older version number.")],
    new: Annotated[int, typer.Argument(help="Newer version number.")],
    provider: Annotated[
        str | None, typer.Option(help="The publishing member, when several use the uri.")
    ] = None,
) -> None:
    """Word-level diff between two versions of an item."""
    from ortaq.store.stories import version_diff

    store = open_store()
    item = _find_item(store, uri, provider).item
    try:
        changes = version_diff(store, item.uri, old, new, provider=item.provider, viewer=OPERATOR)
    except KeyError as error:
        raise UsageProblem(str(error.args[0])) from None
    print_json([{"op": op, "text": text} for op, text in changes])


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply schema migrations (every command also does this on start)."""
    from alembic.util import CommandError

    store = Store.open(Settings.from_env().database_url, migrate=False)
    try:
        store.upgrade(revision)
    except CommandError as error:  # an unknown revision: alembic checks before it writes
        raise UsageProblem(f"{revision!r}: {error}") from None
    err.print(f"database at revision {store.revision()}")


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision the database is at."""
    store = Store.open(Settings.from_env().database_url, migrate=False)
    print(store.revision() or "(empty)")


@app.command()
def demo(
    reset: Annotated[bool, typer.Option(help="Delete existing data first (SQLite only).")] = False,
) -> None:
    """Load the invented demo corpus: members, stories, corrections and a kill."""
    from ortaq.demo import demo_token, load_demo

    settings = Settings.from_env()
    if reset:
        reset_sqlite(settings)
    store = open_store(settings)
    summary = load_demo(store, chain_for(settings))
    err.print("demo loaded: " + ", ".join(f"{k} {v}" for k, v in summary.items()), highlight=False)
    err.print(
        "demo sign-in (invented accounts, public password): admin / ortaq-demo (operator), "
        "dala / ortaq-demo (Dala Press editor), khaleej / ortaq-demo (Khaleej Wire reader)",
        highlight=False,
    )
    err.print(f"demo API token (operator, read): {demo_token(store)}", highlight=False)


def reset_sqlite(settings: Settings) -> None:
    if not settings.database_url.startswith("sqlite:///"):
        raise UsageProblem("--reset only deletes SQLite files; drop a PostgreSQL database yourself")
    from pathlib import Path

    path = Path(settings.database_url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    with_worker: Annotated[
        bool,
        typer.Option(
            "--with-worker", help="Run the worker in this process too; Ctrl-C stops both."
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes on one socket (uvicorn workers); about one per core.",
        ),
    ] = 1,
) -> None:
    """Serve the web newsroom and the HTTP API."""
    import uvicorn

    from ortaq.api import create_app
    from ortaq.api.access_log import log_config
    from ortaq.api.serving import WORKER_STARTUP_SECONDS, listening_socket, share_secret_key
    from ortaq.exchange.settings import ExchangeSettings
    from ortaq.exchange.worker import on_signals

    exchange = ExchangeSettings.from_env()
    typer.echo(
        "cookies are Secure: sign in over HTTPS (ORTAQ_INSECURE_COOKIES=1 allows plain "
        "HTTP, for local development only)"
        if exchange.cookie_secure
        else "cookies are NOT Secure (ORTAQ_INSECURE_COOKIES): local development only",
        err=True,
    )
    settings = Settings.from_env()
    store = open_store(settings)  # migrates once, before any worker starts
    if workers > 1:
        from uvicorn.supervisors import Multiprocess

        share_secret_key()
        config = uvicorn.Config(
            "ortaq.api.serving:app_from_environment",
            factory=True,
            workers=workers,
            timeout_worker_healthcheck=WORKER_STARTUP_SECONDS,
            log_level="info",
            log_config=log_config(),
        )
        sock = listening_socket(host, port)
        serve_all: Callable[[], None] = Multiprocess(config, sockets=[sock]).run
    else:
        web = create_app(store, exchange)
        config = uvicorn.Config(
            web, host=host, port=port, log_level="info", log_config=log_config()
        )
        serve_all = uvicorn.Server(config).run
    if not with_worker:
        serve_all()
        return
    worker = build_worker(settings, store)
    # uvicorn takes SIGINT/SIGTERM while it serves and raises them again once it has shut
    # down: they then reach the worker, which finishes its attempts and releases the rest.
    with on_signals(worker.stopping.set):
        worker.start()
        try:
            serve_all()
        finally:
            worker.stop()


def build_worker(settings: Settings, store: Store) -> Worker:
    """The production worker; a bad worker setting is named and the command exits 2."""
    from ortaq.exchange.settings import ExchangeSettings
    from ortaq.exchange.worker import Worker, WorkerSettings, default_jobs

    def chain() -> Chain:  # per run: feeds in recognise members added since the start
        return with_members(chain_for(settings), store.list_members())

    log_to_stderr()
    try:
        jobs = default_jobs(store, chain, WorkerSettings.from_env(), ExchangeSettings.from_env())
    except ValueError as error:
        err.print(f"cannot start the worker: {error}", highlight=False)
        raise typer.Exit(2) from None
    return Worker(store, jobs)


def log_to_stderr() -> None:
    """Ortaq's own log lines (job runs, failures) on stderr; libraries stay quiet."""
    logger = logging.getLogger("ortaq")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


@worker_app.callback(invoke_without_command=True)
def worker(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="Run each job once, then exit (cron, checks).")
    ] = False,
) -> None:
    """Poll due feeds, fan out and deliver webhooks, run re-processing hooks, until SIGTERM
    or SIGINT (the attempt under way finishes; claimed rows are released)."""
    if ctx.invoked_subcommand is not None:
        return
    settings = Settings.from_env()
    runner = build_worker(settings, open_store(settings))
    if not once:
        runner.serve()
        return
    results = runner.run_once()
    for name, result in results.items():
        print_json({"job": name, "ok": result is not None, **(result.counts if result else {})})
    if any(result is None for result in results.values()):
        raise typer.Exit(1)


@worker_app.command("status")
def worker_status_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Each job's last run, the webhook queue and the feeds' health (as in /healthz)."""
    from ortaq.store.outbox import worker_status

    status = worker_status(open_store())
    if as_json:
        print_json(status)
        return
    table = Table("job", "runs", "last started", "last ok", "next run", "state", "last error")
    # Times in UTC; `last_error_at` and the last run's counts are in --json.
    for name, job in status["jobs"].items():
        state = "running" if job["running"] else "late" if job["late"] else "idle"
        error = job["last_error"] or "-"
        when = [job["last_started_at"], job["last_ok_at"], job["next_run_at"]]
        table.add_row(name, str(job["runs"]), *map(_seconds, when), state, error)
    console = Console(soft_wrap=True)
    if status["jobs"]:
        console.print(table)
    else:
        console.print("no job has run yet: is `ortaq worker` running?", highlight=False)
    hooks, feeds = status["webhooks"], status["feeds"]
    console.print(
        f"webhook deliveries: {hooks['pending']} pending ({hooks['due']} due), "
        f"{hooks['sending']} sending, {hooks['dead']} dead; "
        f"feeds: {feeds['active']} active, {feeds['failing']} failing, {feeds['due']} due",
        highlight=False,
    )


def _seconds(iso: str | None) -> str:
    """An ISO time as `2026-03-02 09:00:00` (UTC), for a table."""
    return iso[:19].replace("T", " ") if iso else "-"


@app.command()
def formats() -> None:
    """List the input formats Ortaq reads."""
    for adapter in default_chain().formats:
        print(f"{adapter.name}\t{', '.join(adapter.media_types)}\t{', '.join(adapter.extensions)}")


def main() -> None:
    app()
