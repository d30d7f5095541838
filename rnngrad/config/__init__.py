"""Config files: find them, read them safely, check them, and say exactly what is wrong.

Every message names the file, the key path, the value found and what is allowed; the problems of
all files are collected before anything is raised, so one run shows them all.
"""

from rnngrad.config.discovery import NAME, find_config_files
from rnngrad.config.loading import Project, check_scenario, load_project
from rnngrad.config.messages import ConfigError, problem_report
from rnngrad.config.reading import read_config_mapping

__all__ = [
    "NAME",
    "ConfigError",
    "Project",
    "check_scenario",
    "find_config_files",
    "load_project",
    "problem_report",
    "read_config_mapping",
]
