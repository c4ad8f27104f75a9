"""``export_project``: the policy and threshold it used, and the one summary line about them."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import PSEUDO_CONFIG, make_project, run
from postloc.cli.output import export_summary
from postloc.config import load_config
from postloc.export.post import REVIEWED_ONLY, ExportPolicy
from postloc.mt.engines.registry import ENGINES
from postloc.project.layout import Project
from postloc.project.outputs import ExportReport, export_project


def project_at(root: Path) -> Project:
    return Project(load_config(root / "postloc.toml", engines=ENGINES.values()))


def synced(root: Path) -> Project:
    make_project(root)
    assert run(root, "sync").exit_code == 0
    return project_at(root)


def test_report_records_the_policy_and_threshold_it_used(tmp_path: Path) -> None:
    project = synced(tmp_path)
    report = export_project(project, ["en"], reviewed_only=True, min_translated=0.5)
    assert report.policy == REVIEWED_ONLY and report.reviewed_only
    assert report.min_translated == 0.5
    assert report.nothing_exported and len(report.skipped) == 1
    assert export_summary(project, report) == (
        "0 of 1 post exports written: all below --min-translated 0.50 with --reviewed-only"
    )
    everything = export_project(project, ["en"])
    assert everything.policy == ExportPolicy() and not everything.reviewed_only
    assert not everything.nothing_exported
    assert export_summary(project, everything) == "1 post(s) exported, 0 changed"


def test_no_posts_is_not_nothing_exported(tmp_path: Path) -> None:
    report = ExportReport()
    assert not report.nothing_exported


@pytest.mark.parametrize(
    ("table", "counting"),
    [
        ("include_machine_drafts = false", " without machine drafts"),
        (
            "include_machine_drafts = false\ninclude_outdated = false",
            " counting reviewed translations only",
        ),
    ],
)
def test_sync_summary_uses_the_configuration(tmp_path: Path, table: str, counting: str) -> None:
    """sync merges one report per language, so the summary falls back to ``[export]``."""
    root = make_project(tmp_path, f"{PSEUDO_CONFIG}\n[export]\nmin_translated = 0.9\n{table}\n")
    result = run(root, "sync")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == (
        f"0 of 4 post exports written: all below --min-translated 0.90{counting}"
    )
    project = project_at(root)
    assert export_summary(project, ExportReport(posts=[])) == "0 post(s) exported, 0 changed"
