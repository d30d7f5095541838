"""A JSON schema parsed and compiled once: every problem of a document, and its defaults."""

import copy

import jsonschema
import yaml

from rnngrad.config.messages import describe, key_path, problem


class Schema:
    """One schema file, compiled once; checks documents and fills their defaults."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as stream:
            self.document = yaml.safe_load(stream)  # our own file, not user input
        base = jsonschema.Draft202012Validator
        base.check_schema(self.document)
        self._validator = base(self.document)
        properties = base.VALIDATORS["properties"]

        # The recipe of snakemake.utils.validate(set_default=True), compiled once instead of
        # re-reading the schema file for every document.
        def set_defaults(validator, subschemas, instance, schema):
            if isinstance(instance, dict):
                for key, subschema in subschemas.items():
                    if "default" in subschema:
                        instance.setdefault(key, copy.deepcopy(subschema["default"]))
            yield from properties(validator, subschemas, instance, schema)

        self._filler = jsonschema.validators.extend(base, {"properties": set_defaults})(
            self.document
        )

    def problems(self, file, data) -> list[str]:
        """Every schema violation of `data`, one line each, in key order."""
        # For a value that fits none of a key's forms, best_match picks the form it came closest to.
        errors = [jsonschema.exceptions.best_match([e]) for e in self._validator.iter_errors(data)]
        errors.sort(key=lambda e: [str(p) for p in e.absolute_path])
        return [problem(file, key_path(e.absolute_path), describe(e)) for e in errors]

    def fill_defaults(self, data):
        """Set every missing key that has a default, recursively; `data` must be valid."""
        self._filler.validate(data)
        return data
