"""Hostile cases for rnngrad.files.safe_yaml: each ends in a value or a short YamlProblem."""

import json
import math
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from rnngrad.files import safe_yaml
from rnngrad.files.safe_yaml import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_INT_DIGITS,
    MAX_NODES,
    MAX_SCALAR_CHARS,
    YamlProblem,
    load_yaml,
)

ROOT = Path(__file__).resolve().parents[1]
MEMORY_CAP = 200 * 1024 * 1024  # address space of the child that reads a bounded case
CPU_SECONDS = 30  # CPU time of that child: a guard against runaway work, not a speed test
MAX_MESSAGE_CHARS = 300


@dataclass(frozen=True)
class Refused:
    """An expected YamlProblem: its key, and a pattern its text must match."""

    key: str
    pattern: str


@dataclass(frozen=True)
class Case:
    """A hostile input: the file's content (or a setup making the path), and what must happen.

    `bounded` cases run in a child process capped at MEMORY_CAP bytes and CPU_SECONDS.
    """

    id: str
    content: object  # str, bytes, or setup(tmp_path) -> path
    expected: object  # the value load_yaml returns, or Refused
    bounded: bool = False


def _bomb(levels, width=9):
    """The billion-laughs alias bomb: each level lists the previous one `width` times."""
    lines = [f"a: &a [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * width)}]")
    return "\n".join(lines) + "\n"


def _mapping_bomb(levels, width=9):
    """The alias bomb with mappings: each level maps `width` keys to the previous one."""
    lines = [f"a: &a {{{', '.join(f'k{i}: lol' for i in range(width))}}}"]
    for level in range(1, levels):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} {{{', '.join(f'k{i}: *{previous}' for i in range(width))}}}")
    return "\n".join(lines) + "\n"


def _wide_bomb(uses):
    """A bomb of few levels and many uses: walking it without memoization takes hours."""
    return (
        f"a: &a [{', '.join(['0'] * 1000)}]\n"
        f"b: &b [{', '.join(['*a'] * 99)}]\n"
        f"c: [{', '.join(['*b'] * uses)}]\n"
    )


def _deep_aliases(anchors):
    """Each anchor nests the previous one 4 levels deeper: shallow text, deep expansion."""
    lines = ["a0: &a0 [[[[1]]]]"]
    lines += [f"a{i}: &a{i} [[[[*a{i - 1}]]]]" for i in range(1, anchors)]
    return "\n".join(lines) + "\n"


def _directory(tmp_path):
    (tmp_path / "x.yaml").mkdir()
    return tmp_path / "x.yaml"


def _dangling_symlink(tmp_path):
    (tmp_path / "x.yaml").symlink_to(tmp_path / "missing.yaml")
    return tmp_path / "x.yaml"


def _symlink_to_file(tmp_path):
    (tmp_path / "target.yaml").write_text("seed: 7\n")
    (tmp_path / "x.yaml").symlink_to(tmp_path / "target.yaml")
    return tmp_path / "x.yaml"


def _missing(tmp_path):
    return tmp_path / "x.yaml"


def _fifo(tmp_path):
    os.mkfifo(tmp_path / "x.yaml")  # reading it would block forever
    return tmp_path / "x.yaml"


def _sized(size):
    """A setup writing a comment of exactly `size` bytes."""

    def setup(tmp_path):
        (tmp_path / "x.yaml").write_bytes(b"#" + b" " * (size - 1))
        return tmp_path / "x.yaml"

    return setup


def _sparse(size):
    """A setup making a file of `size` bytes without writing them (refused before reading)."""

    def setup(tmp_path):
        with open(tmp_path / "x.yaml", "wb") as stream:
            stream.truncate(size)
        return tmp_path / "x.yaml"

    return setup


def _items(count):
    return "".join("- 0\n" for _ in range(count))


LETTERS = "".join(chr(ord("a") + i) for i in range(26))
CASES = [
    # Unbounded time or memory, and crashes with a traceback, in the YAML 1.1 SafeLoader.
    Case(
        "alias bomb, 9 levels x 9 (396 bytes)",
        _bomb(9),
        Refused("f", r"expands to 597,871 values"),
        True,
    ),
    Case(
        "alias bomb, 7 levels x 7 (252 bytes)",
        _bomb(7, 7),
        Refused("f", r"expands to 137,257 values"),
        True,
    ),
    Case("alias bomb below the limit", _bomb(5), ..., True),
    Case(
        "alias bomb of mappings (keys counted)",
        _mapping_bomb(6),
        Refused("e", r"expands to 132,859 values"),
        True,
    ),
    Case(
        "wide alias bomb (20,000 uses)",
        _wide_bomb(20_000),
        Refused("c", r"expands to 1,982,000,001 values"),
        True,
    ),
    Case("recursive alias", "&a [*a]", Refused("0", r"alias to a node that contains it"), True),
    Case("recursive mapping", "a: &a {b: *a}", Refused("a.b", r"contains it"), True),
    Case(
        "nesting 900 levels",
        "[" * 900 + "]" * 900,
        Refused("(file)", rf"nesting deeper than {MAX_DEPTH} levels at line 1"),
        True,
    ),
    Case(
        "block nesting 100 levels",
        "".join(f"{' ' * i}k:\n" for i in range(100)),
        Refused("(file)", rf"nesting deeper than {MAX_DEPTH} levels at line {MAX_DEPTH + 1}\b"),
        True,
    ),
    Case(
        "aliases nesting deeper than the text",
        _deep_aliases(9),
        Refused("a8.0.0.0", rf"expands to 33 levels \(aliases expanded\); at most {MAX_DEPTH}"),
        True,
    ),
    Case("nesting at the limit", "[" * MAX_DEPTH + "]" * MAX_DEPTH, ..., True),
    Case(
        "integer of 400 digits",
        "seed: " + "9" * 400,
        Refused("seed", rf"at most {MAX_INT_DIGITS} decimal"),
    ),
    Case("integer of 5000 digits", "seed: " + "1" * 5000, Refused("seed", r"characters"), True),
    Case(
        "integer of 19 digits",
        "seed: " + "9" * 19,
        Refused("seed", rf"at most {MAX_INT_DIGITS} decimal"),
    ),
    Case("integer of 18 digits", "seed: -" + "9" * 18, {"seed": -(10**18 - 1)}),
    Case(
        "hex of 20 digits",
        "seed: 0x" + "F" * 20,
        Refused("seed", rf"at most {MAX_INT_DIGITS} decimal"),
    ),
    Case("leading zeros hex", "seed: 0x" + "0" * 30 + "1F", {"seed": 31}),
    Case("file of 50 MB", _sparse(50 * 1024 * 1024), Refused("(file)", r"found 52,428,800 bytes")),
    Case("file at the size limit", _sized(MAX_FILE_BYTES), None, True),
    Case("file one byte over", _sized(MAX_FILE_BYTES + 1), Refused("(file)", r"at most 1,048,576")),
    Case(
        "description of 500 kB on one line",
        'description: "' + "x" * 500_000 + '"\n',
        Refused("description", r"found 500,000 characters; at most 4,096 in one value"),
        True,
    ),
    Case(
        "description at the limit",
        "description: " + "x" * MAX_SCALAR_CHARS,
        {"description": "x" * MAX_SCALAR_CHARS},
    ),
    Case(
        "long flow list on one line",
        "v: [" + ", ".join(["1.5"] * 50_000) + "]",
        {"v": [1.5] * 50_000},
        True,
    ),
    Case(
        "100k tiny items", _items(MAX_NODES), Refused("(file)", r"more than 100,000 values"), True
    ),
    Case("items at the limit", _items(MAX_NODES - 1), [0] * (MAX_NODES - 1), True),
    Case("directory named x.yaml", _directory, Refused("(file)", r"found a directory")),
    Case("dangling symlink", _dangling_symlink, Refused("(file)", r"a symlink to a missing file")),
    Case("symlink to a file", _symlink_to_file, {"seed": 7}),
    Case("missing file", _missing, Refused("(file)", r"found no such file")),
    Case(
        "named pipe",
        _fifo,
        Refused("(file)", r"found a pipe, socket or device; expected a regular file"),
        True,
    ),
    # Silently misread by YAML 1.1.
    Case("duplicate key", "seed: 1\nseed: 2\n", Refused("seed", r"duplicate key at lines 1 and 2")),
    Case(
        "duplicate nested key",
        "w_hh:\n  scale: 1\n  other: 0\n  scale: 2\n",
        Refused("w_hh.scale", r"lines 2 and 4"),
    ),
    Case("duplicate quoted key", 'a: 1\n"a": 2\n', Refused("a", r"duplicate key")),
    Case("leading zero", "seed: 010", Refused("seed", r"found 010; .* write 10 or 0o10$")),
    Case("signed leading zero", "x: -007", Refused("x", r"write -7$")),
    Case("sexagesimal", "t: 1:20", {"t": "1:20"}),
    Case("sexagesimal float", "t: 1:20.5", {"t": "1:20.5"}),
    Case("leading zero, not octal", "seed: 09", Refused("seed", r"write 9$")),
    Case("hex", "seed: 0x1F", {"seed": 31}),
    Case("largest hex", "seed: 0xDE0B6B3A763FFFF", {"seed": 10**18 - 1}),
    Case("signed hex is a string (1.2 core)", "seed: -0x1F", {"seed": "-0x1F"}),
    Case("octal 0o", "seed: 0o17", {"seed": 15}),
    Case("binary is a string", "seed: 0b101", {"seed": "0b101"}),
    Case("underscores are a string", "n: 1_000", {"n": "1_000"}),
    Case(
        "yes/no/on/off are strings",
        "[yes, no, on, off, y, Yes]",
        ["yes", "no", "on", "off", "y", "Yes"],
    ),
    Case("booleans", "[true, True, TRUE, false, False, FALSE]", [True] * 3 + [False] * 3),
    Case("nulls", "[null, Null, NULL, ~, '', ]", [None] * 4 + [""]),
    Case("empty value", "a:\nb: ~", {"a": None, "b": None}),
    Case("date is a string", "d: 2001-12-14", {"d": "2001-12-14"}),
    Case(
        "floats",
        "[1e-3, 1E3, .5, +1., -2.5e+2, 0e5, 1.0, 010.5]",
        [0.001, 1000.0, 0.5, 1.0, -250.0, 0.0, 1.0, 10.5],
    ),
    Case(
        "inf and nan",
        "[.inf, -.Inf, +.INF, .nan, .NaN]",
        [math.inf, -math.inf, math.inf, math.nan, math.nan],
    ),
    Case("float overflow", "x: 1e999", Refused("x", r"overflows a float64 to infinity")),
    Case("negative float overflow", "x: [-1e400]", Refused("x.0", r"must be finite")),
    Case("float underflow", "x: 1e-400", Refused("x", r"underflows a float64 to 0")),
    Case("integers", "[0, -0, +12, 7]", [0, 0, 12, 7]),
    # Tags: only the core schema's.
    Case(
        "python object",
        "!!python/object/apply:os.system ['echo hi']",
        Refused("(file)", r"!!python/object/apply:os.system on a sequence"),
    ),
    Case(
        "python name",
        "x: !!python/name:os.system ''",
        Refused("x", r"found the tag !!python/name:os.system on a scalar"),
    ),
    Case("local tag", "x: !mine 1", Refused("x", r"found the tag !mine")),
    Case("timestamp tag", "x: !!timestamp 2001-12-14", Refused("x", r"!!timestamp")),
    Case("binary tag", "x: !!binary aGk=", Refused("x", r"!!binary")),
    Case("set tag", "x: !!set {a, b}", Refused("x", r"!!set on a mapping")),
    Case(
        "seq tag on a mapping",
        "x: !!seq {a: 1}",
        Refused("x", r"!!seq on a mapping; allowed: !!map"),
    ),
    Case(
        "explicit core tags",
        "[!!int '12', !!float 1, !!str 12, !!bool 'true', !!null '']",
        [12, 1.0, "12", True, None],
    ),
    Case(
        "!!bool yes",
        "x: !!bool yes",
        Refused("x", r"found yes tagged !!bool; expected true or false"),
    ),
    Case("!!int on a word", "x: !!int twelve", Refused("x", r"tagged !!int")),
    Case("!!float on a word", "x: !!float twelve", Refused("x", r"tagged !!float")),
    # Keys.
    Case(
        "integer key", "1: a", Refused("(file)", r"found the key 1 \(!!int\); keys must be strings")
    ),
    Case("null key", "~: a", Refused("(file)", r"found the key ~ \(!!null\)")),
    Case("boolean key", "w_hh: {true: a}", Refused("w_hh", r"\(!!bool\)")),
    Case("sequence key", "? [a]\n: b\n", Refused("(file)", r"found a sequence as a key")),
    Case("quoted key is a string", "'1': a\nyes: b", {"1": "a", "yes": "b"}),
    Case(
        "merge key",
        "base: &b {a: 1}\nmine:\n  <<: *b\n  c: 2\n",
        Refused("mine", r"merge key << at line 3"),
    ),
    # Only a plain << is YAML 1.1's merge key; quoted, it is an ordinary string key.
    Case(
        "quoted << is a plain key",
        "'<<': 1\n\"<<\": 2",
        Refused("<<", r"duplicate key at lines 1 and 2"),
    ),
    Case("quoted << alone", "mine: {'<<': 1, c: 2}", {"mine": {"<<": 1, "c": 2}}),
    Case("long key", "? " + "k" * 5000 + "\n: 1\n", Refused("(file)", r"key of 5,000 characters")),
    # Aliases within the limits, documents, encodings, characters.
    Case("alias reused", "a: &x [1, 2]\nb: *x\n", {"a": [1, 2], "b": [1, 2]}),
    Case(
        "undefined alias",
        "a: *nowhere",
        Refused("(file)", r"line 1, column 4: found undefined alias"),
    ),
    Case(
        "two documents",
        "--- 1\n--- 2\n",
        Refused("(file)", r"second document at line 2; expected one"),
    ),
    Case("one explicit document", "---\na: 1\n...\n", {"a": 1}),
    Case("empty file", "", None),
    Case("only comments", "# nothing here\n\n", None),
    Case("empty document", "---\n", None),
    Case("top-level integer", "42\n", 42),
    Case("top-level string", "hello world", "hello world"),
    Case(
        "tab indentation",
        "a:\n\tb: 1\n",
        Refused("(file)", r"line 2, column 1: found character that cannot start any token"),
    ),
    Case("tab after a colon", "a:\t1\n", {"a": 1}),
    Case(
        "NUL byte",
        b"a: 1\x00\n",
        Refused("(file)", r"line 1: found U\+0000; control characters are not allowed"),
    ),
    Case("bell character", "a: \x07\n", Refused("(file)", r"U\+0007")),
    Case(
        "latin-1",
        "description: caf\xe9".encode("latin-1"),
        Refused("(file)", r"byte 0xe9 at offset 16; expected UTF-8"),
    ),
    Case("UTF-16", "a: 1".encode("utf-16"), Refused("(file)", r"byte 0xff at offset 0")),
    Case(  # a three-byte sequence cut after two: the byte named is where it starts
        "cut UTF-8 sequence",
        b"seed: 1\n# \xe2\x82x\n",
        Refused("(file)", r"^found byte 0xe2 at offset 10; expected UTF-8 text$"),
    ),
    Case(  # a key path is echoed cut, as a value is: no message grows with the input
        "long key above a bad value",
        "? " + "k" * 4000 + "\n: 010\n",
        Refused("k" * 60 + "… (4,000 characters)", r"a leading zero means octal"),
    ),
    Case("UTF-8 with BOM", "\ufeffdescription: café σ'".encode(), {"description": "café σ'"}),
    Case(
        "unclosed quote on a long line",
        'a: "' + "x" * 100_000,
        Refused(
            "(file)", r"not valid YAML at line 1, column 100005: found unexpected end of stream"
        ),
    ),
]


def _write(case, tmp_path) -> Path:
    if callable(case.content):
        return case.content(tmp_path)
    path = tmp_path / "x.yaml"
    data = case.content if isinstance(case.content, bytes) else case.content.encode()
    path.write_bytes(data)
    return path


CHILD = """
import importlib.util, json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
resource.setrlimit(resource.RLIMIT_CPU, ({cpu}, {cpu}))
spec = importlib.util.spec_from_file_location("safe_yaml", {module!r})
safe_yaml = importlib.util.module_from_spec(spec)
spec.loader.exec_module(safe_yaml)
try:
    print(json.dumps({{"value": repr(safe_yaml.load_yaml(sys.argv[1]))}}))
except safe_yaml.YamlProblem as problem:
    print(json.dumps({{"key": problem.key, "text": problem.text}}))
"""


def _outcome_in_child(path):
    """Load `path` in a child limited to MEMORY_CAP bytes and CPU_SECONDS; its outcome as JSON."""
    script = CHILD.format(cap=MEMORY_CAP, cpu=CPU_SECONDS, module=safe_yaml.__file__)
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=4 * CPU_SECONDS,  # wall clock on a shared machine: a hang, not a slow run
        check=False,
    )
    assert done.returncode == 0, f"the child failed ({done.returncode}): {done.stderr[-2000:]}"
    return json.loads(done.stdout)


def _outcome(path):
    try:
        return {"value": repr(load_yaml(path))}
    except YamlProblem as problem:
        return {"key": problem.key, "text": problem.text}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_case(case, tmp_path):
    path = _write(case, tmp_path)
    outcome = _outcome_in_child(path) if case.bounded else _outcome(path)
    if isinstance(case.expected, Refused):
        assert "value" not in outcome, f"accepted: {outcome['value'][:200]}"
        assert outcome["key"] == case.expected.key
        assert re.search(case.expected.pattern, outcome["text"]), outcome["text"]
        assert len(f"{outcome['key']}: {outcome['text']}") <= MAX_MESSAGE_CHARS
    else:
        assert "value" in outcome, f"refused: {outcome}"
        if case.expected is not ...:  # ... : accepted, the value is checked elsewhere
            assert outcome["value"] == repr(case.expected)  # repr: 1 ≠ 1.0 ≠ True, nan = nan


@pytest.mark.parametrize(
    "path", sorted((ROOT / "config").rglob("*.yaml")), ids=lambda path: path.name
)
def test_shipped_files_read_as_before(path):
    assert repr(load_yaml(path)) == repr(yaml.safe_load(path.read_text()))  # no 1.1-only forms


def test_an_alias_becomes_an_independent_copy(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: &x {values: [1, 2]}\nb: *x\n")
    data = load_yaml(path)
    data["a"]["values"].append(3)  # as filling defaults does, in place
    assert data["b"] == {"values": [1, 2]}


# PyYAML's own scanner refuses a tab after "key:", which YAML 1.2 and libyaml allow.
PURE_PYTHON_REFUSES = {"tab after a colon"}
PURE_PYTHON_CHILD = """
import importlib.util, json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
resource.setrlimit(resource.RLIMIT_CPU, ({cpu}, {cpu}))
sys.modules["yaml._yaml"] = None  # as if PyYAML had been built without libyaml
spec = importlib.util.spec_from_file_location("safe_yaml", {module!r})
safe_yaml = importlib.util.module_from_spec(spec)
spec.loader.exec_module(safe_yaml)
assert safe_yaml._Parser.__module__ == "safe_yaml", "libyaml was not hidden"
outcomes = []
for path in sys.argv[1:]:
    try:
        outcomes.append({{"value": repr(safe_yaml.load_yaml(path))}})
    except safe_yaml.YamlProblem as problem:
        outcomes.append({{"key": problem.key, "text": problem.text}})
print(json.dumps(outcomes))
"""


def test_pure_python_parser_gives_the_same_outcomes(tmp_path):
    """Without libyaml the same cases end the same way (syntax messages may be worded apart)."""
    cases = [
        case
        for case in CASES
        if isinstance(case.content, str | bytes)
        and len(case.content) < 10_000
        and case.id not in PURE_PYTHON_REFUSES
    ]
    paths = []
    for index, case in enumerate(cases):
        (tmp_path / str(index)).mkdir()
        paths.append(str(_write(case, tmp_path / str(index))))
    script = PURE_PYTHON_CHILD.format(cap=MEMORY_CAP, cpu=CPU_SECONDS, module=safe_yaml.__file__)
    done = subprocess.run(
        [sys.executable, "-c", script, *paths],
        capture_output=True,
        text=True,
        timeout=4 * CPU_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for case, outcome in zip(cases, json.loads(done.stdout), strict=True):
        if isinstance(case.expected, Refused):
            assert outcome.get("key") == case.expected.key, (case.id, outcome)
            if not outcome["text"].startswith("not valid YAML"):
                assert re.search(case.expected.pattern, outcome["text"]), (case.id, outcome)
        elif case.expected is not ...:
            assert outcome.get("value") == repr(case.expected), (case.id, outcome)


@pytest.mark.parametrize(
    "text", [str(10**MAX_INT_DIGITS), f"-{10**MAX_INT_DIGITS}", hex(10**MAX_INT_DIGITS)]
)
def test_the_first_integer_past_max_int_digits_is_refused(text, tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(f"seed: {text}\n")
    with pytest.raises(YamlProblem, match=rf"at most {MAX_INT_DIGITS} decimal digits"):
        load_yaml(path)


def test_a_value_and_a_key_of_max_scalar_chars_are_read_and_one_character_more_is_refused(
    tmp_path,
):
    path = tmp_path / "x.yaml"
    for text, key in (("x" * MAX_SCALAR_CHARS, "description"), ("k" * MAX_SCALAR_CHARS, None)):
        path.write_text(f"{key}: {text}\n" if key else f"? {text}\n: 1\n")  # a long key: explicit
        assert load_yaml(path) == ({key: text} if key else {text: 1})
    path.write_text("description: " + "x" * (MAX_SCALAR_CHARS + 1) + "\n")
    with pytest.raises(YamlProblem) as raised:
        load_yaml(path)
    assert (raised.value.key, raised.value.text) == (
        "description",
        f"found {MAX_SCALAR_CHARS + 1:,} characters; at most {MAX_SCALAR_CHARS:,} in one value",
    )
    path.write_text("? " + "k" * (MAX_SCALAR_CHARS + 1) + "\n: 1\n")
    with pytest.raises(YamlProblem) as raised:
        load_yaml(path)
    assert raised.value.text == (
        f"found a key of {MAX_SCALAR_CHARS + 1:,} characters; at most {MAX_SCALAR_CHARS:,}"
    )


def _expanding_to(values):
    """A list that 99 uses of one 1000-value list and some zeros make `values` values in all."""
    block = "&a [" + ", ".join(["0"] * 999) + "]"
    zeros = values - 1 - 99 * 1000
    return "[" + ", ".join([block, *["*a"] * 98, *["0"] * zeros]) + "]\n"


def test_aliases_expanding_to_max_nodes_values_are_read_and_one_value_more_is_refused(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(_expanding_to(MAX_NODES))
    value = load_yaml(path)
    assert 1 + sum(1 + len(item) if isinstance(item, list) else 1 for item in value) == MAX_NODES
    path.write_text(_expanding_to(MAX_NODES + 1))
    with pytest.raises(YamlProblem) as raised:
        load_yaml(path)
    assert raised.value.text == (
        f"expands to {MAX_NODES + 1:,} values (aliases counted at each use); at most {MAX_NODES:,}"
    )


def test_a_found_text_of_sixty_characters_is_shown_whole_and_one_more_is_cut_and_counted(
    tmp_path,
):
    path = tmp_path / "x.yaml"
    for length in (60, 61):
        path.write_text(f"v: !!float {'x' * length}\n")
        with pytest.raises(YamlProblem) as raised:
            load_yaml(path)
        shown = "x" * 60 + ("" if length == 60 else " … (61 characters)".replace(" …", "…"))
        assert raised.value.text == f"found {shown} tagged !!float; expected a number, .inf or .nan"
