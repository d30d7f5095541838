r"""Read a YAML config file with YAML 1.2 core-schema meaning, in bounded time and memory.

The file is checked before it is read, its events before they are composed, and its node graph
(aliases still references) before anything is constructed, so no input can make the reader expand
an alias bomb, recurse without bound, or hold much more than 100 MB.

Meaning is the YAML 1.2 core schema: booleans are true/false only (yes, on are strings), integers
decimal, 0o octal or 0x hex (1:20, 1_000, 0b1 are strings), floats include 1e-3, .inf and .nan.
What YAML 1.1 reads differently is refused rather than guessed: 010 (octal 8 in 1.1), merge keys
(<<). Also refused: duplicate or non-string keys, tags outside the core schema, numbers that
overflow or underflow a float64, and a second document. An alias becomes an independent copy.

Over 300 lines on purpose: its three checks (file, events, node graph) and their messages are one
bound on one reader; apart, a change to one would not show what the others assume.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "mine.yaml"
>>> _ = path.write_text("seed: 0x1F\nw_hh: {eigenvalues: {values: [.5, 1e-3]}}\nplot: on")
>>> load_yaml(path)
{'seed': 31, 'w_hh': {'eigenvalues': {'values': [0.5, 0.001]}}, 'plot': 'on'}
>>> _ = path.write_text("seed: 010")
>>> load_yaml(path)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
rnngrad.files.safe_yaml.YamlProblem: seed: found 010; a leading zero means octal in YAML 1.1 and ...
"""

import math
import re
import stat
from pathlib import Path

import yaml
from yaml.resolver import BaseResolver

try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # PyYAML built without libyaml: the same events, only slower
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):
        """The pure-Python parser and composer, with the C parser's constructor signature."""

        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


# Limits, each far above what any shipped file needs (the largest, the scenario JSON schema, is
# 6.6 kB, nests 12 levels and has a 257-character string; a scenario nests at most 5 levels):
MAX_FILE_BYTES = 1024 * 1024  # ~50,000 full-precision numbers (a 220×220 matrix); bigger arrays
# belong in a binary file: a 1024×1024 matrix is ~25 MB of text and a million values
MAX_DEPTH = 32  # nesting levels, aliases expanded: code that reads the result recurses per level
MAX_NODES = 100_000  # values (keys included), each use of an alias counted: bounds memory, and
# refuses an alias bomb before it is expanded; a scenario's n·t inputs are a few thousand
MAX_SCALAR_CHARS = 4096  # characters in one value: a description is one line under a figure
MAX_INT_DIGITS = 18  # decimal digits: fits numpy's int64; the largest setting is a seed < 2**32

_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (
    _CORE + name for name in ("str", "int", "float", "bool", "null")
)
_SEQ, _MAP = _CORE + "seq", _CORE + "map"
_SCALAR_TAGS = (_STR, _INT, _FLOAT, _BOOL, _NULL)
_KIND_TAGS = {yaml.ScalarNode: _SCALAR_TAGS, yaml.SequenceNode: (_SEQ,), yaml.MappingNode: (_MAP,)}
_KIND_NAMES = {
    yaml.ScalarNode: "a scalar",
    yaml.SequenceNode: "a sequence",
    yaml.MappingNode: "a mapping",
}

# The YAML 1.2 core schema (spec 10.3.2); a plain scalar matching none of these is a string.
_NULL_TEXT = re.compile(r"null|Null|NULL|~|")
_BOOL_TEXT = re.compile(r"true|True|TRUE|false|False|FALSE")
_DECIMAL_TEXT = re.compile(r"[-+]?[0-9]+")
_OCTAL_TEXT = re.compile(r"0o[0-7]+")
_HEX_TEXT = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT_TEXT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF_TEXT = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN_TEXT = re.compile(r"\.(?:nan|NaN|NAN)")
_IMPLICIT = re.compile(
    "|".join(
        f"(?P<{name}>{'|'.join(pattern.pattern for pattern in patterns)})"
        for name, patterns in (
            ("null", (_NULL_TEXT,)),
            ("bool", (_BOOL_TEXT,)),
            ("int", (_DECIMAL_TEXT, _OCTAL_TEXT, _HEX_TEXT)),
            ("float", (_FLOAT_TEXT, _INF_TEXT, _NAN_TEXT)),
        )
    )
)
_SHOWN_CHARS = 60
_FILE = "(file)"  # the key of a problem that belongs to no key


class YamlProblem(ValueError):
    """A file that cannot be read as a config: where (`key`) and what was found and allowed."""

    def __init__(self, key, text):
        self.key, self.text = key, text
        super().__init__(f"{key}: {text}")


def _shown(value) -> str:
    """A found value for a message: at most ~60 characters, with the full length if cut."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= _SHOWN_CHARS:
        return text
    return f"{text[:_SHOWN_CHARS]}… ({len(text):,} characters)"


def _key(path) -> str:
    return ".".join(_shown(str(part)) for part in path) or _FILE


def _short_tag(tag) -> str:
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


class _Loader(_Parser, BaseResolver):
    """libyaml's parser and composer, resolving plain scalars by the YAML 1.2 core schema."""

    def __init__(self, text):
        _Parser.__init__(self, text)
        BaseResolver.__init__(self)

    def resolve(self, kind, value, implicit):
        """The core-schema tag of a plain scalar; `str`, `seq` or `map` for anything else."""
        if kind is yaml.ScalarNode and implicit[0]:
            match = _IMPLICIT.fullmatch(value)
            return _CORE + match.lastgroup if match else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP if kind is yaml.MappingNode else _STR


def _read_text(path) -> str:
    """The file's text, after checking that it is a regular file of bounded size in UTF-8."""
    path = Path(path)
    try:
        info = path.stat()  # follows symlinks
    except FileNotFoundError:
        what = "a symlink to a missing file" if path.is_symlink() else "no such file"
        msg = f"found {what}; expected a regular file"
        raise YamlProblem(_FILE, msg) from None
    except OSError as error:
        raise YamlProblem(_FILE, f"cannot be read ({error.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        what = "a directory" if stat.S_ISDIR(info.st_mode) else "a pipe, socket or device"
        raise YamlProblem(_FILE, f"found {what}; expected a regular file")
    if info.st_size > MAX_FILE_BYTES:
        msg = f"found {info.st_size:,} bytes; at most {MAX_FILE_BYTES:,} are allowed"
        raise YamlProblem(_FILE, msg)
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat
    except OSError as error:
        raise YamlProblem(_FILE, f"cannot be read ({error.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise YamlProblem(_FILE, f"found more than {MAX_FILE_BYTES:,} bytes; at most that")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        msg = f"found byte {data[error.start]:#04x} at offset {error.start:,}; expected UTF-8 text"
        raise YamlProblem(_FILE, msg) from None


def _syntax_problem(error: yaml.YAMLError, text) -> YamlProblem:
    """A parser error as a short message with line and column, never the offending text."""
    mark = getattr(error, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    if isinstance(error, yaml.reader.ReaderError):  # libyaml gives a code point, PyYAML a str
        code = error.character if isinstance(error.character, int) else ord(error.character)
        line = text[: text.find(chr(code))].count("\n") + 1
        msg = f"not valid YAML at line {line}: found U+{code:04X}; {_shown(error.reason)}"
        return YamlProblem(_FILE, msg)
    problem = getattr(error, "problem", None) or type(error).__name__
    context = getattr(error, "context", None)
    problem = f"{problem} ({context})" if context else problem
    return YamlProblem(_FILE, f"not valid YAML{where}: {_shown(problem)}")


def _check_events(text) -> None:
    """One document, nesting and node count bounded, before the (recursive) composer runs."""
    try:
        loader = _Loader(text)  # the pure-Python reader checks the characters here
    except yaml.YAMLError as error:
        raise _syntax_problem(error, text) from None
    depth = nodes = documents = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    line = event.start_mark.line + 1
                    msg = f"found a second document at line {line}; expected one document"
                    raise YamlProblem(_FILE, msg)
            elif isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    msg = f"found more than {MAX_NODES:,} values; at most {MAX_NODES:,}"
                    raise YamlProblem(_FILE, msg)
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    if depth > MAX_DEPTH:
                        line = event.start_mark.line + 1
                        msg = f"found nesting deeper than {MAX_DEPTH} levels at line {line}"
                        raise YamlProblem(_FILE, msg + f"; at most {MAX_DEPTH}")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as error:
        raise _syntax_problem(error, text) from None
    finally:
        loader.dispose()


def _compose(text):
    """The root node (None for an empty file), aliases kept as references to their anchor."""
    loader = _Loader(text)  # cannot fail: _check_events read the same text
    try:
        return loader.get_single_node()
    except yaml.YAMLError as error:
        raise _syntax_problem(error, text) from None
    finally:
        loader.dispose()


def _integer(text, path) -> int:
    """A core-schema integer; leading zeros and more than MAX_INT_DIGITS digits are refused."""
    if _DECIMAL_TEXT.fullmatch(text):
        digits, base = text.lstrip("+-"), 10
        if len(digits) > 1 and digits[0] == "0":
            decimal = text[: len(text) - len(digits)] + (digits.lstrip("0") or "0")
            unsigned_octal = text == digits and set(digits) <= set("01234567")
            octal = f" or 0o{decimal}" if unsigned_octal else ""
            msg = (
                f"found {_shown(text)}; a leading zero means octal in YAML 1.1 and decimal in "
                f"YAML 1.2; write {_shown(decimal)}{_shown(octal)}"
            )
            raise YamlProblem(_key(path), msg)
    elif _OCTAL_TEXT.fullmatch(text) or _HEX_TEXT.fullmatch(text):
        digits, base = text[2:].lstrip("0"), 8 if text[1] == "o" else 16
    else:
        msg = f"found {_shown(text)} tagged !!int; expected a decimal, 0o octal or 0x hex integer"
        raise YamlProblem(_key(path), msg)
    # 10**18 has 15 hexadecimal and 20 octal digits: the length check bounds int()'s work.
    too_long = len(digits) > MAX_INT_DIGITS + 2
    if too_long or abs(value := int(digits or "0", base)) >= 10**MAX_INT_DIGITS:
        msg = f"found the integer {_shown(text)}; at most {MAX_INT_DIGITS} decimal digits"
        raise YamlProblem(_key(path), msg)
    return -value if text[0] == "-" else value


def _float(text, path) -> float:
    """A core-schema float: finite unless written as .inf or .nan, and never rounded to 0."""
    if _INF_TEXT.fullmatch(text):
        return -math.inf if text[0] == "-" else math.inf
    if _NAN_TEXT.fullmatch(text):
        return math.nan
    if not (_FLOAT_TEXT.fullmatch(text) or _DECIMAL_TEXT.fullmatch(text)):
        msg = f"found {_shown(text)} tagged !!float; expected a number, .inf or .nan"
        raise YamlProblem(_key(path), msg)
    value = float(text)
    if math.isinf(value):
        msg = f"found {_shown(text)}, which overflows a float64 to infinity; numbers must be finite"
        raise YamlProblem(_key(path), msg)
    mantissa = re.split("[eE]", text)[0]
    if value == 0 and mantissa.strip("+-.0"):
        msg = f"found {_shown(text)}, which underflows a float64 to 0; write 0 if 0 is meant"
        raise YamlProblem(_key(path), msg)
    return value


def _scalar(node, path):
    """The Python value of a scalar node with a core tag."""
    text = node.value
    if len(text) > MAX_SCALAR_CHARS:
        msg = f"found {len(text):,} characters; at most {MAX_SCALAR_CHARS:,} in one value"
        raise YamlProblem(_key(path), msg)
    if node.tag == _STR:
        return text
    if node.tag == _NULL:
        if not _NULL_TEXT.fullmatch(text):
            raise YamlProblem(_key(path), f"found {_shown(text)} tagged !!null; expected null or ~")
        return None
    if node.tag == _BOOL:
        if not _BOOL_TEXT.fullmatch(text):
            msg = f"found {_shown(text)} tagged !!bool; expected true or false"
            raise YamlProblem(_key(path), msg)
        return text.lower() == "true"
    if node.tag == _INT:
        return _integer(text, path)
    return _float(text, path)


def _string_keys(node, path) -> list:
    """The keys of a mapping node: strings, each once, and no YAML 1.1 merge key."""
    seen = {}
    for key_node, _value in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
            found = (
                f"the key {_shown(key_node.value)} ({_short_tag(key_node.tag)})"
                if isinstance(key_node, yaml.ScalarNode)
                else f"{_KIND_NAMES[type(key_node)]} as a key"
            )
            msg = f"found {found}; keys must be strings (quote the key)"
            raise YamlProblem(_key(path), msg)
        key, line = key_node.value, key_node.start_mark.line + 1
        if len(key) > MAX_SCALAR_CHARS:
            msg = f"found a key of {len(key):,} characters; at most {MAX_SCALAR_CHARS:,}"
            raise YamlProblem(_key(path), msg)
        if key == "<<" and not key_node.style:  # plain, not quoted
            msg = f"found a merge key << at line {line}; merges are YAML 1.1 only, write the keys"
            raise YamlProblem(_key(path), msg)
        if key in seen:
            msg = f"duplicate key at lines {seen[key]} and {line}; each key may appear once"
            raise YamlProblem(_key([*path, key]), msg)
        seen[key] = line
    return list(seen)


def _check_tag(node, path) -> None:
    if node.tag not in _KIND_TAGS[type(node)]:
        allowed = ", ".join(_short_tag(tag) for tag in _KIND_TAGS[type(node)])
        kind = _KIND_NAMES[type(node)]
        msg = f"found the tag {_shown(_short_tag(node.tag))} on {kind}; allowed: {allowed}"
        raise YamlProblem(_key(path), msg)


def _checked_graph(root) -> dict:
    """Check every node once (an alias is not followed again); return the scalars' values.

    Expanded sizes and depths are memoized per node, so an alias bomb is measured, and refused,
    without being expanded; a node that contains itself is refused.
    """
    size, depth, values, open_nodes = {}, {}, {}, set()

    def visit_scalar(node, path) -> None:
        _check_tag(node, path)
        values[id(node)] = _scalar(node, path)
        size[id(node)], depth[id(node)] = 1, 0

    if isinstance(root, yaml.ScalarNode):
        visit_scalar(root, ())
        return values
    stack = [(root, (), False)]
    while stack:
        node, path, leaving = stack.pop()
        ident = id(node)
        mapping = _is_mapping(node)
        children = [value for _key_node, value in node.value] if mapping else node.value
        if leaving:
            size[ident] = 1 + sum(size[id(child)] for child in children) + mapping * len(children)
            depth[ident] = 1 + max((depth[id(child)] for child in children), default=0)
            open_nodes.discard(ident)
            if size[ident] > MAX_NODES:
                msg = f"expands to {size[ident]:,} values (aliases counted at each use)"
                raise YamlProblem(_key(path), f"{msg}; at most {MAX_NODES:,}")
            if depth[ident] > MAX_DEPTH:
                msg = f"expands to {depth[ident]} levels (aliases expanded); at most {MAX_DEPTH}"
                raise YamlProblem(_key(path), msg)
            continue
        if ident in size:
            continue
        if ident in open_nodes:
            msg = "found an alias to a node that contains it (a recursive structure)"
            raise YamlProblem(_key(path), msg)
        _check_tag(node, path)
        open_nodes.add(ident)
        stack.append((node, path, True))
        parts = _string_keys(node, path) if mapping else range(len(children))
        for part, child in zip(reversed(parts), reversed(children), strict=True):
            if isinstance(child, yaml.ScalarNode):
                if id(child) not in size:
                    visit_scalar(child, (*path, part))
            else:
                stack.append((child, (*path, part), False))
    return values


def _is_mapping(node) -> bool:
    return isinstance(node, yaml.MappingNode)


def _construct(node, values):
    """Plain dicts, lists and scalars; every alias becomes its own copy, so the result is a tree."""
    if isinstance(node, yaml.ScalarNode):
        return values[id(node)]
    if _is_mapping(node):
        return {key.value: _construct(value, values) for key, value in node.value}
    return [_construct(child, values) for child in node.value]


def load_yaml(path) -> object:
    """The one YAML document in the file at `path` (None if empty), or a YamlProblem."""
    text = _read_text(path)
    _check_events(text)
    root = _compose(text)
    if root is None:
        return None
    return _construct(root, _checked_graph(root))
