"""Every command the README and the docs show works on a fresh clone.

The shell commands in the fenced code blocks of ``README.md`` and ``docs/*.md`` are taken
from the files as they are, and run, in the order written, in a temporary folder holding a
copy of what a clone has (``examples/``, ``tests/data/``), one folder per page: each exits 0
and leaves the files it promises. ``vitaal`` runs through the virtual environment's entry
point. Not run, and listed in :data:`NOT_RUN` with the reason so that the list cannot grow
unseen: setting up the environment, the test suite itself, and timing runs of the benchmarks.
Synopsis lines (``vitaal capacity MODEL [--json]``) are not commands.

Each distinct command runs once (the main job on the example takes half a minute); the
whole file takes 4 to 16 minutes (idle or loaded machine).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VITAAL = Path(sys.executable).parent / "vitaal"
PAGES = ["README.md", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").glob("*.md"))]
#: Seconds one command may take (the longest, the report with its PDF, takes about 30 s).
TIMEOUT_S = 600

#: Commands shown but not run here, with the reason.
NOT_RUN: dict[str, str] = {
    "python3 -m venv .venv": "sets up the environment these tests run in",
    ".venv/bin/pip install -q -e .": "sets up the environment these tests run in",
    ".venv/bin/pip install -q -e '.[test]'": "sets up the environment these tests run in",
    ".venv/bin/python -m pytest": "the test suite itself",
    "bash .ci/run": "the test suite itself (what CI runs)",
    ".venv/bin/ruff check .": "the lint of the repository, run by its own check",
    ".venv/bin/mypy": "the type check of the repository, run by its own check",
    "d=$(mktemp -d)": "a timing run of the main job (docs/performance.md)",
    "NUMBA_CACHE_DIR=$d /usr/bin/time -v .venv/bin/vitaal run examples/rotterdam "
    "--out /tmp/out-r": "a timing run of the main job (docs/performance.md)",
}
PUMPS = "pump,supplier\n10,el-ss-north\n335,el-ss-south\n"
#: Files a page's commands name that a user brings: made here before the page's commands run.
GIVEN: dict[str, dict[str, str]] = {
    # an EPANET file of the user's city and its pumps' power supplies (WNTR's Net3 here)
    "docs/networks-water-gis.md": {"city.inp": "wntr:Net3", "pumps.csv": PUMPS},
}


@dataclass(frozen=True)
class Command:
    page: str
    line: int
    text: str

    @property
    def argv(self) -> list[str]:
        words = shlex.split(self.text)
        if ">" in words:  # `... > options.json`: the file takes what the command prints
            words = words[: words.index(">")]
        if words[0] in ("vitaal", ".venv/bin/vitaal"):
            words[0] = str(VITAAL)
        return words

    @property
    def stdout_file(self) -> str | None:
        words = shlex.split(self.text)
        return words[words.index(">") + 1] if ">" in words[:-1] else None

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.text}"


_FENCE = re.compile(r"^```(\w*)\s*$")
_COMMENT = re.compile(r"\s+#\s.*$")  # a comment after the command (not `db#1`)
_OPTIONAL = re.compile(r"\s*\[-[^\]]*\]")  # `[--lang nl]`: optional parts are left out
_PLACEHOLDER = re.compile(r"[A-Z][A-Z_0-9]*")  # a word MODEL or OUT_DIR: a synopsis


def shown_commands(page: str) -> list[Command]:
    """The commands in the fenced shell blocks of ``page`` (blocks marked bash, sh, shell or
    console, and unmarked blocks for their lines that start with ``vitaal``)."""
    commands: list[Command] = []
    lang: str | None = None
    for number, line in enumerate((ROOT / page).read_text(encoding="utf-8").splitlines(), 1):
        fence = _FENCE.match(line.strip())
        if fence:
            lang = fence.group(1) if lang is None else None
            continue
        if lang is None or lang not in ("", "bash", "sh", "shell", "console"):
            continue
        text = _OPTIONAL.sub("", _COMMENT.sub("", line.strip().removeprefix("$ "))).strip()
        if not text or (lang == "" and not text.startswith(("vitaal ", ".venv/bin/"))):
            continue
        if any(_PLACEHOLDER.fullmatch(word.rstrip(".")) for word in text.split()):
            continue  # a synopsis
        for part in text.split("&&"):
            commands.append(Command(page, number, part.strip()))
    return commands


#: Commands shown but not run, by what they do: a server runs until it is stopped.
NOT_RUN_COMMANDS: dict[str, str] = {"serve": "a server, which runs until stopped (tests/web)"}


def _runs(cmd: Command) -> bool:
    words = shlex.split(cmd.text)
    return cmd.text not in NOT_RUN and not (len(words) > 1 and words[1] in NOT_RUN_COMMANDS)


ALL = [c for page in PAGES for c in shown_commands(page)]
RUN = [c for c in ALL if _runs(c)]


def test_the_readme_shows_the_main_job_and_the_tests() -> None:
    readme = [c.text for c in ALL if c.page == "README.md"]
    assert ".venv/bin/vitaal run examples/rotterdam --out out/rotterdam" in readme
    assert ".venv/bin/python -m pytest" in readme
    skipped = {c.text for c in ALL} - {c.text for c in RUN}
    assert {t for t in skipped if shlex.split(t)[1:2] != ["serve"]} == set(NOT_RUN)


def _promised(cmd: Command, stdout: str) -> list[str]:
    """What the command promises, checked in its folder; the list of what is missing."""
    argv = shlex.split(cmd.text)
    if argv[0] not in ("vitaal", ".venv/bin/vitaal"):
        return []
    sub, args = argv[1], argv[2:]
    opts = {a: b for a, b in zip(args, [*args[1:], ""], strict=True) if a.startswith("--")}
    out = opts.get("--out")
    wanted: list[str] = []
    if sub == "run":
        wanted += [f"{out}/index.html", f"{out}/analysis.json"]
    elif sub == "report":
        wanted += [f"{out}/index.html"] + ([f"{out}/report.pdf"] if "--pdf" in args else [])
    elif sub in ("import-network", "import-epanet"):
        wanted.append(f"{out}/model.yaml")
    elif sub == "export":  # vitaal export [--db DB] OUT
        wanted.append(f"{args[-1]}/model.yaml")
    elif sub == "gis-import":  # vitaal gis-import IN OUT_DIR
        wanted.append(f"{args[1]}/model.yaml")
    elif sub == "gis-export":  # vitaal gis-export MODEL OUT
        wanted.append(args[1] if args[1].endswith(".gpkg") else f"{args[1]}/vitaal_model.json")
    if "--db" in opts and opts["--db"].startswith("sqlite:///"):
        wanted.append(opts["--db"].removeprefix("sqlite:///"))
    if cmd.stdout_file is not None:
        wanted.append(cmd.stdout_file)
    missing = [w for w in wanted if not (cmd_folder(cmd) / w).exists()]
    if "--json" in args:
        try:
            json.loads(stdout)
        except ValueError:
            missing.append("JSON on stdout")
    return missing


def cmd_folder(cmd: Command) -> Path:
    return _FOLDERS[cmd.page]


_FOLDERS: dict[str, Path] = {}


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[Command, Outcome]:
    """Every command run in order, each page in its own copy of a clone's files."""
    import wntr

    results: dict[Command, Outcome] = {}
    env = dict(os.environ)
    env.pop("VITAAL_DB", None)
    for page in PAGES:
        cmds = [c for c in RUN if c.page == page]
        if not cmds:
            continue
        folder = tmp_path_factory.mktemp(Path(page).stem.lower())
        _FOLDERS[page] = folder
        shutil.copytree(ROOT / "examples", folder / "examples")
        shutil.copytree(ROOT / "tests" / "data", folder / "tests" / "data")
        for name, content in GIVEN.get(page, {}).items():
            if content.startswith("wntr:"):
                net = Path(wntr.__file__).parent / "library" / "networks"
                shutil.copy(net / f"{content.removeprefix('wntr:')}.inp", folder / name)
            else:
                (folder / name).write_text(content, encoding="utf-8")
        done: dict[tuple[str, ...], Outcome] = {}
        for cmd in cmds:
            key = tuple(cmd.argv)
            if key not in done:
                proc = subprocess.run(
                    cmd.argv,
                    cwd=folder,
                    capture_output=True,
                    text=True,
                    timeout=TIMEOUT_S,
                    env=env,
                    check=False,
                )
                done[key] = Outcome(proc.returncode, proc.stdout, proc.stderr)
                if cmd.stdout_file is not None:
                    (folder / cmd.stdout_file).write_text(proc.stdout, encoding="utf-8")
            results[cmd] = done[key]
    return results


@pytest.mark.slow
@pytest.mark.parametrize("cmd", RUN, ids=str)
def test_the_command_works(cmd: Command, outcomes: dict[Command, Outcome]) -> None:
    done = outcomes[cmd]
    assert done.code == 0, f"{cmd}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr
    assert _promised(cmd, done.stdout) == []
