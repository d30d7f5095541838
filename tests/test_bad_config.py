"""Every bad scenario gets one clear message before any job runs, and results/ stays untouched."""

import pytest
from conftest import ROOT, load_scenarios, snakemake, tree_bytes

from rnngrad.config import ConfigError, load_project

GOOD = "description: fine\nhidden_size: 2\nsequence_length: 3\n"
ILL_CONDITIONED = (
    "hidden_size: 2\nw_hh: {eigenvectors: {values: [[1, 1], [1, 1.00000000000001]]}}\n"
)

# name: ({file name: contents}, file name and key that the message must show)
CASES = {
    "typo": ({"s.yaml": "hiden_size: 5\n"}, "s.yaml: (top level): unknown key 'hiden_size'"),
    "nested_typo": ({"s.yaml": "w_hh: {eigenvalue: {uniform: [0, 4]}}\n"}, "s.yaml: w_hh:"),
    "seed_string": ({"s.yaml": "seed: abc\n"}, "s.yaml: seed: found 'abc'"),
    "seed_negative": ({"s.yaml": "seed: -1\n"}, "s.yaml: seed: found -1"),
    "hidden_zero": ({"s.yaml": "hidden_size: 0\n"}, "s.yaml: hidden_size: found 0"),
    "hidden_float": ({"s.yaml": "hidden_size: 1.5\n"}, "s.yaml: hidden_size: found 1.5"),
    "hidden_huge": ({"s.yaml": "hidden_size: 100000\n"}, "s.yaml: hidden_size: found 100000"),
    "length_negative": ({"s.yaml": "sequence_length: -3\n"}, "s.yaml: sequence_length: found -3"),
    "length_huge": ({"s.yaml": "sequence_length: 1000000000\n"}, "s.yaml: sequence_length:"),
    "too_many_elements": (
        {"s.yaml": "hidden_size: 1000\nsequence_length: 100000\n"},
        "s.yaml: sequence_length: max(hidden_size, input_size) × sequence_length",
    ),
    "activation_unknown": ({"s.yaml": "activation: softmax\n"}, "s.yaml: activation: found"),
    "method_unknown": (
        {"s.yaml": "contributions: {method: exact}\n"},
        "s.yaml: contributions.method",
    ),
    "yscale_unknown": ({"s.yaml": "plot: {yscale: symlog}\n"}, "s.yaml: plot.yscale: found"),
    "course_log_axis": (
        {"s.yaml": "plot: {yscale: log}\n"},
        "s.yaml: plot.yscale: found 'log'; method course draws the notebook's figure",
    ),
    "eigenvalue_count": (
        {"s.yaml": "w_hh: {eigenvalues: {values: [1, 2]}}\n"},
        "s.yaml: w_hh.eigenvalues.values: found 2 entries",
    ),
    "eigenvalue_nan": (
        {"s.yaml": "hidden_size: 2\nw_hh: {eigenvalues: {values: [1, .nan]}}\n"},
        "s.yaml: w_hh.eigenvalues.values: found nan",
    ),
    "eigenvalue_inf": (
        {"s.yaml": "hidden_size: 2\nw_hh: {eigenvalues: {values: [.inf, 1]}}\n"},
        "s.yaml: w_hh.eigenvalues.values: found inf",
    ),
    "eigenvalue_huge": (
        {"s.yaml": "hidden_size: 2\nw_hh: {eigenvalues: {values: [1e300, 1]}}\n"},
        "s.yaml: w_hh.eigenvalues.values: found 1e+300",
    ),
    "uniform_empty": (
        {"s.yaml": "w_hh: {eigenvalues: {uniform: [4, 4]}}\n"},
        "s.yaml: w_hh.eigenvalues.uniform: found [4, 4]",
    ),
    "uniform_three": ({"s.yaml": "w_hh: {eigenvalues: {uniform: [0, 1, 2]}}\n"}, "s.yaml: w_hh"),
    "singular_q": (
        {"s.yaml": "hidden_size: 2\nw_hh: {eigenvectors: {values: [[1, 2], [2, 4]]}}\n"},
        "s.yaml: w_hh.eigenvectors: the eigenvector matrix Q given has condition number",
    ),
    "ill_conditioned_q": (
        {"s.yaml": ILL_CONDITIONED},
        "s.yaml: w_hh.eigenvectors: the eigenvector matrix Q given has condition number",
    ),
    "q_shape": (
        {"s.yaml": "hidden_size: 2\nw_hh: {eigenvectors: {values: [[1, 0, 0], [0, 1, 0]]}}\n"},
        "s.yaml: w_hh.eigenvectors.values: found 2 rows of lengths [3]",
    ),
    "matrix_shape": (
        {"s.yaml": "hidden_size: 3\nw_hh: {matrix: [[1, 2], [3, 4]]}\n"},
        "s.yaml: w_hh.matrix: found 2 rows",
    ),
    "matrix_ragged": (
        {"s.yaml": "hidden_size: 2\nw_hh: {matrix: [[1, 2], [3]]}\n"},
        "s.yaml: w_hh.matrix: found 2 rows of lengths [1, 2]; expected 2×2 (hidden_size = 2)",
    ),
    "input_count_is_input_size_not_hidden_size": (
        {
            "s.yaml": "hidden_size: 3\ninput_size: 2\nsequence_length: 4\n"
            "checkpoint: {inputs: {values: [1, 2, 3]}}\n"
        },
        "s.yaml: checkpoint.inputs.values: found 3 entries; expected exactly input_size = 2",
    ),
    "bias_count": (
        {"s.yaml": "hidden_size: 2\ncheckpoint: {bias: {values: [1, 2, 3]}}\n"},
        "s.yaml: checkpoint.bias.values: found 3 entries",
    ),
    "input_row_length": (
        {"s.yaml": GOOD + "checkpoint: {inputs: {values: [[1, 2], [3, 4]]}}\n"},
        "s.yaml: checkpoint.inputs.values.0: found 2 numbers; expected sequence_length = 3",
    ),
    "initial_state_without_rollout": (
        {"s.yaml": GOOD + "checkpoint: {initial_state: [1, 2]}\n"},
        "s.yaml: checkpoint.initial_state: only used with states: rollout",
    ),
    "metric_for_jacobian": (
        {"s.yaml": "contributions: {method: jacobian, metric: max_entry}\n"},
        "s.yaml: contributions.metric: found 'max_entry'",
    ),
    "metric_for_course": (
        {"s.yaml": "contributions: {method: course, metric: spectral_norm}\n"},
        "s.yaml: contributions.metric: found 'spectral_norm'; method course allows only max_entry",
    ),
    "inputs_numbers_and_rows": (
        {"s.yaml": GOOD + "checkpoint: {inputs: {values: [1, [1, 2, 3]]}}\n"},
        "s.yaml: checkpoint.inputs.values: mixes numbers and rows",
    ),
    "gated_without_rollout": (
        {
            "s.yaml": "architecture: gru\ncontributions: {method: jacobian}\n"
            "checkpoint: {states: random}\n"
        },
        "s.yaml: checkpoint.states: found 'random'; gru states come from the recurrence",
    ),
    "forget_bias_on_vanilla": (  # the LSTM's alone: refused for vanilla as for gru
        {"s.yaml": "weights: {init: pytorch, forget_bias: 1}\n"},
        "s.yaml: weights.forget_bias: the forget gate is the LSTM's; architecture is 'vanilla'",
    ),
    "weights_and_w_hh": (
        {
            "s.yaml": "weights: {init: normal}\nw_hh: {eigenvalues: {uniform: [0, 1]}}\n"
            "contributions: {method: jacobian}\ncheckpoint: {states: rollout}\n"
        },
        "s.yaml: weights: give either weights or w_hh, not both",
    ),
    "stack_stores_too_much": (
        {
            "s.yaml": "architecture: gru\nhidden_size: 256\nsequence_length: 20000\n"
            "weights: {init: pytorch, layers: 4, bidirectional: true}\n"
        },
        "s.yaml: sequence_length: directions × layers × hidden_size × sequence_length = "
        "40,960,000; at most 20,000,000",
    ),
    "one_lyapunov_exponent_for_course": (
        {"s.yaml": "contributions: {method: course, lyapunov: {count: 1}}\n"},
        "s.yaml: contributions.lyapunov.count: the spectrum is of the true Jacobian product",
    ),
    "lyapunov_for_course": (
        {"s.yaml": "contributions: {method: course, lyapunov: {count: 2}}\n"},
        "s.yaml: contributions.lyapunov.count: the spectrum is of the true Jacobian product",
    ),
    "course_with_tanh": ({"s.yaml": "activation: tanh\n"}, "s.yaml: activation: found 'tanh'"),
    "course_with_rollout": (
        {"s.yaml": "checkpoint: {states: rollout}\n"},
        "s.yaml: checkpoint.states: found 'rollout'",
    ),
    "python_tag": (
        {"s.yaml": '!!python/object/apply:os.system ["touch pwned"]\n'},
        "s.yaml: (file): found the tag !!python/object/apply:os.system",
    ),
    "not_yaml": ({"s.yaml": "seed: [1, 2\n"}, "s.yaml: (file): not valid YAML"),
    "empty_file": ({"s.yaml": ""}, "s.yaml: (top level): found nothing (an empty file)"),
    "list_not_mapping": ({"s.yaml": "- seed: 1\n"}, "s.yaml: (top level): found a list"),
    "name_with_space": ({"my scenario.yaml": GOOD}, "my scenario.yaml: (file name)"),
    "name_leading_dash": ({"-x.yaml": GOOD}, "-x.yaml: (file name)"),
    "name_leading_dot": ({".x.yaml": GOOD}, ".x.yaml: (file name)"),
    "name_with_dots": ({"a..b.yaml": GOOD}, "a..b.yaml: (file name)"),
    "name_reserved": ({"activation.yaml": GOOD}, "activation.yaml: (file name): scenario name"),
    "duplicate_name": ({"a.yaml": GOOD, "a.yml": GOOD}, "a.yml: (file name): scenario 'a'"),
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    import shutil

    from conftest import COPY_IGNORE

    target = tmp_path_factory.mktemp("bad") / "rnngrad"
    shutil.copytree(ROOT, target, ignore=COPY_IGNORE)
    return target


@pytest.mark.parametrize("case", CASES)
def test_bad_scenario_gets_one_message_naming_its_file_and_key(tmp_path, case):
    files, expected = CASES[case]
    (tmp_path / "good.yaml").write_text(GOOD)  # a valid file beside does not hide the error
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(ConfigError) as error:
        load_scenarios(tmp_path)
    assert expected in str(error.value)
    assert not any("good.yaml" in line for line in error.value.problems)
    assert not (tmp_path / "pwned").exists() and not (ROOT / "pwned").exists()


# Through Snakemake: the same check stops the run before any job, for a few kinds of problem.
END_TO_END = ("typo", "singular_q", "python_tag", "not_yaml", "name_reserved", "duplicate_name")


@pytest.mark.slow
@pytest.mark.parametrize("case", END_TO_END)
def test_bad_scenario_is_reported_before_anything_runs(project, tmp_path, case):
    files, expected = CASES[case]
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD)  # a valid file beside does not hide the error
    for name, text in files.items():
        (folder / name).write_text(text)
    before = tree_bytes(project / "results")
    process = snakemake(project, "--cores", "1", "--config", f"scenarios_dir={folder}", check=False)
    assert process.returncode != 0
    assert expected in process.stdout, process.stdout
    assert "Traceback" not in process.stdout
    assert "nothing was run" in process.stdout
    assert tree_bytes(project / "results") == before
    assert not (project / "pwned").exists()


@pytest.mark.slow
def test_all_problems_of_all_files_are_reported_together(project, tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "one.yaml").write_text("seed: -1\nhidden_size: 0\n")
    (folder / "two.yaml").write_text("w_hh: {eigenvalues: {values: [1, 2]}}\n")
    process = snakemake(project, "--dry-run", "--config", f"scenarios_dir={folder}", check=False)
    assert process.returncode != 0
    assert "3 configuration problems" in process.stdout
    for expected in ("one.yaml: seed:", "one.yaml: hidden_size:", "two.yaml: w_hh.eigenvalues"):
        assert expected in process.stdout


def test_bad_global_config_names_the_key():
    with pytest.raises(ConfigError) as error:
        load_project(
            {"activation_figure": {"tangent_points": [10]}, "scenario_dir": "x"}, root=ROOT
        )
    text = str(error.value)
    assert "config/config.yaml: activation_figure.tangent_points.0: found 10; allowed: ≤ 6" in text
    assert "unknown key 'scenario_dir' (did you mean 'scenarios_dir'?)" in text


def test_every_schema_key_has_a_description_and_a_default():
    # A required key (training.task, optimizer.name) has no default: leaving it out is an error;
    # an optional one without a default (optimizer.momentum) says what its absence means.
    import yaml

    def walk(schema, path):
        for key, sub in schema.get("properties", {}).items():
            assert "description" in sub, f"{path}{key}"
            assert (
                "default" in sub
                or key in schema.get("required", ())
                or "absent means" in sub["description"]
            ), f"{path}{key}"
            walk(sub, f"{path}{key}.")

    for name in ("config.schema.yaml", "scenario.schema.yaml"):
        walk(yaml.safe_load((ROOT / "config" / name).read_text()), f"{name}: ")


def test_readme_worked_example_is_a_valid_scenario(tmp_path):
    text = (ROOT / "README.md").read_text()
    example = text.split("`config/scenarios/mine.yaml`:")[1].split("```yaml\n")[1].split("```")[0]
    (tmp_path / "mine.yaml").write_text(example)
    settings = load_scenarios(tmp_path)["mine"]
    assert settings["hidden_size"] == 3


def test_a_folder_of_more_scenario_files_than_the_limit_is_refused_before_any_is_read(tmp_path):
    from rnngrad.config.discovery import MAX_FILES

    for index in range(MAX_FILES + 1):
        (tmp_path / f"s{index}.yaml").write_text("- not even a scenario\n")
    with pytest.raises(ConfigError) as error:
        load_scenarios(tmp_path)
    (line,) = error.value.problems
    assert line.endswith(
        f"scenarios_dir: found {MAX_FILES + 1} scenario files; at most {MAX_FILES}"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", {}), ("# only a comment\n", {}), ("seed: 3\n", {"seed": 3}), ("- 1\n", None)],
)
def test_the_global_config_is_a_mapping_or_nothing(tmp_path, text, expected):
    from rnngrad.config import read_config_mapping

    (tmp_path / "config.yaml").write_text(text)
    if expected is not None:
        assert read_config_mapping(tmp_path / "config.yaml") == expected
        return
    with pytest.raises(ConfigError) as error:
        read_config_mapping(tmp_path / "config.yaml")
    assert str(error.value).endswith(
        "config.yaml: (top level): found [1]; expected a mapping of settings"
    )


def test_a_schema_rule_without_its_own_sentence_still_says_what_was_found_and_which_rule():
    import jsonschema

    from rnngrad.config.messages import describe

    (error,) = jsonschema.Draft202012Validator({"uniqueItems": True}).iter_errors([1, 1])
    assert describe(error) == "found [1, 1]; not allowed (uniqueItems)"


# Each limit below: the value exactly at it is accepted, one past it is refused naming the limit.
def settled(data):
    """Schema, semantic and file checks of one scenario mapping, without building W_hh."""
    from rnngrad.config.loading import PointChecker
    from rnngrad.config.schema import Schema

    checker = PointChecker(Schema(ROOT / "config" / "scenario.schema.yaml"), root=str(ROOT))
    return checker.settle("s.yaml", data)


@pytest.mark.parametrize("larger", ["hidden_size", "input_size"])
def test_n_times_t_at_the_limit_is_accepted_and_one_step_past_it_is_refused(larger):
    from rnngrad.config.checks import MAX_ELEMENTS

    sizes = {"hidden_size": 2, "input_size": 2, larger: 1000}
    settings, found = settled(sizes | {"sequence_length": MAX_ELEMENTS // 1000})
    assert found == [] and settings["sequence_length"] * 1000 == MAX_ELEMENTS
    settings, found = settled(sizes | {"sequence_length": MAX_ELEMENTS // 1000 + 1})
    assert found == [
        "s.yaml: sequence_length: max(hidden_size, input_size) × sequence_length = "
        f"{MAX_ELEMENTS + 1000:,}; at most {MAX_ELEMENTS:,} (h and x hold that many float64 each)"
    ]


def test_a_stack_storing_the_limit_of_states_is_accepted_and_one_step_more_is_refused():
    from rnngrad.config.checks import MAX_ELEMENTS

    # gru, 2 layers of 1000, both directions: 4000 states per step, and 2000 <= MAX_STATE
    stack = {"architecture": "gru", "hidden_size": 1000, "contributions": {"method": "jacobian"},
             "weights": {"init": "pytorch", "layers": 2, "bidirectional": True}}  # fmt: skip
    settings, found = settled(stack | {"sequence_length": MAX_ELEMENTS // 4000})
    assert found == [] and settings["sequence_length"] * 4000 == MAX_ELEMENTS
    _, found = settled(stack | {"sequence_length": MAX_ELEMENTS // 4000 + 1})
    assert found == [
        "s.yaml: sequence_length: directions × layers × hidden_size × sequence_length = "
        f"{MAX_ELEMENTS + 4000:,}; at most {MAX_ELEMENTS:,} (every layer's h is saved)"
    ]


@pytest.mark.parametrize(
    ("architecture", "hidden_size", "layers", "state"),
    [("gru", 1024, 2, 2048), ("lstm", 512, 2, 2048), ("gru", 683, 3, 2049), ("lstm", 683, 1, 1366)],
)
def test_a_state_of_max_state_entries_is_accepted_and_one_more_is_refused(
    architecture, hidden_size, layers, state
):
    from rnngrad.files.weight_arrays import MAX_STATE

    data = {"architecture": architecture, "hidden_size": hidden_size, "sequence_length": 2,
            "contributions": {"method": "jacobian"},
            "weights": {"init": "pytorch", "layers": layers}}  # fmt: skip
    _, found = settled(data)
    refused = [line for line in found if "weights.layers" in line]
    if state <= MAX_STATE:
        assert refused == []
    else:
        assert refused == [
            f"s.yaml: weights.layers: found {layers}; one direction's state ({layers} × "
            f"{state // layers} numbers) holds at most {MAX_STATE}"
        ]


@pytest.mark.parametrize("sign", [1, -1])
def test_a_number_of_magnitude_max_abs_value_is_accepted_and_a_larger_one_is_refused(sign):
    from rnngrad.config.checks import MAX_ABS_VALUE

    def eigenvalues(value):
        return {"hidden_size": 2, "w_hh": {"eigenvalues": {"values": [sign * value, 0.5]}}}

    for value in (MAX_ABS_VALUE, int(MAX_ABS_VALUE)):
        assert settled(eigenvalues(value))[1] == []
    past = MAX_ABS_VALUE * (1 + 1e-15)  # 1e-9 above: a distinct float (its spacing is 1.2e-10)
    for value, found in ((past, repr(sign * past)), (int(MAX_ABS_VALUE) + 1, None)):
        found = found or str(sign * value)
        assert settled(eigenvalues(value))[1] == [
            f"s.yaml: w_hh.eigenvalues.values: found {found}; numbers are limited to "
            f"±{MAX_ABS_VALUE:g} so that products stay within float64"
        ]


def test_numpys_largest_seed_is_accepted_and_the_next_is_refused():
    np = pytest.importorskip("numpy")
    largest = 2**32 - 1
    np.random.RandomState(largest)  # the independent reference: numpy's own range
    with pytest.raises(ValueError):
        np.random.RandomState(largest + 1)
    assert settled({"seed": largest})[1] == []
    (line,) = settled({"seed": largest + 1})[1]
    assert line.startswith(f"s.yaml: seed: found {largest + 1}")


def test_a_folder_of_exactly_max_files_scenario_files_is_read_file_by_file(tmp_path):
    from rnngrad.config.discovery import MAX_FILES

    for index in range(MAX_FILES):
        (tmp_path / f"s{index}.yaml").write_text("- not even a scenario\n")
    with pytest.raises(ConfigError) as error:
        load_scenarios(tmp_path)
    assert len(error.value.problems) == MAX_FILES  # one per file, no count refusal
    assert not any("at most" in line for line in error.value.problems)


def test_a_found_value_of_shown_chars_is_echoed_whole_and_a_longer_one_is_cut():
    from rnngrad.config.messages import SHOWN_CHARS

    for length in (SHOWN_CHARS, SHOWN_CHARS + 1):
        seed = "a" * (length - 2)  # its repr adds two quotes
        (line,) = settled({"seed": seed})[1]
        echoed = repr(seed) if length <= SHOWN_CHARS else repr(seed)[: SHOWN_CHARS - 3] + "..."
        assert line.startswith(f"s.yaml: seed: found {echoed} (str)") and len(echoed) <= SHOWN_CHARS


@pytest.mark.parametrize(
    ("data", "key", "product"),
    [
        ({"hidden_size": 21, "sequence_length": 952_381}, "sequence_length", "max(hidden_size"),
        (
            {"architecture": "gru", "hidden_size": 7, "sequence_length": 952_381,
             "contributions": {"method": "jacobian"}, "weights": {"init": "pytorch", "layers": 3}},
            "sequence_length",
            "directions × layers",
        ),
    ],
    ids=["n_times_t", "stored_states"],
)  # fmt: skip
def test_a_size_of_exactly_one_element_past_max_elements_is_refused(data, key, product):
    from rnngrad.config.checks import MAX_ELEMENTS

    # 21 × 952,381 = 3 × 7 × 952,381 = MAX_ELEMENTS + 1: the least size past the limit
    (line,) = settled(data)[1]
    assert line.startswith(f"s.yaml: {key}: {product}") and f"= {MAX_ELEMENTS + 1:,};" in line


def test_a_number_refused_just_past_max_abs_value_is_shown_apart_from_the_limit():
    from rnngrad.config.checks import MAX_ABS_VALUE

    past = MAX_ABS_VALUE + 0.5
    (line,) = settled({"hidden_size": 2, "w_hh": {"eigenvalues": {"values": [past, 0.5]}}})[1]
    assert f"found {MAX_ABS_VALUE:g};" not in line and "found 1000000.5;" in line


@pytest.mark.parametrize("length", [2, 4])
def test_an_inputs_row_of_one_number_too_few_or_too_many_is_refused(length):
    rows = [[1.0, 2.0, 3.0], [1.0] * length]
    data = {"hidden_size": 2, "sequence_length": 3, "checkpoint": {"inputs": {"values": rows}}}
    assert settled(data | {"checkpoint": {"inputs": {"values": [[1.0] * 3] * 2}}})[1] == []
    assert settled(data)[1] == [
        f"s.yaml: checkpoint.inputs.values.1: found {length} numbers; expected sequence_length = 3"
    ]


@pytest.mark.parametrize(("rows", "length"), [(1, 2), (3, 2), (2, 1), (2, 3)])
@pytest.mark.parametrize("key", ["matrix", "eigenvectors"])
def test_a_square_matrix_of_one_row_or_column_too_few_or_too_many_is_refused(key, rows, length):
    matrix = [[0.5] * length] * rows
    spec = {"matrix": matrix} if key == "matrix" else {"eigenvectors": {"values": matrix}}
    assert settled({"hidden_size": 2, "w_hh": spec})[1] == [
        f"s.yaml: w_hh.{key}{'.values' * (key == 'eigenvectors')}: found {rows} rows of lengths "
        f"[{length}]; expected 2×2 (hidden_size = 2)"
    ]


def test_one_problem_is_reported_in_the_singular_and_each_problem_on_its_own_line():
    from rnngrad.config import problem_report

    one = problem_report(ConfigError(["s.yaml: seed: found -1"]))
    assert one == "rnngrad: 1 configuration problem; nothing was run:\n  s.yaml: seed: found -1"
    two = problem_report(ConfigError(["a.yaml: x: 1", "b.yaml: y: 2"]))
    assert two.splitlines() == [
        "rnngrad: 2 configuration problems; nothing was run:",
        "  a.yaml: x: 1",
        "  b.yaml: y: 2",
    ]


def test_every_unknown_key_is_named_up_to_five_each_with_its_nearest_known_key(tmp_path):
    (tmp_path / "s.yaml").write_text("sead: 1\nhiden_size: 2\nzz1: 0\nzz2: 0\nzz3: 0\nzz4: 0\n")
    with pytest.raises(ConfigError) as error:
        load_scenarios(tmp_path)
    [line] = error.value.problems
    named = line.split("(top level): ")[1].split("; allowed keys: ")[0]
    assert named.split("; ") == [
        "unknown key 'hiden_size' (did you mean 'hidden_size'?)",
        "unknown key 'sead' (did you mean 'seed'?)",
        "unknown key 'zz1'",
        "unknown key 'zz2'",
        "unknown key 'zz3'",
    ]


def test_schema_problems_of_one_file_come_in_key_order(tmp_path):
    (tmp_path / "s.yaml").write_text("seed: -1\nhidden_size: 0\nactivation: softmax\n")
    with pytest.raises(ConfigError) as error:
        load_scenarios(tmp_path)
    keys = [line.split(": ")[1] for line in error.value.problems]
    assert keys == ["activation", "hidden_size", "seed"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("weights: {init: normal, gain: .nan}\n", "weights.gain"),
        (
            "architecture: lstm\nweights: {init: pytorch, forget_bias: .nan}\n",
            "weights.forget_bias",
        ),
        ("w_hh: {eigenvalues: {uniform: [0, 1]}, scale: {spectral_norm: .nan}}\n", "w_hh.scale"),
        ("w_hh: {eigenvalues: {uniform: [0, .nan]}}\n", "w_hh.eigenvalues.uniform"),
        (
            "hidden_size: 2\ncontributions: {method: jacobian}\n"
            "checkpoint: {states: rollout, initial_state: [0, .nan]}\n",
            "checkpoint.initial_state",
        ),
    ],
    ids=["gain", "forget_bias", "scale", "uniform", "initial_state"],
)
def test_a_nan_that_the_schemas_comparisons_let_through_is_refused_by_key(tmp_path, text, key):
    (tmp_path / "s.yaml").write_text(text)
    with pytest.raises(ConfigError) as error:
        load_scenarios(tmp_path)
    assert f"{tmp_path}/s.yaml: {key}: found nan; every number must be finite" in (
        error.value.problems
    )


def test_an_unreadable_scenario_is_named_as_the_config_names_it_not_by_its_full_path(tmp_path):
    import shutil

    (tmp_path / "config").mkdir()
    for schema in (ROOT / "config").glob("*.schema.yaml"):
        shutil.copy(schema, tmp_path / "config")
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "s.yaml").write_text("seed: 1\nseed: 2\n")
    with pytest.raises(ConfigError) as error:
        load_project({"scenarios_dir": "scenarios", "sweeps_dir": "none"}, root=tmp_path)
    assert error.value.problems == [
        "scenarios/s.yaml: seed: duplicate key at lines 1 and 2; each key may appear once"
    ]
