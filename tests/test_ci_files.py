"""The files a blog's CI uses: ``action.yml``, the workflows, ``.pre-commit-hooks.yaml``.

All offline. The GitHub schemas are the ones check-jsonschema ships (``--builtin-schema``,
``--no-cache``, proxies pointing at a closed loopback port so that a download attempt fails
the test instead of passing by luck). The action's ``run:`` scripts are executed as the runner
executes them (``bash -eo pipefail``) on a throwaway blog, with the values the action would
hand them; commands that need the network (pip, apt) are replaced by recording stand-ins.
``pre-commit try-repo`` runs both hooks from a snapshot of this repository: the ``system``
hook with the ``postloc`` on PATH, the ``python`` hook by building its virtualenv with pip kept
off the index (``postloc`` itself built from the snapshot, its dependencies lent by this venv).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import REPO
from postloc import __version__

BIN = Path(sys.executable).parent
"""The venv's scripts: postloc, check-jsonschema, pre-commit."""
ACTION = REPO / "action.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
BLOG_EXAMPLE = REPO / "docs" / "examples" / "blog-translations.yml"
WORKFLOWS = [*sorted((REPO / ".github" / "workflows").glob("*.y*ml")), BLOG_EXAMPLE]
CLOSED = "http://127.0.0.1:9"
"""A proxy nobody listens on: any HTTP(S) request made through it fails at once."""

BLOG_CONFIG = """\
source_language = "fr"
target_languages = ["en", "es"]

[engines]
default = "pseudo"
"""
POST = "---\ntitle: Bonjour\n---\n\nBonjour tout le monde.\n\nUn *second* paragraphe.\n"


def tool(name: str, package: str) -> str:
    """A dev tool from this venv; missing, the test fails with the way to install it."""
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed: run `make setup`, or `{BIN}/pip install {package}`")
    return str(path)


def offline_env(**extra: str) -> dict[str, str]:
    """This environment with the venv first on PATH and every download routed to nowhere."""
    env = dict(os.environ)
    for key in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        env[key] = CLOSED
    env["NO_PROXY"] = env["no_proxy"] = ""
    env["PIP_NO_INDEX"] = "1"
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: Mapping[Any, Any]) -> Mapping[str, Any]:
    """A workflow's ``on:`` (YAML 1.1 reads the bare key as True)."""
    on = workflow.get("on", workflow.get(True))
    return {name: None for name in on} if isinstance(on, list) else on


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


# --- the GitHub schemas ----------------------------------------------------------------------


def check_schema(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    command = [tool("check-jsonschema", "check-jsonschema"), "--no-cache", "--builtin-schema"]
    return subprocess.run(
        [*command, schema, *map(str, paths)], capture_output=True, text=True, env=offline_env()
    )


def test_action_matches_the_github_actions_schema() -> None:
    done = check_schema("vendor.github-actions", ACTION)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_matches_the_github_workflows_schema(workflow: Path) -> None:
    done = check_schema("vendor.github-workflows", workflow)
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_check_refuses_a_broken_action_and_workflow(tmp_path: Path) -> None:
    action = load_yaml(ACTION)
    del action["runs"]["steps"][0]["shell"]  # a composite run step must name its shell
    (tmp_path / "action.yml").write_text(yaml.safe_dump(action), encoding="utf-8")
    workflow = load_yaml(BLOG_EXAMPLE)
    del workflow["jobs"]["sync"]["runs-on"]
    (tmp_path / "workflow.yml").write_text(yaml.safe_dump(workflow), encoding="utf-8")

    broken_action = check_schema("vendor.github-actions", tmp_path / "action.yml")
    broken_workflow = check_schema("vendor.github-workflows", tmp_path / "workflow.yml")

    assert broken_action.returncode == 1 and "shell" in broken_action.stdout
    assert broken_workflow.returncode == 1 and "runs-on" in broken_workflow.stdout


# --- what the action and the workflows say -----------------------------------------------------


def action_inputs() -> dict[str, str]:
    """Each input of the action with its default."""
    return {
        name: str(spec.get("default", "")) for name, spec in load_yaml(ACTION)["inputs"].items()
    }


def action_step(step_id: str) -> dict[str, Any]:
    steps = load_yaml(ACTION)["runs"]["steps"]
    return next(step for step in steps if step.get("id") == step_id or step["name"] == step_id)


def all_steps(path: Path) -> list[dict[str, Any]]:
    data = load_yaml(path)
    if "runs" in data:
        return list(data["runs"]["steps"])
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def test_action_installs_the_postloc_of_its_own_version() -> None:
    assert action_inputs()["postloc-version"] == __version__


def test_action_installs_the_apertium_packages_make_setup_installs() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    packages = re.search(r"^APERTIUM_PKGS := (.+)$", makefile, re.MULTILINE)
    assert packages is not None
    assert action_inputs()["apertium-packages"].split() == packages.group(1).split()


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda path: path.name)
def test_every_third_party_action_is_pinned_to_a_version(path: Path) -> None:
    uses = [step["uses"] for step in all_steps(path) if "uses" in step]
    assert uses
    pinned = re.compile(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})")
    assert [use for use in uses if not use.startswith("./") and not pinned.fullmatch(use)] == []


def test_run_scripts_take_inputs_only_through_env() -> None:
    """No ``${{ }}`` inside a script: an input cannot inject shell code (and the scripts run
    as they are in the tests below)."""
    scripts = [step["run"] for step in all_steps(ACTION) if "run" in step]
    assert scripts
    assert [script for script in scripts if "${{" in script] == []


def test_every_input_is_declared_and_used() -> None:
    text = ACTION.read_text(encoding="utf-8")
    used = set(re.findall(r"\binputs\.([\w-]+)", text))
    assert used == set(action_inputs())


def test_blog_example_checks_pull_requests_and_syncs_the_default_branch() -> None:
    workflow = load_yaml(BLOG_EXAMPLE)
    on = triggers(workflow)
    assert "pull_request" in on and on["push"]["branches"] == ["main"]
    modes = {}
    for name, job in workflow["jobs"].items():
        [step] = [step for step in job["steps"] if "postloc" in step.get("uses", "")]
        assert re.fullmatch(rf"[\w-]+/postloc@v{re.escape(__version__)}", step["uses"])
        modes[job["if"]] = (step["with"]["mode"], job["permissions"], name)
    check = modes["github.event_name == 'pull_request'"]
    sync = modes["github.event_name != 'pull_request'"]
    assert check[:2] == ("check", {"contents": "read"})
    assert sync[:2] == ("sync", {"contents": "write", "pull-requests": "write"})


# --- the action's scripts, run as the runner runs them ---------------------------------------


@pytest.fixture(scope="module")
def blog_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A blog's repository: one French post, catalogues and exports made by ``postloc sync``,
    committed; its ``.postloc/`` left beside them, as the memory cache restores it."""
    root = tmp_path_factory.mktemp("blog") / "workspace"
    (root / "source_posts").mkdir(parents=True)
    (root / "postloc.toml").write_text(BLOG_CONFIG, encoding="utf-8")
    (root / "source_posts" / "bonjour.md").write_text(POST, encoding="utf-8")
    subprocess.run(
        [tool("postloc", "-e ."), "sync"],
        cwd=root,
        env=offline_env(),
        check=True,
        capture_output=True,
    )
    git(root, "init", "-q")
    git(root, "add", "-A", "--", ".", ":!.postloc")
    git(root, "commit", "-q", "-m", "blog")
    return root


@pytest.fixture
def blog(blog_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the blog for one test, in ``<tmp>/workspace`` (the runner's files go
    to ``<tmp>/runner``)."""
    return Path(shutil.copytree(blog_template, tmp_path / "workspace", symlinks=True))


def read_outputs(path: Path) -> dict[str, str]:
    """A ``$GITHUB_OUTPUT`` file: ``name=value`` lines and ``name<<DELIMITER`` blocks."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        block = re.fullmatch(r"([\w-]+)<<(\w+)", line)
        if block is None:
            name, value = line.split("=", 1)
            outputs[name] = value
        else:
            name, delimiter = block.groups()
            outputs[name] = "\n".join(iter(lines.__next__, delimiter))
    return outputs


def run_step(
    step_id: str,
    workspace: Path,
    inputs: Mapping[str, str] = {},
    outputs: Mapping[str, str] = {},
    path_first: Path | None = None,
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run one ``run:`` step of the action: its env from ``inputs`` (else the defaults) and
    earlier steps' ``outputs``, in its working directory, with the runner's variables."""
    step = action_step(step_id)
    values = {**action_inputs(), **inputs}
    env = offline_env()
    for name, expression in step.get("env", {}).items():
        found = re.fullmatch(r"\$\{\{ (inputs|steps\.\w+\.outputs)\.([\w-]+) \}\}", expression)
        assert found, f"{step_id}: env {name} is not one input or output: {expression}"
        env[name] = values[found[2]] if found[1] == "inputs" else outputs[found[2]]
    runner = workspace.parent / "runner"
    runner.mkdir(exist_ok=True)
    output_file = runner / f"{step_id}.output"
    output_file.write_text("", encoding="utf-8")
    env.update(
        GITHUB_ACTION_PATH=str(REPO),
        GITHUB_OUTPUT=str(output_file),
        GITHUB_STEP_SUMMARY=str(runner / "summary.md"),
        GITHUB_WORKSPACE=str(workspace),
        GITHUB_REF_NAME="main",
        RUNNER_OS="Linux",
        RUNNER_TEMP=str(runner),
    )
    if path_first is not None:
        env["PATH"] = f"{path_first}{os.pathsep}{env['PATH']}"
    script = runner / f"{step_id}.sh"
    script.write_text(step["run"], encoding="utf-8")
    cwd = workspace
    if "working-directory" in step:
        cwd = workspace / values["working-directory"]
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    return done, read_outputs(output_file)


def test_plan_installs_its_own_postloc_and_keys_the_memory_by_place_settings_and_posts(
    blog: Path,
) -> None:
    done, outputs = run_step("plan", blog, {"mode": "sync"})

    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs["spec"] == str(REPO)  # the action's checkout: this very postloc
    assert outputs["memory-path"] == f"{blog}/.postloc"
    key, restore = outputs["memory-key"], outputs["memory-restore-keys"].splitlines()
    assert len(restore) == 2 and all(key.startswith(prefix) for prefix in restore)
    assert key.startswith("postloc-tm-v1-Linux-")


def test_memory_key_changes_with_a_post_and_not_with_a_catalogue(blog: Path) -> None:
    key = run_step("plan", blog)[1]["memory-key"]
    with (blog / "locales" / "en" / "LC_MESSAGES" / "bonjour.po").open("a") as catalogue:
        catalogue.write("\n")
    after_catalogue = run_step("plan", blog)[1]["memory-key"]
    with (blog / "source_posts" / "bonjour.md").open("a") as post:
        post.write("\nEncore.\n")
    outputs = run_step("plan", blog)[1]

    assert after_catalogue == key
    assert outputs["memory-key"] != key
    restore = outputs["memory-restore-keys"].splitlines()
    assert all(outputs["memory-key"].startswith(prefix) for prefix in restore)
    assert all(key.startswith(prefix) for prefix in restore)  # the old memory comes back


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"mode": "push"}, "mode must be check or sync, not 'push'"),
        ({"create-pull-request": "yes"}, "create-pull-request must be true or false, not 'yes'"),
        ({"config": "site/postloc.toml"}, "no site/postloc.toml in "),
        ({"postloc-version": ""}, "set postloc-version or postloc-spec"),
    ],
)
def test_plan_refuses_bad_inputs_in_one_line(
    blog: Path, inputs: dict[str, str], message: str
) -> None:
    done, outputs = run_step("plan", blog, inputs)

    assert done.returncode == 1
    [line] = done.stdout.splitlines()
    assert line.startswith("::error title=postloc action::") and message in line
    assert outputs == {}


@pytest.mark.parametrize(
    ("inputs", "spec"),
    [
        ({"postloc-version": "0.0.9"}, "postloc==0.0.9"),
        (
            {"postloc-spec": "git+https://github.com/OWNER/postloc@main"},
            "git+https://github.com/OWNER/postloc@main",
        ),
        ({"postloc-version": "0.0.9", "postloc-spec": "./postloc"}, "./postloc"),
    ],
)
def test_plan_takes_another_version_from_pypi_and_a_spec_as_given(
    blog: Path, inputs: dict[str, str], spec: str
) -> None:
    assert run_step("plan", blog, inputs)[1]["spec"] == spec


def stand_ins(folder: Path, *names: str) -> Path:
    """Commands that only record their arguments (one line each) in ``calls``."""
    folder.mkdir()
    for name in names:
        script = folder / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{folder}/calls"\n', encoding="utf-8")
        script.chmod(0o755)
    return folder


def test_install_step_takes_torch_from_the_cpu_index(blog: Path, tmp_path: Path) -> None:
    fake = stand_ins(tmp_path / "fake", "python", "postloc")

    done, _ = run_step("Install postloc", blog, outputs={"spec": "postloc==9.9"}, path_first=fake)
    no_index, _ = run_step(
        "Install postloc",
        blog,
        {"torch-index-url": ""},
        outputs={"spec": "postloc[x]>=1, <2"},
        path_first=fake,
    )

    assert done.returncode == no_index.returncode == 0, done.stderr + no_index.stderr
    index = action_inputs()["torch-index-url"]
    assert (fake / "calls").read_text(encoding="utf-8").splitlines() == [
        f"python -m pip install --disable-pip-version-check --extra-index-url {index} postloc==9.9",
        "postloc --version",
        "python -m pip install --disable-pip-version-check postloc[x]>=1, <2",
        "postloc --version",
    ]


def test_apertium_step_installs_each_package_or_none(blog: Path, tmp_path: Path) -> None:
    fake = stand_ins(tmp_path / "fake", "sudo")

    done, _ = run_step("Install the Apertium engines", blog, path_first=fake)
    none, _ = run_step(
        "Install the Apertium engines", blog, {"apertium-packages": " "}, path_first=fake
    )

    assert done.returncode == none.returncode == 0, done.stderr + none.stderr
    packages = action_inputs()["apertium-packages"]
    assert (fake / "calls").read_text(encoding="utf-8").splitlines() == [
        "sudo apt-get update -qq",
        f"sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq {packages}",
    ]
    assert "no Apertium package" in none.stdout


def test_check_mode_passes_on_current_catalogues_and_names_the_stale_ones(blog: Path) -> None:
    current, _ = run_step("sync", blog, {"mode": "check"})
    with (blog / "source_posts" / "bonjour.md").open("a") as post:
        post.write("\nEncore.\n")
    stale, _ = run_step("sync", blog, {"mode": "check"})

    assert current.returncode == 0, current.stderr
    assert stale.returncode == 1
    assert "locales/templates/bonjour.pot" in stale.stderr
    assert "locales/es/LC_MESSAGES/bonjour.po" in stale.stderr
    assert git(blog, "status", "--porcelain", "-uno") == " M source_posts/bonjour.md\n"


def test_check_mode_reads_the_config_input_in_the_working_directory(blog: Path) -> None:
    site = blog / "site"
    site.mkdir()
    for name in ("postloc.toml", "source_posts", "locales"):
        (blog / name).rename(site / name)
    (site / "postloc.toml").rename(site / "blog.toml")

    done, _ = run_step(
        "sync", blog, {"mode": "check", "working-directory": "site", "config": "blog.toml"}
    )
    plan, outputs = run_step("plan", blog, {"working-directory": "site", "config": "blog.toml"})

    assert done.returncode == 0, done.stderr
    assert plan.returncode == 0 and outputs["memory-path"] == f"{site}/.postloc"


def test_sync_mode_updates_catalogues_and_keeps_the_memory_out_of_the_pull_request(
    blog: Path,
) -> None:
    with (blog / "source_posts" / "bonjour.md").open("a") as post:
        post.write("\nEncore un paragraphe.\n")
    before = git(blog, "status", "--porcelain", "--untracked-files=all")

    done, outputs = run_step("sync", blog, {"mode": "sync", "sync-args": "--lang es"})

    assert done.returncode == 0, done.stdout + done.stderr
    assert ".postloc/tm.sqlite3" in before
    changed = git(blog, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert sorted(line[3:] for line in changed) == [
        "build/es/bonjour.md",
        "locales/es/LC_MESSAGES/bonjour.po",
        "locales/exports.json",  # the committed export record
        "locales/templates/bonjour.pot",
        "source_posts/bonjour.md",
    ]
    body = Path(outputs["body-path"]).read_text(encoding="utf-8")
    assert "`postloc sync` regenerated" in body and "1 template(s) written" in body
    assert (blog.parent / "runner" / "summary.md").read_text(encoding="utf-8") == body


def test_sync_mode_fails_when_postloc_fails(blog: Path) -> None:
    (blog / "source_posts" / "bonjour.md").write_bytes(b"Bonjour\x00\n")

    done, outputs = run_step("sync", blog, {"mode": "sync"})

    assert done.returncode == 1
    assert "bonjour.md" in done.stdout
    assert "body-path" not in outputs


# --- pre-commit ------------------------------------------------------------------------------


def hooks() -> dict[str, dict[str, Any]]:
    return {hook["id"]: hook for hook in load_yaml(HOOKS)}


def test_hooks_manifest_is_valid_for_pre_commit() -> None:
    done = subprocess.run(
        [tool("pre-commit", "pre-commit"), "validate-manifest", str(HOOKS)],
        capture_output=True,
        text=True,
        env=offline_env(),
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_python_and_system_hooks_run_the_same_check() -> None:
    found = hooks()
    python, system = found["postloc-sync-check"], found["postloc-sync-check-system"]
    assert (python["language"], system["language"]) == ("python", "system")
    same = ("entry", "args", "pass_filenames", "files")
    assert [python[key] for key in same] == [system[key] for key in same]
    assert f"{python['entry']} {' '.join(python['args'])}" == "postloc sync --check"


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This repository as it is on disk (what try-repo needs of it), as one commit."""
    root = tmp_path_factory.mktemp("postloc-repo")
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md"):
        shutil.copy(REPO / name, root / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(REPO / "src", root / "src", ignore=ignore)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "postloc")
    return root


def try_repo(
    blog: Path, hook_repo: Path, hook: str, **env: str
) -> subprocess.CompletedProcess[str]:
    command = [tool("pre-commit", "pre-commit"), "try-repo", str(hook_repo), hook, "--all-files"]
    return subprocess.run(
        command,
        cwd=blog,
        capture_output=True,
        text=True,
        env=offline_env(PRE_COMMIT_HOME=str(blog.parent / "pre-commit"), **env),
    )


def assert_hook_passes_then_names_the_stale_files(
    blog: Path, hook_repo: Path, hook: str, **env: str
) -> None:
    current = try_repo(blog, hook_repo, hook, **env)
    assert current.returncode == 0, current.stdout + current.stderr
    assert re.search(r"postloc catalogues up to date\.+Passed", current.stdout), current.stdout

    with (blog / "source_posts" / "bonjour.md").open("a") as post:
        post.write("\nEncore.\n")
    stale = try_repo(blog, hook_repo, hook, **env)

    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert re.search(r"postloc catalogues up to date\.+Failed", stale.stdout), stale.stdout
    assert "stale file(s), run postloc sync: locales/templates/bonjour.pot" in stale.stdout


def test_system_hook_passes_then_names_the_stale_files(blog: Path, hook_repo: Path) -> None:
    assert_hook_passes_then_names_the_stale_files(blog, hook_repo, "postloc-sync-check-system")


def test_python_hook_builds_its_virtualenv_and_runs(blog: Path, hook_repo: Path) -> None:
    """pre-commit builds the hook's virtualenv and ``pip install .``s the snapshot, as for a
    user; offline, pip takes nothing from an index: postloc is built without isolation and
    without its dependencies, which this venv's site-packages lend through PYTHONPATH."""
    site_packages = next(path for path in sys.path if path.endswith("site-packages"))
    assert_hook_passes_then_names_the_stale_files(
        blog,
        hook_repo,
        "postloc-sync-check",
        PIP_NO_DEPS="1",
        PIP_NO_BUILD_ISOLATION="0",
        PYTHONPATH=site_packages,
        VIRTUALENV_NO_PERIODIC_UPDATE="1",
        VIRTUALENV_OVERRIDE_APP_DATA=str(blog.parent / "virtualenv"),
    )
