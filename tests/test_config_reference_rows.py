"""The README's config reference: one row per key, with type, default and meaning from the schema.

The shipped schemas use only some kinds of type; these rows cover the others (a constant, a list
without item types, a mapping that may be null with keys of its own, both exclusive bounds).
"""

from rnngrad.workflow.reference import reference

SCHEMA = {
    "properties": {
        "version": {"const": 2, "default": 2, "description": "the format:\n  always 2"},
        "tags": {"type": "array", "description": "free | form"},
        "rate": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "plot": {
            "type": ["object", "null"],
            "properties": {"dpi": {"type": "integer", "minimum": 50, "default": 100}},
        },
    }
}


def test_each_kind_of_schema_entry_gets_its_row():
    text = reference(config_schema=SCHEMA, scenario_schema={"properties": {}})
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert rows == [
        "| `version` | `2` | `2` | the format: always 2 |",
        "| `tags` | list of values | `` | free \\| form |",
        "| `rate` | number (> 0, < 1) | `` |  |",
        "| `plot` | object or null | `` |  |",
        "| `plot.dpi` | integer (≥ 50) | `100` |  |",
    ]
    assert text.startswith("`config/config.yaml` (global):\n\n| key | type | default | meaning |")
    header = "| key | type | default | meaning |\n|---|---|---|---|"
    assert text.endswith(f"`config/scenarios/<name>.yaml` (one scenario):\n\n{header}")


def test_a_mapping_with_required_keys_is_shown_by_its_first_required_key():
    schema = {
        "properties": {
            "grid": {"type": "object", "required": ["values", "unit"]},
            "note": {"type": "object"},
        }
    }
    text = reference(config_schema=schema, scenario_schema={"properties": {}})
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert rows == ["| `grid` | `{values: [...]}` | `` |  |", "| `note` | object | `` |  |"]
