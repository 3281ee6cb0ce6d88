"""Applying a spreadsheet's changes to a runbook's YAML, keeping its comments, key order and
formatting: the only module that imports ruamel.yaml (a round-trip YAML library), and only
for `runbook import --update`. Reading runbooks stays with the fast, hardened reader; the
file is validated by it before ruamel.yaml reads it, and the result again before it is
written."""

from __future__ import annotations

import io
import re
from typing import Any

from runbook.interchange.diff import GATE_FIELDS, Diff
from runbook.interchange.draft import TASK_KEYS, TOP_KEYS
from runbook.interchange.emit import WIDTH

# What a changed field of the diff touches in a task mapping.
_KEYS = {
    "duration": ("duration", "milestone"),
    "milestone": ("milestone", "duration"),
    "gate": GATE_FIELDS,
}


def _yaml(text: str) -> Any:
    """A round-trip YAML instance set to the file's own indentation."""
    from ruamel.yaml import YAML
    from ruamel.yaml.util import load_yaml_guess_indent

    _, sequence, offset = load_yaml_guess_indent(text)
    mapping = 2
    found = re.search(r"^[A-Za-z_][^\n:]*:[ \t]*\n( +)[A-Za-z_\"'][^\n]*:", text, re.MULTILINE)
    if found:
        mapping = len(found.group(1))
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never wrap a long title or note anew
    yaml.indent(mapping=mapping, sequence=sequence or 2, offset=offset or 0)
    return yaml


def _node(value: Any) -> Any:
    """A value from the spreadsheet's document as ruamel.yaml nodes: short lists and mappings
    written on one line, as the format's examples do."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        mapping = CommentedMap((k, _node(v)) for k, v in value.items())
        if all(not isinstance(v, dict | list) for v in value.values()) and len(str(value)) < 80:
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        seq = CommentedSeq(_node(v) for v in value)
        if all(not isinstance(v, dict | list) for v in value) and len(str(value)) < WIDTH - 30:
            seq.fa.set_flow_style()
        return seq
    return value


def _same_style(old: Any, new: Any) -> bool:
    """Edit ``old`` (a ruamel list or mapping) in place to equal ``new``, keeping its style
    (one line or block) and the comments on what stays; False when it is not that kind."""
    if isinstance(old, list) and isinstance(new, list):
        if any(isinstance(v, dict | list) for v in [*old, *new]):
            return False
        for i in reversed(range(len(old))):
            if old[i] not in new:
                del old[i]
        for i, item in enumerate(new):
            if i >= len(old) or old[i] != item:
                old.insert(i, item)
        del old[len(new) :]
        return True
    if isinstance(old, dict) and isinstance(new, dict):
        for k in [k for k in old if k not in new]:
            del old[k]
        for k, v in new.items():
            if k not in old or not _same_style(old[k], v):
                old[k] = _node(v)
        return True
    return False


def _put(mapping: Any, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Set ``key`` in a ruamel mapping (a list or mapping edited in place, keeping its style);
    a new key goes where the format's order puts it."""
    if key in mapping:
        if not _same_style(mapping[key], value):
            mapping[key] = _node(value)
        return
    wanted = order.index(key) if key in order else len(order)
    position = len(mapping)
    for i, existing in enumerate(mapping):
        if existing in order and order.index(existing) > wanted:
            position = i
            break
    mapping.insert(position, key, _node(value))


def _apply_task(item: Any, new: dict[str, Any], names: list[str], gates: Any) -> None:
    """Set the changed fields ``names`` of one task from its mapping in the spreadsheet's
    document (a gate's details in the gates: section when they live there)."""
    task_id = str(new["id"])
    for name in names:
        for key in _KEYS.get(name, (name,)):
            in_gates = key in GATE_FIELDS and gates is not None and task_id in gates
            target = gates[task_id] if in_gates else item
            if in_gates and key == "gate":
                continue
            if key in new:
                _put(target, key, new[key], TASK_KEYS)
            elif key in target:
                del target[key]


def apply(text: str, diff: Diff, document: dict[str, Any]) -> str:
    """``text`` (a runbook's YAML) with ``diff`` applied from ``document`` (the spreadsheet's
    runbook in the format's shape): comments, key order and quoting kept where unchanged."""
    yaml = _yaml(text)
    data = yaml.load(text)
    for change in diff.top:
        if change.name in document:
            _put(data, change.name, document[change.name], TOP_KEYS)
        elif change.name in data:
            del data[change.name]
    new_teams = document.get("teams") or {}
    for record in diff.records:
        if record.section != "teams":
            continue
        if data.get("teams") is None:
            _put(data, "teams", {}, TOP_KEYS)
        entry = new_teams[record.id]
        if record.kind == "added":
            data["teams"][record.id] = _node(entry)
        else:
            for change in record.fields:
                _put(data["teams"][record.id], change.name, entry[change.name], ())
    for section in ("tasks", "rollback_tasks", "risks", "readiness"):
        _apply_list(data, section, diff, document)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _apply_list(data: Any, section: str, diff: Diff, document: dict[str, Any]) -> None:
    """Remove, change and add the records of one list section, in the spreadsheet's order."""
    records = [r for r in diff.records if r.section == section]
    if not records:
        return
    if data.get(section) is None:
        _put(data, section, [], TOP_KEYS)
    items = data[section]
    new_items = {str(item["id"]): item for item in document.get(section, [])}
    removed = {r.id for r in records if r.kind == "removed"}
    for i in reversed(range(len(items))):
        if str(items[i]["id"]) in removed:
            del items[i]
    gates = data.get("gates") if section == "tasks" else None
    position = {str(item["id"]): i for i, item in enumerate(items)}
    for record in records:
        if record.kind == "changed":
            item = items[position[record.id]]
            _apply_task(item, new_items[record.id], [c.name for c in record.fields], gates)
    added = {r.id for r in records if r.kind == "added"}
    previous: str | None = None
    for new_id in new_items:
        if new_id in added:
            index = 0
            if previous is not None:
                index = next(i for i, it in enumerate(items) if str(it["id"]) == previous) + 1
            items.insert(index, _node(new_items[new_id]))
        previous = new_id
