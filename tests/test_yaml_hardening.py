"""Hostile YAML is refused quickly and safely: no object is ever constructed, no alias bomb
expands, no nesting overflows the C stack, no huge file is read.

The hostile files run through the installed command in a subprocess: a regression to a
reader that recurses in C would crash the interpreter, which must not take pytest with it,
and it lets each test bound the time the refusal takes. The bound is generous on purpose;
what matters is that the input is refused with a located message and exit code 1.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from runbook.common.errors import InputError
from runbook.format import yamlsafe
from runbook.format.yamlsafe import MAX_BYTES, Document, YamlIssue, read
from runbook.validation.validate import validate_bytes, validate_path

QUICKLY = 10.0  # seconds, interpreter start-up included: a bomb that expands takes minutes

HEADER = "name: Move the intranet\nstart: 2026-12-04T18:00\n"
TASKS = "tasks:\n  - id: export\n    title: Export the database\n    duration: 1h\n"


class Run:
    """What one run of ``runbook validate FILE`` did."""

    def __init__(self, done: subprocess.CompletedProcess[str], seconds: float) -> None:
        self.returncode = done.returncode
        self.stdout = done.stdout
        self.stderr = done.stderr
        self.seconds = seconds


def _runbook() -> list[str]:
    """The installed ``runbook`` script next to this interpreter (else the same entry point)."""
    script = Path(sys.executable).with_name("runbook")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from runbook.cli import main; main()"]


def validate_in_subprocess(path: Path) -> Run:
    """Run ``runbook validate`` on ``path`` (from its folder) and time it."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("RUNBOOK_DEBUG", None)
    started = time.perf_counter()
    done = subprocess.run(
        [*_runbook(), "validate", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return Run(done, time.perf_counter() - started)


def assert_refused(run: Run, located: str, fragment: str) -> None:
    """Exit code 1, nothing on stdout, no traceback, and the located message on stderr."""
    assert run.returncode == 1, (run.returncode, run.stderr)
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    assert "internal error" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith(located)]
    assert lines, run.stderr
    assert fragment in lines[0]
    assert run.seconds < QUICKLY, f"took {run.seconds:.1f}s"


# Object-constructing tags


def _marker_payload(marker: Path) -> str:
    """A runbook whose name, under an unsafe loader, runs a shell command creating ``marker``."""
    command = f"echo pwned > {marker}"
    return f'name: !!python/object/apply:os.system ["{command}"]\nstart: 2026-12-04T18:00\n{TASKS}'


def test_the_object_tag_payload_is_live_under_an_unsafe_loader(tmp_path: Path) -> None:
    """The control for the next test: the payload really does run when a loader honours it."""
    marker = tmp_path / "marker"
    yaml.unsafe_load(_marker_payload(marker))
    assert marker.exists()


def test_a_tag_that_would_run_a_command_is_refused_and_nothing_runs(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    path = tmp_path / "runbook.yaml"
    path.write_text(_marker_payload(marker), encoding="utf-8")

    run = validate_in_subprocess(path)

    assert_refused(run, "runbook.yaml:1:7: error: ", "'!!python/object/apply:os.system'")
    assert not marker.exists()


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system [id]",
        "!!python/object/new:os.system [id]",
        "!!python/name:os.system",
        "!!python/module:os",
        '!!binary "aGVsbG8="',
        "!!set {a, b}",
        "!!timestamp 2026-12-04",
        "!secret vault/intranet",
    ],
)
def test_every_tag_beyond_plain_data_is_refused_where_it_is_written(value: str) -> None:
    text = f"{HEADER}tasks:\n  - id: export\n    title: {value}\n    duration: 1h\n"
    result = validate_bytes(text.encode(), source="runbook.yaml")

    assert not result.ok
    (error,) = result.errors
    assert (error.line, error.column) == (5, 12)
    assert error.message.startswith("YAML tag '!")
    assert error.message.endswith("' is not allowed")
    assert error.hint == "runbooks hold plain text, numbers, lists and mappings only"


def test_a_tag_on_a_key_is_refused() -> None:
    text = f"{HEADER}!!python/name:os.system tasks:\n  - {{id: a, title: A, duration: 1h}}\n"
    (error,) = validate_bytes(text.encode(), source="runbook.yaml").errors

    assert (error.line, error.column) == (3, 1)
    assert error.message == "YAML tag '!!python/name:os.system' is not allowed on a key"


def test_the_reader_returns_only_plain_data() -> None:
    text = (
        "a: &x {b: [1, 2.5, true, null, text, '7']}\n"
        "c: *x\n"
        "d: !!str 12\n"
        "e: !!python/object/apply:os.getcwd []\n"
    )
    document = read(text.encode())

    def kinds(value: object) -> set[type]:
        if isinstance(value, dict):
            return {dict}.union(*(kinds(v) for v in value.values()), *(kinds(k) for k in value))
        if isinstance(value, list):
            return {list}.union(*(kinds(v) for v in value))
        return {type(value)}

    assert kinds(document.data) <= {dict, list, str, int, float, bool, type(None)}
    assert document.data["d"] == "12"  # type: ignore[index]
    assert document.data["e"] == []  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("30m", "30m"),
        ("1h30m", "1h30m"),
        ("45s", "45s"),
        ("1d", "1d"),
        ("12:30", "12:30"),
        ("2026-12-04", "2026-12-04"),
        ("1.2.3", "1.2.3"),
        ("0x", "0x"),
        ("0xg", "0xg"),
        ("+", "+"),
        ("-x", "-x"),
        ("90", 90),
        ("-3", -3),
        ("+12", 12),
        ("0x1F", 31),
        ("0o17", 15),
        ("1e5", 100000.0),
        ("1.", 1.0),
        (".5", 0.5),
        (".inf", float("inf")),
        ("-.Inf", float("-inf")),
    ],
)
def test_a_plain_scalar_that_starts_like_a_number_is_one_only_when_it_reads_as_one(
    text: str, value: object
) -> None:
    read_value = read(f"v: {text}\n".encode()).data["v"]  # type: ignore[index]
    assert (read_value, type(read_value)) == (value, type(value))


def test_a_plain_not_a_number_is_read_as_a_float() -> None:
    read_value = read(b"v: .NaN\n").data["v"]  # type: ignore[index]
    assert isinstance(read_value, float) and read_value != read_value


# Alias expansion


def _alias_bomb(levels: int) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_is_refused_before_it_expands(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(_alias_bomb(10), encoding="utf-8")  # 9**10: 3.5 billion strings

    run = validate_in_subprocess(path)

    assert_refused(
        run,
        "laughs.yaml:7:20: error: ",  # l6 would be 9**7 (4.8 million) strings
        "aliases expand to more than 2,000,000 values; refused (is this an alias bomb",
    )


def test_a_modest_use_of_aliases_is_fine() -> None:
    text = (
        f"{HEADER}tasks:\n"
        "  - &export {id: export, title: Export, duration: 1h}\n"
        "  - <<: *export\n"
        "    id: import\n"
        "    depends_on: export\n"
    )
    result = validate_bytes(text.encode(), source="runbook.yaml", warnings=False)

    assert result.errors == []
    assert result.plan is not None
    assert [t.id for t in result.plan.tasks] == ["export", "import"]


def test_a_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "recursive.yaml"
    path.write_text(f"{HEADER}tasks: &t\n  - id: a\n    notes: [*t]\n", encoding="utf-8")

    run = validate_in_subprocess(path)

    assert_refused(
        run, "recursive.yaml:5:13: error: ", "alias '*t' refers to the collection that contains it"
    )


# Nesting


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("tasks: " + "[" * 100_000 + "\n", id="100,000 [ (flow lists)"),
        pytest.param("tasks: " + "{a: " * 100_000 + "\n", id="100,000 {a: "),
        pytest.param("- " * 100_000 + "x\n", id="100,000 - (block lists)"),
    ],
)
def test_very_deep_nesting_is_refused_with_a_message(tmp_path: Path, text: str) -> None:
    """PyYAML's own C composer overflows the stack on these (a segfault); ours must refuse.

    Where exactly depends on the libyaml PyYAML bundles (a newer one refuses deep flow
    nesting itself, further along the line); what it says, and how, does not."""
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")

    run = validate_in_subprocess(path)

    assert_refused(
        run, "deep.yaml:1:", "error: the YAML is nested more than 64 levels deep; refused"
    )


@pytest.mark.parametrize(
    ("text", "column"),
    [
        pytest.param("tasks: " + "[" * 100_000 + "\n", 71, id="100,000 [ (flow lists)"),
        pytest.param("tasks: " + "{a: " * 100_000 + "\n", 7 + 63 * 4 + 1, id="100,000 {a: "),
        pytest.param("- " * 100_000 + "x\n", 129, id="100,000 - (block lists)"),
    ],
)
def test_without_libyaml_deep_nesting_is_refused_at_the_65th_level(
    text: str, column: int, without_libyaml: None
) -> None:
    document = read(text.encode())

    too_deep = "the YAML is nested more than 64 levels deep; refused"
    assert document.issues == [YamlIssue(too_deep, 1, column, fatal=True)]


def test_nesting_up_to_the_limit_is_read() -> None:
    """The root mapping and 63 lists inside it: 64 levels, the most a runbook may use."""
    document = read(("tasks: " + "[" * 63 + "]" * 63 + "\n").encode())

    assert document.issues == []


# Size


def test_a_file_over_twelve_mib_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER + "notes: ")
        f.write("a" * (13 * 1024 * 1024))
        f.write("\n" + TASKS)

    run = validate_in_subprocess(path)

    assert_refused(
        run,
        "runbook: error: huge.yaml: ",
        "the file is 13.0 MiB; runbooks larger than 12 MiB are refused",
    )


def test_a_huge_file_is_refused_without_being_read(tmp_path: Path) -> None:
    """A sparse 1 GiB file: refused from its size alone, in no time."""
    path = tmp_path / "sparse.yaml"
    with path.open("wb") as f:
        f.truncate(1024**3)

    started = time.perf_counter()
    with pytest.raises(InputError, match=r"the file is 1024\.0 MiB; runbooks larger than 12 MiB"):
        validate_path(path)
    assert time.perf_counter() - started < QUICKLY


def test_bytes_over_the_limit_are_refused_by_the_reader_too() -> None:
    result = validate_bytes(b"#" * (MAX_BYTES + 1), source="runbook.yaml")

    (error,) = result.errors
    assert error.message == "the file is 12.0 MiB; runbooks larger than 12 MiB are refused"
    assert error.format("runbook.yaml").startswith("runbook.yaml: error: the file is")


def test_a_file_of_exactly_twelve_mib_is_read() -> None:
    text = HEADER + TASKS + "notes: "
    data = (text + "a" * (MAX_BYTES - len(text) - 1) + "\n").encode()
    assert len(data) == MAX_BYTES

    result = validate_bytes(data, source="runbook.yaml")

    assert [p.message for p in result.errors] == ["unknown key 'notes'"]


# Without libyaml: PyYAML's pure-Python parser gives the same results


@pytest.fixture
def without_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read as on a PyYAML built without libyaml, or whose C module has changed."""
    monkeypatch.setattr(yamlsafe, "FAST", None)


def _same_words(issues: list[YamlIssue]) -> list[YamlIssue]:
    """The issues, with the parser's own wording of a syntax error left out: libyaml and
    PyYAML word some differently ("... not allowed here" or "... in this context"); the
    place, the hint and every message of ours are the same."""
    syntax = "YAML syntax error: "
    return [
        dataclasses.replace(i, message=syntax) if i.message.startswith(syntax) else i
        for i in issues
    ]


def _everything(document: Document) -> list[object]:
    """The data, every value's and key's place, and the issues: what a reader returns."""
    places: list[object] = []

    def walk(value: object, path: list[str | int]) -> None:
        places.append((path, document.marks.locate(document.data, path)))
        if isinstance(value, dict):
            for key, item in value.items():
                places.append(
                    (path, key, document.marks.locate(document.data, [*path, key], key=True))
                )
                walk(item, [*path, key])
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, [*path, i])

    walk(document.data, [])
    return [repr(document.data), places, _same_words(document.issues)]


SAMPLES = sorted(Path(__file__).parents[1].glob("examples/*.yaml")) + sorted(
    (Path(__file__).parent / "data" / "invalid").glob("*.yaml")
)


def test_pyyaml_built_with_libyaml_is_read_through_it() -> None:
    """If the probe ever refused PyYAML's C loader, every command would silently be slower."""
    assert yamlsafe.FAST is not None or not yaml.__with_libyaml__


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_without_libyaml_a_file_reads_to_the_same_data_places_and_issues(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = path.read_bytes()
    fast = _everything(read(data))

    monkeypatch.setattr(yamlsafe, "FAST", None)

    assert _everything(read(data)) == fast


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_marker_payload(Path("/nonexistent/marker")), id="object tag"),
        pytest.param(_alias_bomb(10), id="billion laughs"),
        pytest.param(f"{HEADER}tasks: &t\n  - id: a\n    notes: [*t]\n", id="recursive alias"),
        pytest.param("name: caf\u00e9 \x07 bell\n", id="control character after a non-ASCII one"),
        pytest.param("name: 'unclosed\ntasks: []\n", id="unclosed quote"),
        pytest.param("name: a\n\tstart: b\n", id="tab"),
    ],
)
def test_without_libyaml_hostile_input_is_refused_the_same_way(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _same_words(read(text.encode()).issues)
    assert fast  # refused (or at least reported) by the fast path

    monkeypatch.setattr(yamlsafe, "FAST", None)

    assert _same_words(read(text.encode()).issues) == fast


def test_a_c_parser_that_does_not_give_the_expected_events_is_not_used() -> None:
    class Moved:
        def __init__(self, data: bytes) -> None:
            raise AttributeError("module 'yaml._yaml' has no attribute 'CParser'")

    class Blind(yaml.BaseLoader):  # events without the places the reader relies on
        def get_event(self) -> yaml.Event:
            event = super().get_event()
            event.start_mark = yaml.Mark("", 0, 0, 0, None, None)
            return event

    assert yamlsafe._behaves(yaml.BaseLoader)
    assert not yamlsafe._behaves(Moved)
    assert not yamlsafe._behaves(Blind)
