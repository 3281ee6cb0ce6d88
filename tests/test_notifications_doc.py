"""docs/notifications.md cannot drift: each of its `notify:` blocks makes the example runbook
valid, and apprise understands every address in it (with its variables set)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runbook.format.model import ENV_REFERENCE
from runbook.notify.addresses import addresses
from runbook.notify.send import understood
from runbook.validation.validate import validate_bytes

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "notifications.md"
EXAMPLE = ROOT / "examples" / "cloud-migration-weekend.yaml"
# What the variables the doc names would hold on the night (a Slack webhook is three parts).
VALUES = {"SLACK_WEBHOOK": "T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx"}


def notify_blocks() -> list[str]:
    """The doc's YAML blocks that set up notifications."""
    blocks = re.findall(r"^```yaml\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.S | re.M)
    return [b for b in blocks if b.startswith("notify:")]


def test_the_doc_shows_a_complete_set_up_and_a_rehearsal():
    blocks = notify_blocks()
    assert len(blocks) == 2
    full = "\n".join(blocks)
    for scheme in ("mailtos://", "mailto://", "jsons://", "json://", "slack://", "workflows://"):
        assert scheme in full


@pytest.mark.parametrize("block", notify_blocks(), ids=["set-up", "rehearsal"])
def test_each_notify_block_of_the_doc_makes_the_example_a_valid_runbook(block):
    example = EXAMPLE.read_text(encoding="utf-8")
    assert "\nnotify:" not in example  # the block adds it, it does not repeat it
    checked = validate_bytes((example + "\n" + block).encode(), source="weekend.yaml")
    assert checked.ok, [p.message for p in checked.problems]
    assert not checked.errors and not checked.warnings
    assert checked.loaded.runbook is not None
    book = addresses(checked.loaded.runbook)
    assert book
    for address in book:
        environ = {
            name: VALUES.get(name, "s3cret") for name in ENV_REFERENCE.findall(address.written)
        }
        assert understood(address.url(environ)), address.where
