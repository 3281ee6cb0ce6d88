"""A seeded mutation fuzz: damaged, extreme and hostile variants of the shipped runbooks
give located problems or a plan, never an internal error."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runbook.cli import app
from runbook.validation.validate import validate_bytes

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [*sorted((ROOT / "examples").glob("*.yaml")), ROOT / "tests/data/golden/weekend.yaml"]
# A fixed number of cases, not a time budget: a slow machine takes longer, and tries the
# same cases (a budget made the test pass or fail with the machine's speed).
CASES = 1000

EXTREMES = [
    "1e308",
    "-1e308",
    "9" * 400,
    "9" * 5000,
    "99999999999d",
    ".nan",
    "-.inf",
    "0001-01-01",
    "9999-12-31T23:00",
    "2200-12-31T23:59",
    "1969-12-31T23:59",
    "2026-03-29T02:30",
    "2026-10-25T02:30",
    "P99999Y",
    "PT99999999999H",
    "-0",
    "0x7fffffffffffffff",
    "true",
    "null",
    "[]",
    "{}",
    "&a [*a]",
    "*nowhere",
    "!!python/object:os.system",
    "[red]markup[/red]",
    "\x1b[31m",
    "\x00",
    "\u202e",
    "'unclosed",
]
NUMBER_OR_DATE = r"\d[\d:TZ+.-]*"


def _mutate(text: str, rng: random.Random) -> bytes:
    """One to three random damages to the YAML text."""
    import re

    for _ in range(rng.randint(1, 3)):
        lines = text.splitlines(keepends=True) or ["\n"]
        kind = rng.randrange(7)
        i = rng.randrange(len(lines))
        if kind == 0:  # a byte flipped
            data = bytearray(text.encode())
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
            text = data.decode("utf-8", "replace")
        elif kind == 1:  # a line deleted
            del lines[i]
            text = "".join(lines)
        elif kind == 2:  # a line duplicated
            lines.insert(i, lines[i])
            text = "".join(lines)
        elif kind == 3:  # a number or a date replaced by an extreme value
            spots = list(re.finditer(NUMBER_OR_DATE, text))
            if spots:
                spot = rng.choice(spots)
                text = text[: spot.start()] + rng.choice(EXTREMES) + text[spot.end() :]
        elif kind == 4:  # a value replaced by something hostile
            line = lines[i]
            if ": " in line:
                key = line.split(": ", 1)[0]
                lines[i] = f"{key}: {rng.choice(EXTREMES)}\n"
            text = "".join(lines)
        elif kind == 5:  # deep nesting
            depth = rng.choice([10, 70, 500])
            lines.insert(i, "deep: " + "[" * depth + "]" * depth + "\n")
            text = "".join(lines)
        else:  # markup or control characters inside a line
            line = lines[i]
            at = rng.randrange(len(line) + 1)
            lines[i] = (
                line[:at] + rng.choice(["[b]", "\x07", "\x1b[2J", "\t", "\r", "{"]) + line[at:]
            )
            text = "".join(lines)
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.slow
def test_mutated_runbooks_never_cause_an_internal_error(tmp_path):
    rng = random.Random(20261204)
    runner = CliRunner()
    originals = [p.read_text(encoding="utf-8") for p in SEEDS]
    target = tmp_path / "mutant.yaml"
    for case in range(CASES):
        data = _mutate(rng.choice(originals), rng)
        try:
            validate_bytes(data, source="mutant.yaml")
        except Exception as exc:  # pragma: no cover - the failure message is the point
            raise AssertionError(f"case {case}: {exc!r} for:\n{data[:2000]!r}") from exc
        if case % 8 == 0:
            target.write_bytes(data)
            for args in (["validate", str(target)], ["plan", "--json", str(target)]):
                result = runner.invoke(app, args, catch_exceptions=True)
                assert result.exit_code in (0, 1), (case, args, result.exception, data[:2000])
                assert "Traceback" not in result.stderr
                assert "internal error" not in result.stderr.lower(), (case, result.stderr)
