"""Problems in config files, one line each: file, key path, what was found and what is allowed."""

import difflib

import jsonschema

SHOWN_CHARS = 60  # a found value is echoed at most this long, so no message can grow with the input


class ConfigError(ValueError):
    """Problems in config files, one line each; raised once with every problem of every file."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def key_path(path) -> str:
    """A key path as written in messages: w_hh.eigenvalues.values, or (top level)."""
    return ".".join(str(part) for part in path) or "(top level)"


def problem(file, key, text) -> str:
    """One line of a report."""
    return f"{file}: {key}: {text}"


def shown(value) -> str:
    """repr(value), cut to SHOWN_CHARS characters."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else f"{text[: SHOWN_CHARS - 3]}..."


def describe(error: jsonschema.ValidationError) -> str:
    """A short sentence for one schema error: what was found and what is allowed."""
    found = error.instance
    match error.validator:
        case "additionalProperties":
            known = list(error.schema.get("properties", {}))
            texts = []
            for key in sorted(set(found) - set(known), key=str)[:5]:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                texts.append(f"unknown key {shown(key)}{hint}")
            return f"{'; '.join(texts)}; allowed keys: {', '.join(known)}"
        case "enum":
            allowed = " | ".join(map(str, error.validator_value))
            return f"found {shown(found)}; allowed: {allowed}"
        case "type":
            kind = type(found).__name__
            return f"found {shown(found)} ({kind}); expected {error.validator_value}"
        case "oneOf" | "anyOf":
            described = (error.schema.get("description") or "").strip()
            return f"found {shown(found)}, which is not one of the allowed forms: {described}"
        case "minimum" | "exclusiveMinimum":
            sign = "≥" if error.validator == "minimum" else ">"
            return f"found {shown(found)}; allowed: {sign} {error.validator_value}"
        case "maximum" | "exclusiveMaximum":
            sign = "≤" if error.validator == "maximum" else "<"
            return f"found {shown(found)}; allowed: {sign} {error.validator_value}"
        case "minItems" | "maxItems":
            bound = "at least" if error.validator == "minItems" else "at most"
            count = len(found) if isinstance(found, list) else "?"
            return f"found {count} items; allowed: {bound} {error.validator_value}"
        case "required":
            missing = [key for key in error.validator_value if key not in found]
            keys = ", ".join(repr(key) for key in missing)
            return f"found {shown(found)}; missing the required key {keys}"
        case "pattern":
            return f"found {shown(found)}; allowed: text matching {error.validator_value}"
        case "minProperties" | "maxProperties":
            bound = "at least" if error.validator == "minProperties" else "at most"
            return f"found {len(found)} entries; allowed: {bound} {error.validator_value}"
        case "maxLength":
            return f"found {len(found)} characters; allowed: at most {error.validator_value}"
        case _:
            return f"found {shown(found)}; not allowed ({error.validator})"


def problem_report(error: ConfigError) -> str:
    """The message a user sees: every problem on its own line, and that nothing ran."""
    count = len(error.problems)
    lines = "\n".join(f"  {line}" for line in error.problems)
    return f"rnngrad: {count} configuration problem{'s' * (count != 1)}; nothing was run:\n{lines}"
