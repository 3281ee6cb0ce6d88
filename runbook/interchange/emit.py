"""Writing a runbook document (plain dicts, lists and scalars in the format's shape) as YAML
that reads like the examples: two-space indents, short lists and mappings on one line.

Hand-written rather than a YAML library's dumper: the shape is known, the output is the one a
person would write, and 10,000 tasks take a fraction of a second. Every string that is not
plainly safe is written double-quoted with JSON's escapes (which YAML reads the same);
``runbook import`` then validates what was written, so a mistake here cannot go unnoticed.
"""

from __future__ import annotations

import json
import re
from typing import Any

WIDTH = 100  # a list or mapping is written on one line when it fits
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_ .,/()'&+@!?-]*")
_PLAIN_DIGITS = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{2}:\d{2}|Z)?)?"  # a time
    r"|\d+(?:\.\d+)?[dhms](?:\d+(?:\.\d+)?[dhms])*"  # a duration such as 1h30m
)
_RESERVED = {"true", "false", "yes", "no", "on", "off", "y", "n", "null"}
_UNSAFE_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_FLOW_UNSAFE = set(",[]{}")
# Mappings written on one line: a time that cannot move, an estimate, the notify settings.
_FLOW_KEYS = {"at", "fixed", "reason", "optimistic", "pessimistic", "heads_up"}


def scalar(value: object, *, flow: bool = False) -> str:
    """One value as YAML: plain when that reads back as the same text, else double-quoted."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if _plain(text, flow=flow):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _UNSAFE_CHARACTERS.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _plain(text: str, *, flow: bool) -> bool:
    if not text or text != text.strip() or text.lower() in _RESERVED:
        return False
    if flow and _FLOW_UNSAFE.intersection(text):
        return False
    if " #" in text:
        return False
    return bool(_PLAIN.fullmatch(text) or _PLAIN_DIGITS.fullmatch(text))


def _flow(value: object) -> str | None:
    """``[a, b]`` or ``{at: ..., fixed: true}`` when every item is a scalar, else None."""
    if isinstance(value, list):
        if any(isinstance(v, dict | list) for v in value):
            return None
        return "[" + ", ".join(scalar(v, flow=True) for v in value) + "]"
    if isinstance(value, dict):
        if any(isinstance(v, dict | list) for v in value.values()) or not set(value) <= _FLOW_KEYS:
            return None
        items = (f"{scalar(k, flow=True)}: {scalar(v, flow=True)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    return None


def _block(value: Any, indent: int, out: list[str], key_prefix: str) -> None:
    """Write ``key_prefix`` (``"name:"`` or ``"- "``) and ``value`` below it."""
    pad = " " * indent
    if isinstance(value, dict | list) and value:
        flow = _flow(value)
        if flow is not None and len(pad) + len(key_prefix) + 1 + len(flow) <= WIDTH:
            out.append(f"{pad}{key_prefix} {flow}".rstrip())
            return
        if isinstance(value, dict):
            out.append(f"{pad}{key_prefix}")
            for k, v in value.items():
                _block(v, indent + 2, out, f"{scalar(k)}:")
        else:
            out.append(f"{pad}{key_prefix}")
            for item in value:
                _item(item, indent + 2, out)
        return
    if isinstance(value, dict):
        out.append(f"{pad}{key_prefix} {{}}")
    elif isinstance(value, list):
        out.append(f"{pad}{key_prefix} []")
    else:
        out.append(f"{pad}{key_prefix} {scalar(value)}")


def _item(item: Any, indent: int, out: list[str]) -> None:
    """One list item: a mapping as ``- key: value`` lines, anything else after ``- ``."""
    pad = " " * indent
    if isinstance(item, dict) and item:
        first = True
        for k, v in item.items():
            lines: list[str] = []
            _block(v, indent + 2, lines, f"{scalar(k)}:")
            head = lines[0]
            lines[0] = (pad + "- " + head[indent + 2 :]) if first else head
            out.extend(lines)
            first = False
        return
    lines = []
    _block(item, indent, lines, "-")
    out.extend(lines)


def dump(document: dict[str, Any], *, header: list[str] | None = None) -> str:
    """The document as YAML text: ``header`` lines as comments first, a blank line between
    top-level sections."""
    out = [f"# {line}".rstrip() for line in header or []]
    for key, value in document.items():
        if out and (isinstance(value, dict | list) or out[-1].startswith("#")):
            out.append("")
        _block(value, 0, out, f"{scalar(key)}:")
    return "\n".join(out) + "\n"


def duration_text(seconds: int) -> str:
    """A duration exactly, as the format writes it: ``1h30m``, ``45s``, ``2d``, ``26h``, ``0m``."""
    if seconds and seconds % 86400 == 0:
        return f"{seconds // 86400}d"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
    text += f"{secs}s" if secs else ""
    return text or "0m"
