"""Read one config file into plain data, or say in one line why it cannot be read."""

from rnngrad.config.messages import ConfigError, problem, shown
from rnngrad.files.safe_yaml import YamlProblem, load_yaml


def read_config_file(path, *, name=None):
    """The file's data (YAML 1.2, bounded in size and work); a ConfigError names file and key.

    `name` is how messages call the file (default: `path`), e.g. relative to the repository.
    """
    try:
        return load_yaml(path)
    except YamlProblem as error:
        raise ConfigError([problem(name or path, error.key, error.text)]) from None


def read_config_mapping(path) -> dict:
    """A config file that must hold a mapping (or nothing, meaning every default)."""
    data = read_config_file(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        text = f"found {shown(data)}; expected a mapping of settings"
        raise ConfigError([problem(path, "(top level)", text)])
    return data
