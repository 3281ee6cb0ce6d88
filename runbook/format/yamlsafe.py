# Size: one reader: the parser's event loop, its marks and its refusals share one state, and the
# loop is the hot path of every command that reads a runbook.
"""A hardened YAML reader: libyaml's event parser, plain data only, every value located.

PyYAML's own loaders build a node tree and then objects from it, and forget where each
value came from. We read the parser's event stream instead and build dicts, lists and
scalars directly, which is several times faster, keeps a (line, column) for every key and
value, and lets us refuse hostile input before it does harm: tags that construct objects
are never honoured, nesting is capped before libyaml's recursive composer could overflow
the C stack (we never call it), and alias expansion is counted so a "billion laughs"
document is refused in microseconds. Plain scalars follow the YAML 1.2 core schema
(``no`` stays the text "no").

The events come from libyaml through PyYAML's public ``CBaseLoader`` when PyYAML was built
with it and a probe at import shows it behaves as we rely on; otherwise from PyYAML's
pure-Python parser (about twenty times slower, same events, same marks, same refusals),
so a PyYAML release that moves its C module cannot break the reader silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events as ev
from yaml.reader import ReaderError

from runbook.format.source import MAX_BYTES

MAX_DEPTH = 64
MAX_VALUES = 2_000_000  # keys and values after alias expansion

_NULLS = {"": None, "~": None, "null": None, "Null": None, "NULL": None}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    ".inf": float("inf"),
    ".Inf": float("inf"),
    ".INF": float("inf"),
    "+.inf": float("inf"),
    "-.inf": float("-inf"),
    "-.Inf": float("-inf"),
    ".nan": float("nan"),
    ".NaN": float("nan"),
    ".NAN": float("nan"),
}
_NUMERIC_START = frozenset("0123456789+-.")
_WORDS: dict[str, object] = {**_NULLS, **_BOOLS}  # what plain text not like a number may be
# How every number ``_resolve_plain`` reads ends: a digit, a hex digit, "." or .inf/.nan.
_NUMERIC_END = frozenset("0123456789.abcdefABCDEFnN")
# Keys that ``place`` handles itself: a refused key, a merge.
_NOT_PLAIN_KEYS = frozenset({"\0invalid", "<<"})
_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {f"{_CORE}{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")}

Mark = Any  # the parser's mark: ``line`` and ``column``, 0-based, as libyaml counts

EventParser = Callable[[bytes], Any]  # bytes -> an object with get_event()

_PROBE = b"a: [b, {c: d}]\n"
_PROBE_EVENTS = [
    ("StreamStartEvent", 0, 0),
    ("DocumentStartEvent", 0, 0),
    ("MappingStartEvent", 0, 0),
    ("ScalarEvent", 0, 0),
    ("SequenceStartEvent", 0, 3),
    ("ScalarEvent", 0, 4),
    ("MappingStartEvent", 0, 7),
    ("ScalarEvent", 0, 8),
    ("ScalarEvent", 0, 11),
    ("MappingEndEvent", 0, 12),
    ("SequenceEndEvent", 0, 13),
    ("MappingEndEvent", 1, 0),
    ("DocumentEndEvent", 1, 0),
    ("StreamEndEvent", 1, 0),
]


def _behaves(parser: EventParser) -> bool:
    """Whether ``parser`` gives the events and marks the reader relies on, for a probe."""
    try:
        source = parser(_PROBE)
        seen = []
        for _ in range(len(_PROBE_EVENTS)):
            event: Any = source.get_event()
            if not isinstance(event, ev.Event):
                return False
            mark: Any = event.start_mark
            seen.append((type(event).__name__, mark.line, mark.column))
    except Exception:  # any surprise from a C module we do not control means: do not use it
        return False
    return seen == _PROBE_EVENTS


def _libyaml() -> EventParser | None:
    """libyaml's event parser, through PyYAML's public C loader, if present and sound."""
    loader = getattr(yaml, "CBaseLoader", None)
    if not getattr(yaml, "__with_libyaml__", False) or loader is None:
        return None
    if not callable(getattr(loader, "get_event", None)):
        return None
    return loader if _behaves(loader) else None


FALLBACK: EventParser = yaml.BaseLoader  # PyYAML's pure-Python reader, scanner and parser
FAST: EventParser | None = _libyaml()


@dataclass(frozen=True, slots=True)
class YamlIssue:
    """A problem found while reading the YAML itself (1-based line and column)."""

    message: str
    line: int | None
    column: int | None
    fatal: bool = False
    hint: str | None = None


class _Origin:
    """Where a value without a place of its own is said to be: the file's first line."""

    __slots__ = ()
    line = column = 0


ORIGIN: Mark = _Origin()


@dataclass(slots=True)
class Marks:
    """Where every key and value was written, indexed by the identity of its container: for
    a list, the mark of each item; for a mapping, the marks of its keys and values in turn
    (key, value, key, value ...), in the mapping's order. A mark is the parser's own (its
    ``line`` and ``column``, 0-based): kept as it comes, never copied, so reading a file
    costs no more than holding on to them."""

    root: Mark = ORIGIN
    by_id: dict[int, list[Mark]] = field(default_factory=dict)
    # Each mapping's keys by position, built for the mappings a problem is located in.
    _positions: dict[int, dict[str, int]] = field(default_factory=dict)

    def locate(
        self, data: object, path: Sequence[str | int], *, key: bool = False
    ) -> tuple[int, int]:
        """1-based (line, column) of the value at ``path`` (or of its key), or the nearest
        enclosing value that exists; parts of ``path`` that do not match are skipped."""
        node, mark = data, self.root
        last = len(path) - 1
        for i, part in enumerate(path):
            found = None
            marks = self.by_id.get(id(node))
            if isinstance(node, dict) and isinstance(part, str) and part in node:
                if marks is not None:
                    positions = self._positions.get(id(node))
                    if positions is None:
                        positions = self._positions[id(node)] = {k: n for n, k in enumerate(node)}
                    at = 2 * positions[part] + (0 if key and i == last else 1)
                    found = marks[at] if at < len(marks) else None
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                if marks is not None and part < len(marks):
                    found = marks[part]
                node = node[part]
            if found is not None:
                mark = found
        return mark.line + 1, mark.column + 1


@dataclass(slots=True)
class Document:
    """Plain data read from YAML, where each part of it was written, and what went wrong."""

    data: object
    marks: Marks
    issues: list[YamlIssue]


def _resolve_plain(text: str) -> object:
    """A plain scalar under the YAML 1.2 core schema."""
    if not text or text[0] not in _NUMERIC_START:
        if text in _NULLS:
            return None
        return _BOOLS.get(text, text)
    if _INT.fullmatch(text):
        # Python refuses to read an int of more than 4,300 digits (a guard against
        # quadratic conversion); such a number is kept as the text it is, and whatever
        # expects a number then says so, located.
        try:
            return int(text)
        except ValueError:
            return text
    if text.startswith(("0o", "0x")):
        try:
            return int(text, 0)
        except ValueError:
            return text
    if _FLOAT.fullmatch(text):
        return float(text)
    return _SPECIAL_FLOATS.get(text, text)


def _resolve_tagged(tag: str, text: str) -> object:
    """A scalar with an explicit core tag (``!!str``, ``!!int`` ...); raises ValueError."""
    if tag == f"{_CORE}str":
        return text
    value = _resolve_plain(text)
    kind = tag[len(_CORE) :]
    expected: dict[str, type | tuple[type, ...]] = {
        "int": int,
        "float": (int, float),
        "bool": bool,
        "null": type(None),
    }
    if isinstance(value, bool) and kind != "bool":
        raise ValueError
    if not isinstance(value, expected[kind]):
        raise ValueError
    return float(value) if kind == "float" else value  # type: ignore[arg-type]


def _line_col(exc: yaml.MarkedYAMLError) -> tuple[int | None, int | None]:
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None, None
    return mark.line + 1, mark.column + 1


def _describe(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        context = exc.context
        start, end = exc.context_mark, exc.problem_mark
        if context and start is not None and end is not None and start.line != end.line:
            # "while scanning a quoted scalar" is reported where the file ends; say where
            # the unclosed thing began, which is where the mistake usually is.
            context += f" (started on line {start.line + 1}, column {start.column + 1})"
        parts = [p for p in (context, exc.problem) if p]
        text = ", ".join(parts) if parts else "invalid YAML"
        return f"YAML syntax error: {text}"
    return f"YAML syntax error: {exc}"


def _syntax_hint(exc: yaml.YAMLError, data: bytes) -> str | None:
    """A plain-words hint for the syntax errors people make most often, or None."""
    if not isinstance(exc, yaml.MarkedYAMLError) or exc.problem_mark is None:
        return None
    problem = exc.problem or ""
    mark = exc.problem_mark
    lines = data.decode("utf-8", "replace").splitlines()
    text = lines[mark.line] if mark.line < len(lines) else ""
    char = text[mark.column] if mark.column < len(text) else ""
    if "tab" in problem or char == "\t":
        return "indent with spaces; YAML does not allow tabs there"
    if "cannot start any token" in problem and char:
        return f"put quotes around text that starts with '{char}'"
    if "mapping values are not allowed" in problem:
        return "check the indentation, and put quotes around text that contains ': '"
    if "did not find expected key" in problem or "expected '-' indicator" in problem:
        return "check the indentation of this line and the ones above it"
    return None


def _place_of(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a byte offset; the column counts characters, as libyaml's."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def _show_tag(tag: str) -> str:
    """A tag as it is written in the file (``!!python/name:os.system``)."""
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def read(data: bytes) -> Document:
    """Read one YAML document of plain data from UTF-8 bytes; never constructs objects."""
    issues: list[YamlIssue] = []
    marks = Marks()
    if len(data) > MAX_BYTES:
        issues.append(
            YamlIssue(
                f"the file is {len(data) / 1048576:.1f} MiB; runbooks larger than "
                f"{MAX_BYTES // 1048576} MiB are refused",
                None,
                None,
                fatal=True,
            )
        )
        return Document(None, marks, issues)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        issues.append(
            YamlIssue(
                f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read)",
                *_place_of(data, exc.start),
                fatal=True,
                hint="save it as UTF-8",
            )
        )
        return Document(None, marks, issues)
    parser = FAST or FALLBACK
    try:
        root = _build(parser(data), marks, issues)
    except _Fatal as stop:
        issues.append(stop.issue)
        return Document(None, marks, issues)
    except ReaderError as exc:
        # A control character (NUL, BEL, ...): an offset, not a mark; libyaml counts bytes,
        # the pure-Python reader characters.
        offset = exc.position
        if parser is not FAST:
            offset = len(data.decode("utf-8")[:offset].encode("utf-8"))
        where = _place_of(data, offset)
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        issues.append(
            YamlIssue(
                f"the file holds a control character (#x{code:04x}) that YAML does not allow",
                *where,
                fatal=True,
                hint="is this a binary file?",
            )
        )
        return Document(None, marks, issues)
    except yaml.YAMLError as exc:
        line, column = _line_col(exc) if isinstance(exc, yaml.MarkedYAMLError) else (None, None)
        if _nesting_refused(exc):
            # Newer libyaml refuses ~1000 levels of flow nesting itself, in its scanner,
            # which looks up to 1024 characters ahead for a key before it hands us the
            # first event of the line: our limit cannot fire first there. Say it in our
            # words, where libyaml stopped.
            issues.append(YamlIssue(_TOO_DEEP, line, column, fatal=True))
            return Document(None, marks, issues)
        issues.append(
            YamlIssue(_describe(exc), line, column, fatal=True, hint=_syntax_hint(exc, data))
        )
        return Document(None, marks, issues)
    return Document(root, marks, issues)


_TOO_DEEP = f"the YAML is nested more than {MAX_DEPTH} levels deep; refused"


def _nesting_refused(exc: yaml.YAMLError) -> bool:
    """Whether this is libyaml refusing deep nesting ("exceeded maximum nesting depth")."""
    problem = getattr(exc, "problem", None) or ""
    return "nesting depth" in problem or "nesting level" in problem


class _Fatal(Exception):
    def __init__(self, issue: YamlIssue) -> None:
        super().__init__(issue.message)
        self.issue = issue


def _build(parser: Any, marks: Marks, issues: list[YamlIssue]) -> object:
    """Turn the parser's events into plain data; the hot loop of every command reading YAML."""
    get_event = parser.get_event
    scalar_event, map_start, seq_start = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
    map_end, seq_end, alias_event = ev.MappingEndEvent, ev.SequenceEndEvent, ev.AliasEvent
    doc_start, stream_end = ev.DocumentStartEvent, ev.StreamEndEvent
    marks_by_id = marks.by_id

    root: object = None
    documents = 0
    # One frame per open collection: [container, its marks, pending key, pending key mark,
    # merge sources, anchor, count at start]
    stack: list[list] = []  # type: ignore[type-arg]
    container: dict | list | None = None  # type: ignore[type-arg]
    # The open collection's marks (see ``Marks``): a mapping's key and value marks in turn.
    cmarks: list[Mark] = []
    pending: str | None = None
    pending_mark: Mark = ORIGIN
    anchors: dict[str, tuple[object, int]] = {}
    open_anchors: set[str] = set()
    count = 0

    def fatal(message: str, mark: Mark, hint: str | None = None) -> _Fatal:
        return _Fatal(YamlIssue(message, mark.line + 1, mark.column + 1, True, hint))

    def problem(message: str, mark: Mark, hint: str | None = None) -> None:
        issues.append(YamlIssue(message, mark.line + 1, mark.column + 1, False, hint))

    def duplicate(key: str, mapping: dict[str, object], where: list[Mark]) -> None:
        first = where[2 * list(mapping).index(key)].line + 1
        problem(f"duplicate key '{key}' (first given on line {first})", pending_mark)

    def place(value: object, mark: Mark) -> None:
        """Put a finished value into the open collection (as a key or a value)."""
        nonlocal pending, pending_mark, root
        if container is None:
            root = value
            marks.root = mark
        elif type(container) is list:
            container.append(value)
            cmarks.append(mark)
        elif pending is None:
            if not isinstance(value, str):
                problem("a key must be plain text, not a list or mapping", mark)
                pending, pending_mark = "\0invalid", mark
            else:
                pending, pending_mark = value, mark
        else:
            key, pending = pending, None
            if key == "\0invalid":
                return
            if key == "<<" and key not in container:
                frame_merges.append((value, mark))
                return
            if key in container:
                duplicate(key, container, cmarks)  # type: ignore[arg-type]
                return
            container[key] = value  # type: ignore[call-overload]
            cmarks.append(pending_mark)
            cmarks.append(mark)

    frame_merges: list[tuple[object, Mark]] = []
    in_map = in_list = False  # the type of the open collection, kept beside it
    str_tag = f"{_CORE}str"
    words, numeric, number_ends = _WORDS, _NUMERIC_START, _NUMERIC_END
    while True:
        event: Any = get_event()
        cls = event.__class__
        if cls is scalar_event:
            # The hot path (most events): ``place`` inlined, plain text resolved in line.
            count += 1
            mark = event.start_mark
            text = event.value
            tag = event.tag
            if in_map and pending is None:
                # A key: always its text, never resolved (so `2:` is the key "2").
                if tag is not None and tag != "!" and tag != str_tag:
                    problem(f"YAML tag '{_show_tag(tag)}' is not allowed on a key", mark)
                if event.anchor is not None:
                    anchors[event.anchor] = (text, 1)
                pending, pending_mark = text, mark
                continue
            if tag is None or tag == "!":
                if event.style:
                    value: object = text
                elif not text or text[0] not in numeric:
                    value = words.get(text, text)  # null, true, false, or the text
                elif text[-1] not in number_ends:
                    value = text  # "30m", "1h30m": starts like a number, cannot be one
                else:
                    value = _resolve_plain(text)
            elif tag in _ALLOWED_TAGS and tag not in (f"{_CORE}seq", f"{_CORE}map"):
                try:
                    value = _resolve_tagged(tag, text)
                except ValueError:
                    problem(f"'{text}' is not a valid {tag[len(_CORE) :]}", mark)
                    value = text
            else:
                problem(
                    f"YAML tag '{_show_tag(tag)}' is not allowed",
                    mark,
                    "runbooks hold plain text, numbers, lists and mappings only",
                )
                value = text
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
            if in_list:
                container.append(value)  # type: ignore[union-attr]
                cmarks.append(mark)
            elif in_map and pending not in _NOT_PLAIN_KEYS and pending not in container:  # type: ignore[operator]
                container[pending] = value  # type: ignore[call-overload,index]
                cmarks.append(pending_mark)
                cmarks.append(mark)
                pending = None
            else:
                place(value, mark)
        elif cls is map_start or cls is seq_start:
            count += 1
            mark = event.start_mark
            if len(stack) >= MAX_DEPTH:
                raise fatal(_TOO_DEEP, mark)
            tag = event.tag
            if tag not in (None, "!", f"{_CORE}seq", f"{_CORE}map"):
                problem(
                    f"YAML tag '{_show_tag(tag)}' is not allowed",
                    mark,
                    "runbooks hold plain text, numbers, lists and mappings only",
                )
            new: dict | list = {} if cls is map_start else []  # type: ignore[type-arg]
            if in_list:  # ``place`` inlined for the usual cases: an item, a key's value
                container.append(new)  # type: ignore[union-attr]
                cmarks.append(mark)
            elif (
                in_map
                and pending is not None
                and pending not in _NOT_PLAIN_KEYS
                and pending not in container  # type: ignore[operator]
            ):
                container[pending] = new  # type: ignore[call-overload,index]
                cmarks.append(pending_mark)
                cmarks.append(mark)
                pending = None
            else:
                place(new, mark)
            stack.append(
                [container, cmarks, pending, pending_mark, frame_merges, event.anchor, count]
            )
            container, cmarks, pending, frame_merges = new, [], None, []
            in_map, in_list = cls is map_start, cls is seq_start
            marks_by_id[id(new)] = cmarks
            if event.anchor is not None:
                open_anchors.add(event.anchor)
        elif cls is map_end or cls is seq_end:
            finished = container
            if cls is map_end and frame_merges:
                _merge(finished, cmarks, frame_merges, marks_by_id, problem)  # type: ignore[arg-type]
            (container, cmarks, pending, pending_mark, frame_merges, anchor, started) = stack.pop()
            in_map, in_list = type(container) is dict, type(container) is list
            if anchor is not None:
                anchors[anchor] = (finished, count - started + 1)
                open_anchors.discard(anchor)
        elif cls is alias_event:
            mark = event.start_mark
            name = event.anchor
            if name in open_anchors:
                raise fatal(f"alias '*{name}' refers to the collection that contains it", mark)
            if name not in anchors:
                raise fatal(f"alias '*{name}' refers to an anchor that was never defined", mark)
            value, size = anchors[name]
            count += size
            if count > MAX_VALUES:
                raise fatal(
                    f"aliases expand to more than {MAX_VALUES:,} values; refused",
                    mark,
                    "is this an alias bomb (billion laughs)?",
                )
            place(value, mark)
        elif cls is doc_start:
            documents += 1
            if documents > 1:
                problem(
                    "the file holds more than one YAML document (a second '---'); "
                    "a runbook is one document",
                    event.start_mark,
                )
                break
        elif cls is stream_end or event is None:
            break
    return root


def _merge(
    target: dict,  # type: ignore[type-arg]
    cmarks: list[Mark],
    merges: list[tuple[object, Mark]],
    marks_by_id: dict[int, list[Mark]],
    problem: Callable[[str, Mark], None],
) -> None:
    """Apply YAML merge keys (``<<: *defaults``): keys already present win."""
    sources: list[object] = []
    for value, mark in merges:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, dict):
                problem("'<<' (merge) needs a mapping or a list of mappings", mark)
                continue
            sources.append(item)
    for source in sources:
        assert isinstance(source, dict)
        smarks = marks_by_id.get(id(source), [])
        for n, (key, value) in enumerate(source.items()):
            if key not in target:
                target[key] = value
                at = 2 * n
                cmarks.append(smarks[at] if at < len(smarks) else ORIGIN)
                cmarks.append(smarks[at + 1] if at + 1 < len(smarks) else ORIGIN)
