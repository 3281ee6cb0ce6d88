"""The published JSON Schema is generated from the models and accepts the examples."""

from __future__ import annotations

import json

import jsonschema
import pytest

from runbook.format import yamlsafe
from runbook.format.model import json_schema

from .conftest import EXAMPLES, ROOT

SCHEMA = ROOT / "docs" / "runbook-v1.schema.json"


def test_the_published_schema_is_the_one_the_models_generate():
    published = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert published == json_schema(), (
        "docs/runbook-v1.schema.json is stale: run `runbook schema > docs/runbook-v1.schema.json`"
    )


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json_schema())


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_example_satisfies_the_schema(example):
    document = yamlsafe.read(example.read_bytes())
    jsonschema.validate(document.data, json_schema())


def test_the_schema_rejects_an_unknown_task_key():
    data = {
        "name": "x",
        "start": "2026-12-04T06:00",
        "tasks": [{"id": "a", "title": "A", "depend_on": []}],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json_schema())


def test_the_schema_command_prints_the_schema(cli):
    result = cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema()
