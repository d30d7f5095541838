"""Each schema refusal says what was found and what is allowed, with the bound's own sign and words.

A small schema of our own pins every branch of rnngrad.config.messages.describe: the expected
lines are written out by hand from the JSON Schema meaning of each keyword.
"""

import pytest

from rnngrad.config.schema import Schema

SCHEMA = """\
type: object
additionalProperties: false
properties:
  at_least_one: {type: integer, minimum: 1}
  above_zero: {type: number, exclusiveMinimum: 0}
  at_most_five: {type: integer, maximum: 5}
  below_one: {type: number, exclusiveMaximum: 1}
  pair: {type: array, minItems: 2, maxItems: 2}
  both: {type: object, required: [left, right]}
  nested:
    type: object
    default: {name: adam, sizes: [1, 2]}
    properties:
      name: {type: string}
      sizes: {type: array}
"""


@pytest.fixture
def schema(tmp_path):
    path = tmp_path / "small.schema.yaml"
    path.write_text(SCHEMA)
    return Schema(path)


@pytest.mark.parametrize(
    ("document", "line"),
    [
        ({"at_least_one": 0}, "f.yaml: at_least_one: found 0; allowed: ≥ 1"),
        ({"above_zero": 0}, "f.yaml: above_zero: found 0; allowed: > 0"),
        ({"at_most_five": 6}, "f.yaml: at_most_five: found 6; allowed: ≤ 5"),
        ({"below_one": 1}, "f.yaml: below_one: found 1; allowed: < 1"),
        ({"pair": [1]}, "f.yaml: pair: found 1 items; allowed: at least 2"),
        ({"pair": [1, 2, 3]}, "f.yaml: pair: found 3 items; allowed: at most 2"),
        (
            {"both": {"left": 1}},
            "f.yaml: both: found {'left': 1}; missing the required key 'right'",
        ),
    ],
)
def test_a_bound_refusal_shows_the_bound_with_its_own_sign_or_words(schema, document, line):
    assert schema.problems("f.yaml", document) == [line]


def test_an_unknown_key_message_names_every_unknown_key_up_to_five(schema):
    (line,) = schema.problems("f.yaml", {"at_lest_one": 1, "belw_one": 0.5})
    assert line.startswith(
        "f.yaml: (top level): unknown key 'at_lest_one' (did you mean 'at_least_one'?); "
        "unknown key 'belw_one' (did you mean 'below_one'?); allowed keys: at_least_one,"
    )


def test_filled_defaults_are_copies_so_one_document_cannot_change_another(schema):
    first = schema.fill_defaults({})
    first["nested"]["name"] = "sgd"
    first["nested"]["sizes"].append(3)
    assert schema.fill_defaults({})["nested"] == {"name": "adam", "sizes": [1, 2]}
