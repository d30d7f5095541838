"""The README's config reference, generated from the JSON schemas so the two cannot drift.

Run `python -m rnngrad.workflow.reference` to rewrite the section between the markers in README.md;
tests/test_config.py fails if the README is out of date.
"""

import json
import re
import sys
from pathlib import Path

import yaml

BEGIN, END = "<!-- config-reference:begin -->", "<!-- config-reference:end -->"


def _type(schema) -> str:
    if "enum" in schema:
        return " \\| ".join(f"`{value}`" for value in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    if "oneOf" in schema:
        return " or ".join(_type(option) for option in schema["oneOf"])
    if "$ref" in schema:
        return "list of numbers" if schema["$ref"].endswith("number_list") else "`{values: [...]}`"
    kind = schema.get("type", "")
    if isinstance(kind, list):  # e.g. [object, "null"]: a mapping that may be left out
        return " or ".join(_type(schema | {"type": one}) for one in kind)
    if kind == "object" and schema.get("required"):
        return f"`{{{schema['required'][0]}: [...]}}`"
    if kind == "array":
        return f"list of {_type(schema.get('items', {})) or 'value'}s"
    bounds = [
        f"≥ {schema['minimum']}" if "minimum" in schema else "",
        f"> {schema['exclusiveMinimum']}" if "exclusiveMinimum" in schema else "",
        f"≤ {schema['maximum']}" if "maximum" in schema else "",
        f"< {schema['exclusiveMaximum']}" if "exclusiveMaximum" in schema else "",
    ]
    limits = ", ".join(b for b in bounds if b)
    return f"{kind} ({limits})" if limits else kind


def _rows(schema, prefix=""):
    for key, sub in schema.get("properties", {}).items():
        path = f"{prefix}{key}"
        default = json.dumps(sub["default"]) if "default" in sub else ""
        description = " ".join(sub.get("description", "").split()).replace("|", "\\|")
        yield f"| `{path}` | {_type(sub)} | `{default}` | {description} |"
        kinds = sub.get("type") if isinstance(sub.get("type"), list) else [sub.get("type")]
        if "object" in kinds and "properties" in sub:
            yield from _rows(sub, prefix=f"{path}.")


def reference(*, config_schema, scenario_schema) -> str:
    """Markdown tables of every key: path, type, default and meaning."""
    header = "| key | type | default | meaning |\n|---|---|---|---|"
    return "\n".join(
        [
            "`config/config.yaml` (global):",
            "",
            header,
            *_rows(config_schema),
            "",
            "`config/scenarios/<name>.yaml` (one scenario):",
            "",
            header,
            *_rows(scenario_schema),
        ]
    )


def render(root) -> str:
    """README.md with its config reference section regenerated."""
    root = Path(root)
    load = lambda name: yaml.safe_load((root / "config" / name).read_text())  # noqa: E731
    text = (root / "README.md").read_text()
    table = reference(
        config_schema=load("config.schema.yaml"), scenario_schema=load("scenario.schema.yaml")
    )
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.DOTALL)
    return pattern.sub(lambda _: f"{BEGIN}\n{table}\n{END}", text)


def main(argv=None) -> int:
    """Rewrite the config reference in README.md of the repository given (default: here)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m rnngrad reference", description="Regenerate README.md's config reference."
    )
    parser.add_argument("root", nargs="?", default=".", help="the repository (default: here)")
    root = Path(parser.parse_args(argv).root)
    (root / "README.md").write_text(render(root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
