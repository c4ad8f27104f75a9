"""``make bench``: postloc against po4a, translate-toolkit and msgmerge on one generated corpus.

Usage: ``python bench/run.py [--posts N]`` (N=200 by default). Builds a corpus
from ``source_posts/``, installs the peers if missing (po4a with apt when root,
translate-toolkit in ``bench/work/tt-venv``), times every step (median of
``--repeats`` runs), prints the table and writes ``bench/RESULTS.md``.
Everything runs offline except that one ``pip install translate-toolkit``.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
if importlib.util.find_spec("postloc") is None:
    sys.path.insert(0, str(REPO / "src"))

import engines_bench  # noqa: E402
import mt_floor  # noqa: E402
import peers  # noqa: E402
from postloc_steps import Site, TranslateCounts, cli_command, cli_env  # noqa: E402
from results import Row, Target, machine_description, render_results  # noqa: E402
from timing import measure, run_all, run_process  # noqa: E402

import corpus  # noqa: E402
from postloc.files import atomic_write  # noqa: E402

LANGUAGES = ("en", "es", "ca", "eo")
ONE = ("en",)
EDITS = {"changed": 70, "deleted": 65, "added": 65}


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def guarded(rows: list[Row], notes: list[str], what: str, step: Callable[[], list[Row]]) -> None:
    """Run one section; a failure becomes a note (and the rest of the bench still runs)."""
    try:
        rows.extend(step())
    except Exception as exc:
        traceback.print_exc()
        notes.append(f"{what} failed: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
        rows.append(Row(what, None, note="failed, see notes"))


def restore(snapshot: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(snapshot, target)


class MainCorpus:
    """The N-post corpus: postloc and the peers on the same extraction, update and export."""

    def __init__(self, args: argparse.Namespace, tools: peers.PeerTools, notes: list[str]):
        self.repeats: int = args.repeats
        self.tools = tools
        self.notes = notes
        self.work: Path = args.work / f"corpus-{args.posts}"
        shutil.rmtree(self.work, ignore_errors=True)
        self.site = Site(self.work / "site")
        self.peer_dir = self.work / "peers"
        material = corpus.load_material(REPO / "source_posts")
        self.v1 = corpus.generate_corpus(material, args.posts)
        scale = min(1.0, args.posts / 200)
        edits = {key: round(value * scale) for key, value in EDITS.items()}
        self.v2, self.edits = corpus.edit_corpus(self.v1, material, **edits)
        self.slugs = [post.slug for post in self.v1]
        self.site.root.mkdir(parents=True)
        self.site.configure(LANGUAGES)
        corpus.write_corpus(self.v1, self.site.posts)
        entries = sum(post.segments for post in self.v1)
        self.size = f"{len(self.v1)} posts, ~{entries} entries"
        notes.append(
            f"Corpus: {self.size} generated from source_posts/ (seeded); the edit session "
            f"changes one word in {self.edits.changed} paragraphs, deletes {self.edits.deleted} "
            f"and adds {self.edits.added}."
        )

    def median(
        self, action: Callable[[], object], prepare: Callable[[], object] | None = None
    ) -> float:
        return measure(action, self.repeats, prepare).median

    def extraction(self) -> list[Row]:
        say(f"extract: {self.size}")
        site, tools = self.site, self.tools
        ours = self.median(site.extract, lambda: site.clear("locales/templates"))
        rows = []
        if tools.toolkit_bin:
            out = self.peer_dir / "md2po"
            command = peers.md2po_command(tools, site.posts, out, pot=True)
            theirs = self.median(lambda: run_process(command), lambda: peers.reset_folder(out))
            rows.append(
                Row(f"extract ({self.size} → templates)", ours, "md2po", theirs, Target(0.5, True))
            )
        else:
            rows.append(
                Row(f"extract ({self.size} → templates)", ours, "md2po", None, Target(0.5, True))
            )
        if tools.po4a:
            pots = self.peer_dir / "po4a-pot"
            config = self.peer_dir / "po4a-extract.cfg"
            atomic_write(config, peers.po4a_config(site.posts, self.slugs, pots, None, None))
            command = peers.po4a_command(tools, config, translate=False)
            theirs = self.median(lambda: run_process(command), lambda: peers.reset_folder(pots))
            rows.append(Row("extract", ours, "po4a (POT only)", theirs))
        return rows

    def update(self) -> list[Row]:
        say("update: reviewed v1 catalogues, edited corpus")
        site, tools = self.site, self.tools
        site.clear("locales")
        site.extract()
        site.update(ONE)
        peers.fill_translations(site.catalogues("en"), mark="[en] ")
        site.update(ONE)  # postloc's own formatting, so only the merge shows in the timing
        snapshot = self.peer_dir / "catalogues-v1"
        restore(site.catalogues("en"), snapshot)
        corpus.write_corpus(self.v2, site.posts)
        site.extract()
        ours = self.median(
            lambda: site.update(ONE), lambda: restore(snapshot, site.catalogues("en"))
        )
        ours_fuzzy = peers.count_flag(site.catalogues("en"), "fuzzy")
        step = f"update, en ({self.edits.changed + self.edits.deleted + self.edits.added} edits)"
        if not tools.msgmerge:
            return [Row(step, ours, "msgmerge --previous", None, Target(0.5, True))]
        out = self.peer_dir / "msgmerge"
        commands = peers.msgmerge_commands(tools, snapshot, site.templates, out, self.slugs)
        theirs = self.median(lambda: run_all(commands), lambda: peers.reset_folder(out))
        self.notes.append(
            f"Fuzzy entries after the update: postloc {ours_fuzzy}, "
            f"msgmerge --previous {peers.count_flag(out, 'fuzzy')}, of which "
            f"{peers.count_kept_lenders(out)} took the translation of a paragraph the post "
            "still has (postloc never lends those)."
        )
        return [Row(step, ours, "msgmerge --previous", theirs, Target(0.5, True))]

    def translate(self) -> list[Row]:
        say("translate: pseudo engine, cold and from memory")
        site = self.site
        counts: list[TranslateCounts] = []

        def fresh(*state: str) -> Callable[[], None]:
            def prepare() -> None:
                site.clear("locales/en", *state)
                site.update(ONE)

            return prepare

        cold = self.median(lambda: counts.append(site.translate(ONE)), fresh(".postloc"))
        warm_counts: list[TranslateCounts] = []
        warm = self.median(lambda: warm_counts.append(site.translate(ONE)), fresh())
        self.notes.append(
            f"translate, en: cold run {counts[-1].describe()}; "
            f"second run {warm_counts[-1].describe()}."
        )
        return [
            Row(f"translate, en, pseudo engine, cold ({self.size})", cold),
            Row("translate, en, from memory (2nd run: engine_segments 0)", warm),
        ]

    def export(self) -> list[Row]:
        say("export: postloc, po2md, po4a")
        site, tools = self.site, self.tools
        ours = self.median(lambda: site.export(ONE), lambda: _cold_export(site))
        rows = []
        step = f"export, en ({len(self.v2)} posts)"
        if tools.toolkit_bin:
            catalogues = peers.reset_folder(self.peer_dir / "tt-po")
            run_process(peers.md2po_command(tools, site.posts, catalogues, pot=False))
            peers.fill_translations(catalogues)
            out = self.peer_dir / "po2md"
            command = peers.po2md_command(tools, site.posts, catalogues, out)
            theirs = self.median(lambda: run_process(command), lambda: peers.reset_folder(out))
            rows.append(Row(step, ours, "po2md", theirs, Target(0.5, True)))
        else:
            rows.append(Row(step, ours, "po2md", None, Target(0.5, True)))
        if tools.po4a:
            pots, pos, out = (self.peer_dir / name for name in ("po4a-pot2", "po4a-po", "po4a-out"))
            pos.mkdir(parents=True, exist_ok=True)
            config = self.peer_dir / "po4a-translate.cfg"
            atomic_write(config, peers.po4a_config(site.posts, self.slugs, pots, pos, out))
            run_process(peers.po4a_command(tools, config, translate=False))
            peers.fill_translations(pos)
            command = peers.po4a_command(tools, config, translate=True)
            theirs = self.median(lambda: run_process(command), lambda: peers.reset_folder(out))
            rows.append(Row("export", ours, "po4a (translate)", theirs))
        return rows

    def sync(self) -> list[Row]:
        say("full sync: 4 languages, pseudo")
        site = self.site
        ours = self.median(site.sync, lambda: site.clear("locales", "build", ".postloc"))
        return [Row(f"full sync, 4 languages, pseudo ({self.size}, library)", ours)]


def _cold_export(site: Site) -> None:
    """Before each export run: no exports on disk and no shapes kept from the last run, so the
    median is what a user's one ``postloc export`` costs, not a warm process's."""
    from postloc.qa.document import forget_shapes

    site.clear("build")
    forget_shapes()


def files_changed_since(root: Path, moment: float) -> int:
    return sum(
        1
        for path in root.rglob("*")
        if path.is_file() and ".postloc" not in path.parts and path.stat().st_mtime >= moment
    )


def big_site(args: argparse.Namespace, notes: list[str]) -> list[Row]:
    """1,000 posts × 4 languages: first full sync (time, peak RSS), then one-paragraph edits."""
    count = args.big_posts
    say(f"big site: {count} posts × 4 languages, first full sync (CLI)")
    site = Site(args.work / f"site-{count}")
    shutil.rmtree(site.root, ignore_errors=True)
    site.root.mkdir(parents=True)
    site.configure(LANGUAGES)
    material = corpus.load_material(REPO / "source_posts")
    posts = corpus.generate_corpus(material, count, seed=60)
    corpus.write_corpus(posts, site.posts)
    env = cli_env()
    first = run_process(site.cli("sync"), env=env)
    size = f"{count} posts × 4 languages"
    rows = [
        Row(f"full sync, CLI, first run ({size}, 1 run)", first.seconds),
        Row(
            f"peak RSS of that full sync ({size})",
            first.max_rss_mb,
            target=Target(300, False),
            unit="MB",
        ),
    ]
    revisions = itertools.count(1)
    changed: list[int] = []
    started: list[float] = []

    def edit() -> None:
        if started:  # what the previous run rewrote (counted outside the timed region)
            changed.append(files_changed_since(site.root, started[-1]))
        revision = next(revisions)
        index = (revision * 37) % len(posts)
        posts[index] = corpus.touch_paragraph(posts[index], revision)
        atomic_write(site.posts / f"{posts[index].slug}.md", posts[index].render())
        time.sleep(0.01)
        started.append(time.time())

    def cli_sync() -> None:
        run_process(site.cli("sync"), env=env)

    say("incremental sync after a one-paragraph edit (CLI, then library)")
    cli = measure(cli_sync, args.repeats, edit)
    library = measure(site.sync, args.repeats, edit)
    changed.append(files_changed_since(site.root, started[-1]))
    notes.append(
        f"Incremental sync: files rewritten per one-paragraph edit: {sorted(set(changed))} "
        "(expected 10: 1 template, 4 catalogues, 4 exports and the export record "
        "locales/exports.json, whose hashes of those 4 exports change)."
    )
    return [
        *rows,
        Row(
            f"incremental sync, one paragraph edited ({size}, CLI)",
            cli.median,
            target=Target(2.0, False),
        ),
        Row(f"incremental sync, one paragraph edited ({size}, library)", library.median),
    ]


def help_row() -> list[Row]:
    say("postloc --help start-up")
    command = [*cli_command(), "--help"]
    env = cli_env()
    timing = measure(lambda: run_process(command, env=env), 5)
    return [
        Row("`postloc --help` start-up (median of 5)", timing.median, target=Target(0.3, False))
    ]


def mt_rows(args: argparse.Namespace, notes: list[str]) -> list[Row]:
    material = corpus.load_material(REPO / "source_posts")
    segments = corpus.sample_paragraphs(material, args.mt_segments)
    baseline = args.mt_baseline_repeats
    say(f"MT: Apertium, {len(segments)} segments")
    comparisons = [engines_bench.apertium_bench(segments, args.repeats, baseline)]
    say(f"MT: Argos base-sized model, {len(segments)} segments (builds the model first)")
    comparisons.append(
        engines_bench.argos_bench(segments, args.work / "argos", args.repeats, baseline)
    )
    rows = []
    for item in comparisons:
        batched = item.batched.median if item.batched else None
        per = item.per_segment.median if item.per_segment else None
        if item.note:
            notes.append(f"{item.name}: {item.note}")
        if batched and per:
            notes.append(f"{item.name}: batched is {per / batched:.1f}× faster (goal ≥ 3×).")
        runs = f"median of {args.repeats}; baseline {baseline} run{'s' if baseline > 1 else ''}"
        rows.append(
            Row(
                f"{item.name}, batched", batched, item.baseline, per, Target(1 / 3, True), note=runs
            )
        )
    return rows


def tool_versions(tools: peers.PeerTools) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    import postloc

    found = {"postloc": postloc.__version__, "translate-toolkit": tools.toolkit_version}
    for name in ("argostranslate", "ctranslate2", "polib", "babel", "markdown-it-py"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200, help="corpus size (default 200)")
    parser.add_argument("--big-posts", type=int, default=1000, help="incremental-sync site size")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--mt-segments", type=int, default=500)
    parser.add_argument(
        "--mt-baseline-repeats",
        type=int,
        default=1,
        help="runs of the slow per-segment MT baselines (default 1: each takes minutes)",
    )
    parser.add_argument(
        "--floor-posts", type=int, default=150, help="corpus of the MT floor rows (issue 17)"
    )
    parser.add_argument(
        "--floor-argos-posts",
        type=int,
        default=10,
        help="posts of the Argos floor row (the bench model is slow: ~20 s per 500 sentences)",
    )
    parser.add_argument(
        "--skip", action="append", default=[], choices=["corpus", "big", "help", "mt", "floor"]
    )
    parser.add_argument("--work", type=Path, default=BENCH / "work")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    rows: list[Row] = []
    started = time.perf_counter()
    tools = peers.find_peers(args.work, notes)
    if "corpus" not in args.skip:
        main_corpus = MainCorpus(args, tools, notes)
        for name in ("extraction", "update", "translate", "export", "sync"):
            guarded(rows, notes, name, getattr(main_corpus, name))
    if "big" not in args.skip:
        guarded(rows, notes, "big site", lambda: big_site(args, notes))
    if "help" not in args.skip:
        guarded(rows, notes, "--help", help_row)
    if "mt" not in args.skip:
        guarded(rows, notes, "machine translation", lambda: mt_rows(args, notes))
    if "floor" not in args.skip:
        guarded(rows, notes, "Apertium floor", lambda: mt_floor.apertium_rows(args, notes))
        guarded(rows, notes, "Argos floor", lambda: mt_floor.argos_rows(args, notes))
    notes.append(
        "postloc figures are library calls (no interpreter start-up) unless the row says CLI; "
        "peers run as the commands a user types. The pseudo engine is used so that MT models "
        f"do not dominate. Whole run: {time.perf_counter() - started:.0f} s."
    )
    command = "make bench" + (f" N={args.posts}" if args.posts != 200 else "")
    text = render_results(rows, machine_description(tool_versions(tools)), notes, command)
    print(text)
    atomic_write(args.output, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
