"""YAML reading that remembers line numbers, and writing in the data/ style.

Editors fix problems by line, so every value read here comes with the line it starts on and the line of each
of its keys or items (``Lines``, kept apart from the plain value until a problem needs them: ``lined``). Parsing
is libyaml's (the C parser, as fast as plain ``yaml.CSafeLoader``); only building the Python objects is ours,
straight from the parser's events. Reading is bounded: anchors, aliases and merge keys
(which let a small file expand to gigabytes) are refused, as are values over ``MAX_SCALAR`` characters and
nesting deeper than ``MAX_DEPTH``, and ``iter_list`` streams a list file record by record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

MAX_SCALAR = 1_000_000  # characters in one value; recommendation texts are a few hundred
if TYPE_CHECKING:  # the checker sees libyaml's loader and emitter; PyYAML built without libyaml has only Python's
    from yaml import CSafeDumper as _SafeDumper
    from yaml import CSafeLoader as _Loader
else:
    _Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    _SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

#: A mapping key as data files write them (plain values only).
_Key = str | int | float | None


class LineDict(dict[_Key, Any]):
    """A dict that knows where it was in the file (1-based lines)."""

    line: int = 0
    key_lines: dict[_Key, int]


class LineList(list[Any]):
    line: int = 0
    item_lines: list[int]


#: Where a value read from a file was: (its line, the lines of its keys or items, those of the containers inside
#: by key or index); None for a scalar. Plain types only, as ``marshal`` writes them.
Lines = tuple[int, Any, dict[Any, Any]] | None


class YamlError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


#: What reading a data file may raise: each is reported as a problem of that file.
READ_ERRORS = (YamlError, OSError, UnicodeDecodeError)


class _Events(_Loader):
    """libyaml's parser (C) with PyYAML's resolver and scalar constructors; we build the objects ourselves.

    Building from the event stream skips PyYAML's node tree (measured on a 37 MB file: the tree costs about 1 GB
    and 85% of the parse time), keeps only one record in memory at a time when the caller streams a list
    (``iter_list``), and lets anchors, aliases and merge keys be refused the moment they appear.
    """


_STR = "tag:yaml.org,2002:str"
_SCALARS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
}
_MERGE = "tag:yaml.org,2002:merge"
MAX_DEPTH = 50
#: First characters some implicit resolver looks at: any other plain scalar is a string (the safe loader has no
#: path resolvers, which would look at more than the value).
_RESOLVED = frozenset(_Loader.yaml_implicit_resolvers)


_ScalarEvent, _SequenceStart, _SequenceEnd = yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.SequenceEndEvent
_MappingStart, _MappingEnd = yaml.MappingStartEvent, yaml.MappingEndEvent


def _line(event: yaml.Event) -> int:
    """The 1-based line ``event`` starts on (0 for an event without a position; libyaml gives every one)."""
    return event.start_mark.line + 1 if event.start_mark is not None else 0


def _text(event: Any) -> str | None:
    """A plain or quoted text that no resolver looks at, as ``_Builder.scalar`` takes it, without its calls (most
    events of a data file: the read's hot path); None for anything else (an empty text included), which
    ``_Builder.value`` then reads."""
    if event.__class__ is not _ScalarEvent or event.tag is not None:
        return None
    value: str = event.value
    if (event.implicit[0] and value[:1] in _RESOLVED) or len(value) > MAX_SCALAR:
        return None
    return value


class _Builder:
    def __init__(self, handle: Any) -> None:
        self.p = _Events(handle)

    def close(self) -> None:
        self.p.dispose()

    def event(self) -> Any:
        event: Any = self.p.get_event()
        if getattr(event, "anchor", None) is not None:  # only node and alias events have one
            self.refuse(event)
        return event

    @staticmethod
    def refuse(event: Any) -> None:
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(_line(event), "aliases (*name) are not allowed in data files: write the value out")
        raise YamlError(_line(event), "anchors (&name) are not allowed in data files: write the value out")

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        value: str = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0] or value[:1] not in _RESOLVED:  # a text: no resolver looks at it (fast path)
                if len(value) > MAX_SCALAR:
                    raise YamlError(_line(event), f"a value of {len(value):,} characters (at most {MAX_SCALAR:,})")
                return value
            resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = self.p.resolve  # untyped in the stubs
            tag = resolve(yaml.ScalarNode, value, event.implicit)
        line = _line(event)
        if len(value) > MAX_SCALAR:
            raise YamlError(line, f"a value of {len(value):,} characters (at most {MAX_SCALAR:,})")
        if tag == _STR or tag == "tag:yaml.org,2002:timestamp":  # dates stay as written: the schema decides
            return value
        if tag == _MERGE:
            raise YamlError(line, "merge keys (<<) are not allowed in data files")
        if tag in _SCALARS:
            # libyaml's marks (yaml._yaml.Mark) are the C twins of yaml.Mark, which the stubs' ScalarNode names alone
            start, end = cast("yaml.Mark | None", event.start_mark), cast("yaml.Mark | None", event.end_mark)
            node = yaml.ScalarNode(tag, value, start, end, event.style)
            return self.p.yaml_constructors[tag](self.p, node)
        raise YamlError(line, f"unsupported tag {tag!r}")

    def value(self, event: Any, depth: int = 0) -> tuple[Any, Lines]:
        """The value ``event`` starts, as plain dicts and lists, with its ``Lines`` (None for a scalar).

        Why plain: the parsing worker sends values as ``marshal`` writes them (plain types only), and the lines only
        matter for a record the checks refuse; built apart in one pass, they cost the worker 0.1 s less at 1,000
        recommendations than lined containers taken apart again. ``lined`` makes the lined containers.
        """
        if depth > MAX_DEPTH:
            raise YamlError(event.start_mark.line + 1, f"the data nests more than {MAX_DEPTH} levels deep")
        kind = type(event)
        if kind is _ScalarEvent:
            return self.scalar(event), None
        if kind is _SequenceStart:
            items: list[Any] = []
            lines: list[int] = []
            inner: dict[Any, Lines] = {}
            get: Callable[[], Any] = self.p.get_event  # self.event, inlined: the hot loop of every read
            append = items.append
            while (child := get()).__class__ is not _SequenceEnd:
                if getattr(child, "anchor", None) is not None:
                    self.refuse(child)
                lines.append(child.start_mark.line + 1)
                if (text := _text(child)) is None:
                    item, where = self.value(child, depth + 1)
                    if where is not None:
                        inner[len(items)] = where
                    append(item)
                else:
                    append(text)
            return items, (_line(event), lines, inner)
        if kind is _MappingStart:
            result: dict[_Key, Any] = {}
            key_lines: dict[_Key, int] = {}
            within: dict[Any, Lines] = {}
            get_key: Callable[[], Any] = self.p.get_event
            while (key_event := get_key()).__class__ is not _MappingEnd:
                if getattr(key_event, "anchor", None) is not None:
                    self.refuse(key_event)
                key = _text(key_event)
                if key is None:
                    key = self.value(key_event, depth + 1)[0]
                line = key_event.start_mark.line + 1
                if not isinstance(key, str | int | float | bool) and key is not None:
                    raise YamlError(line, "a key must be a plain value")
                if key in result:
                    raise YamlError(line, f"invalid YAML: duplicate key {key!r}")
                key_lines[key] = line
                if getattr(child := get_key(), "anchor", None) is not None:  # self.event, inlined
                    self.refuse(child)
                if (text := _text(child)) is None:
                    result[key], where = self.value(child, depth + 1)
                    if where is not None:
                        within[key] = where
                else:
                    result[key] = text
            return result, (_line(event), key_lines, within)
        raise YamlError(getattr(event.start_mark, "line", -1) + 1, f"unexpected {type(event).__name__}")

    def document(self) -> tuple[bool, Any, Lines]:
        """(True, value, its lines) for the next document, (False, None, None) at the end of the stream."""
        event = self.event()
        if isinstance(event, yaml.StreamStartEvent):
            event = self.event()
        if isinstance(event, yaml.StreamEndEvent):
            return False, None, None
        return True, *self.value(self.event())

    def end_document(self) -> None:
        self.event()  # DocumentEnd
        event = self.event()
        if not isinstance(event, yaml.StreamEndEvent):
            raise YamlError(event.start_mark.line + 1, "a data file holds one YAML document (found a second ---)")


@contextmanager
def _reading() -> Iterator[None]:
    """Translate the parser's errors into YamlError with the line."""
    try:
        yield
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(mark.line + 1 if mark else 0, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlError(0, f"invalid YAML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise YamlError(0, f"not UTF-8 text: {exc}") from None


def read_yaml(path: Path) -> Any:
    """Parse one file; raise YamlError with the line of a syntax error or a refused construct."""
    return lined(*read_plain(path))


def read_plain(path: Path) -> tuple[Any, Lines]:
    """``read_yaml``'s value as plain dicts and lists, and its lines apart (``lined`` joins them)."""
    with _reading(), path.open(encoding="utf-8") as handle:
        builder = _Builder(handle)
        try:
            found, value, lines = builder.document()
            if found:
                builder.end_document()
            return value, lines
        finally:
            builder.close()


def lined(value: Any, lines: Lines) -> Any:
    """``value`` with its ``lines`` (``_Builder.value``) as ``LineDict`` and ``LineList``, for ``line_of``."""
    if lines is None:
        return value
    line, own, inner = lines
    if isinstance(value, dict):
        mapping = LineDict((key, lined(item, inner.get(key))) for key, item in value.items())
        mapping.line, mapping.key_lines = line, own
        return mapping
    sequence = LineList(lined(item, inner.get(index)) for index, item in enumerate(value))
    sequence.line, sequence.item_lines = line, own
    return sequence


def iter_list(path: Path, key: str, optional: tuple[str, ...] = ()) -> Iterator[tuple[int, int, Any]]:
    """Yield ``(line, offset, record)`` for each item of a file holding ``{key: [records]}``, one at a time.

    ``offset`` is the item's position in characters, so callers can report progress. ``optional`` names other
    lists the file may hold after ``key`` (links.yaml's ``examined_not_linked``); their items are not yielded
    here (``iter_keyed`` yields them).

    Only the record being checked is in memory, so a file of any length costs the memory of its largest record.
    Raises YamlError (with the line) for a file of any other shape, an empty file included.
    """
    for found, line, offset, record in iter_keyed(path, key, optional):
        if found == key:
            yield line, offset, record


def iter_keyed(path: Path, key: str, optional: tuple[str, ...] = ()) -> Iterator[tuple[str, int, int, Any]]:
    """Yield ``(key, line, offset, record)`` for each item of each list of a file holding ``{key: [records]}``
    and, after it, any of the ``optional`` lists (each at most once)."""
    for found, line, offset, record, lines in iter_plain(path, key, optional):
        yield found, line, offset, lined(record, lines)


def iter_plain(path: Path, key: str, optional: tuple[str, ...] = ()) -> Iterator[tuple[str, int, int, Any, Lines]]:
    """``iter_keyed``'s records as plain dicts and lists, each with its lines apart (``lined`` joins them)."""
    shape = f"file must hold exactly one key, {key!r}" if not optional else f"file must hold {key!r}"
    if optional:
        shape += " and may hold " + ", ".join(repr(k) for k in optional)
    with _reading(), path.open(encoding="utf-8") as handle:
        builder = _Builder(handle)
        try:
            builder.event()  # StreamStart
            event = builder.event()
            if isinstance(event, yaml.StreamEndEvent):
                raise YamlError(1, f"the file is empty (expected {key}: followed by a list)")
            top = builder.event()
            if not isinstance(top, yaml.MappingStartEvent):
                raise YamlError(top.start_mark.line + 1, shape)
            expected, seen = key, set()
            while True:
                first = builder.event()
                if isinstance(first, yaml.MappingEndEvent) and expected != key:
                    break
                name = None if isinstance(first, yaml.MappingEndEvent) else builder.value(first)[0]
                if name != expected and (expected == key or name not in optional or name in seen):
                    raise YamlError(first.start_mark.line + 1, shape)
                seen.add(name)
                items = builder.event()
                if not isinstance(items, yaml.SequenceStartEvent):
                    raise YamlError(first.start_mark.line + 1, f"{name!r} must be a list")
                while not isinstance(child := builder.event(), yaml.SequenceEndEvent):
                    yield str(name), child.start_mark.line + 1, child.start_mark.index, *builder.value(child, 1)
                expected = ""  # after the first list: only optional ones
            builder.end_document()
        finally:
            builder.close()


def line_of(data: Any, loc: tuple[str | int, ...]) -> int:
    """Best line for a pydantic error location inside ``data``."""
    line = getattr(data, "line", 0)
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            line = node.key_lines.get(part, line)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and 0 <= part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
        line = getattr(node, "line", line) if isinstance(node, LineDict | LineList) else line
    return line


class _Dumper(_SafeDumper):
    """The safe dumper on libyaml's emitter: the same text as PyYAML's own (tests/test_yaml_emitter.py), written
    five times faster (an export of data/ in 0.07 s, not 0.41 s)."""


def _str_presenter(dumper: _SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_presenter)


def dump_yaml(data: Any, path: Path, header: str | None = None) -> None:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((f"# {header}\n" if header else "") + text, encoding="utf-8")
