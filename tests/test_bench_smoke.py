"""``make bench`` smoke test: the corpus generator, the results table, what the MT floor feeds
the raw engines, and the process timer, on 3 posts.

No peer tool or engine runs and nothing is measured; the benchmark itself is ``make bench``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent


def _load(name: str) -> ModuleType:
    """Import ``bench/<name>.py`` under a private name (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


corpus = _load("corpus")
results = _load("results")
timing = _load("timing")
mt_floor = _load("mt_floor")
trace_report = _load("trace_report")


def _three() -> list:
    return corpus.generate_corpus(corpus.load_material(REPO / "source_posts"), 3)


def paragraphs(post) -> list[str]:
    return [block.text for block in post.blocks if block.kind == "paragraph"]


def test_corpus_posts_have_every_block_kind_and_about_thirty_segments() -> None:
    posts = _three()
    assert [post.slug for post in posts] == ["bench-00001", "bench-00002", "bench-00003"]
    for post in posts:
        kinds = {block.kind for block in post.blocks}
        assert kinds == {"paragraph", "heading", "list", "table", "quote", "code", "image"}
        assert 28 <= post.segments <= 36
        text = post.render()
        assert text.startswith("---\ntitle: ")
        assert "\n```yaml\n" in text and "\n| Pays | Contribution |" in text
        assert "\n- " in text and "\n> " in text and "\n## " in text and "![" in text


def test_corpus_texts_differ_across_posts_and_are_reproducible() -> None:
    posts = _three()
    texts = [text for post in posts for text in paragraphs(post)]
    assert len(texts) == len(set(texts))
    assert len({post.description for post in posts}) == 3
    assert [post.render() for post in _three()] == [post.render() for post in posts]


def test_write_corpus_writes_once_and_removes_stale_posts(tmp_path: Path) -> None:
    posts = _three()
    (tmp_path / "old.md").write_text("stale\n", encoding="utf-8")
    assert corpus.write_corpus(posts, tmp_path) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{p.slug}.md" for p in posts]
    assert corpus.write_corpus(posts, tmp_path) == 0


def test_edit_corpus_changes_deletes_and_adds_paragraphs() -> None:
    material = corpus.load_material(REPO / "source_posts")
    posts = corpus.generate_corpus(material, 3)
    edited, summary = corpus.edit_corpus(posts, material, changed=4, deleted=3, added=5)
    assert (summary.changed, summary.deleted, summary.added) == (4, 3, 5)
    before = {text for post in posts for text in paragraphs(post)}
    after = {text for post in edited for text in paragraphs(post)}
    assert len(before - after) == 4 + 3  # changed and deleted texts are gone
    assert len(after - before) == 4 + 5  # changed and added texts are new
    assert sum(len(paragraphs(p)) for p in edited) == sum(len(paragraphs(p)) for p in posts) + 2


def test_edit_corpus_never_touches_more_than_half_the_paragraphs() -> None:
    material = corpus.load_material(REPO / "source_posts")
    posts = corpus.generate_corpus(material, 3)
    _edited, summary = corpus.edit_corpus(posts, material)
    total = sum(len(paragraphs(p)) for p in posts)
    assert summary.changed + summary.deleted <= total // 2


def test_touch_paragraph_edits_exactly_one_block() -> None:
    post = _three()[0]
    first = corpus.touch_paragraph(post, 1)
    second = corpus.touch_paragraph(first, 2)
    changed = [a for a, b in zip(post.blocks, second.blocks, strict=True) if a != b]
    assert len(changed) == 1
    assert paragraphs(second)[0].endswith("(révision 2)")
    assert "(révision 1)" not in second.render()


def test_table_shows_ratio_target_and_whether_it_is_met() -> None:
    rows = [
        results.Row("extract", 1.0, "md2po", 4.0, results.Target(0.5, True)),
        results.Row("update", 2.0, "msgmerge --previous", 1.0, results.Target(1.0, True)),
        results.Row("peak RSS", 250.4, target=results.Target(300, False), unit="MB"),
        results.Row("translate, cold", 0.25),
        results.Row("export", None, "po2md", 2.0, results.Target(0.5, True), note="failed"),
    ]
    lines = results.format_table(rows).splitlines()
    assert lines[0].startswith("| step | postloc | peer | peer time | ratio (postloc/peer) |")
    assert lines[2] == "| extract | 1.000 s | md2po | 4.000 s | 0.25× | ≤ 0.5× | yes |"
    assert lines[3] == (
        "| update | 2.000 s | msgmerge --previous | 1.000 s | 2.00× | ≤ 1× | **no** |"
    )
    assert lines[4] == "| peak RSS | 250 MB | — | — | — | ≤ 300 MB | yes |"
    assert lines[5] == "| translate, cold | 0.250 s | — | — | — | — | — |"
    assert lines[6] == "| export (failed) | n/a | po2md | 2.000 s | — | ≤ 0.5× | — |"


def test_results_document_has_table_notes_and_machine() -> None:
    rows = [results.Row("extract", 1.0, "md2po", 4.0, results.Target(0.5, True))]
    machine = results.machine_description({"postloc": "0.1.0"})
    text = results.render_results(rows, machine, ["a note"], "make bench")
    assert text.startswith("# postloc benchmark results\n")
    assert "| extract | 1.000 s | md2po |" in text
    assert "- a note" in text
    assert "- postloc 0.1.0" in text
    assert any(line.startswith("- CPU: ") for line in machine)


def test_floor_document_is_what_postloc_sends_apertium() -> None:
    """The raw floor process gets the segments exactly as postloc's engine wraps them."""
    document = mt_floor.engine_document(["Un **texte** [lien](https://e.org/).", "Deux"])
    assert document == (
        '<p id="s0">Un <b id="1">texte</b> <a id="2">lien</a>.</p>\n<p id="s1">Deux</p>\n'
    )
    assert [mode for mode, _through in mt_floor.RAW_PAIRS.values()] == [
        "fr-es",
        "spa-eng",
        "fra-cat",
        "fr-eo",
    ]
    assert mt_floor.RAW_PAIRS["en"][1] == "es"  # en's floor reads fr-es's raw output


def test_run_process_feeds_a_file_and_counts_the_childs_cpu(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("bonjour", encoding="utf-8")
    script = "import sys\nsum(range(3_000_000))\nsys.stdout.write(sys.stdin.read().upper())"
    done = timing.run_process([sys.executable, "-c", script], stdin=source)
    assert done.stdout == "BONJOUR" and done.returncode == 0
    assert done.cpu_seconds > 0 and done.max_rss_mb > 0


def test_run_concurrently_keeps_the_workers_and_the_order_of_a_pivot(tmp_path: Path) -> None:
    """The measured floor: longest chain first, a second hop only after its first, never
    more processes at once than workers."""
    source = tmp_path / "in.txt"
    source.write_text("", encoding="utf-8")

    def sleeper(seconds: float) -> list[str]:
        return [sys.executable, "-c", f"import time; time.sleep({seconds})"]

    tasks = [
        timing.RawTask("long", sleeper(0.6), source, 0.6),
        timing.RawTask("first", sleeper(0.3), source, 0.3),
        timing.RawTask("short", sleeper(0.1), source, 0.1),
        timing.RawTask("second", sleeper(0.4), source, 0.4, after="first"),
    ]
    done = timing.run_concurrently(tasks, 2)
    assert set(done.runs) == {"long", "first", "short", "second"}
    starts = done.started
    assert starts["first"] == min(starts.values())  # its chain (0.7 s) is the longest
    assert starts["second"] >= starts["first"] + done.runs["first"].seconds - 0.05
    assert starts["short"] >= starts["second"]  # a slot went to the longer task first
    assert done.seconds < sum(run.seconds for run in done.runs.values()) - 0.3  # side by side


def test_child_answer_reads_the_json_line_or_names_the_failure(tmp_path: Path) -> None:
    speaks = [sys.executable, "-c", "print('noise'); print('{\"runs\": [1.5]}')"]
    assert timing.child_answer(speaks, {}) == {"runs": [1.5]}
    fails = [sys.executable, "-c", "import sys; sys.exit('no model here')"]
    assert timing.child_answer(fails, {}) == {"error": "child failed: no model here"}


def test_trace_report_pairs_spans_and_counts_the_idle_engine_slots() -> None:
    lines = [
        "postloc-trace t=1.000 pid=7 cpu=0.1 children=0.0 start call pair=fr→ca texts=3",
        "postloc-trace t=5.000 pid=7 cpu=0.2 children=3 end call pair=fr→ca texts=3 seconds=4.000",
        "postloc-trace t=3.500 pid=7 cpu=0.2 children=0 end call pair=fr→es texts=2 seconds=2.000",
        "postloc-trace t=6.000 pid=8 cpu=1.0 children=0.0 end finish lang=ca seconds=1.000",
        "noise from another logger",
    ]
    found = trace_report.spans(lines)
    assert [(span.start, span.what) for span in found] == [
        (1.0, "call pair=fr→ca texts=3"),
        (1.5, "call pair=fr→es texts=2"),
        (5.0, "finish lang=ca"),
    ]
    calls = [span for span in found if span.what.startswith("call ")]
    assert trace_report.short_slots(calls, 2) == pytest.approx(0.5 + 1.5)  # 1.0–1.5, 3.5–5.0
