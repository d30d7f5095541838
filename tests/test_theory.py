"""Verdicts, the bound and the measured growth."""

import numpy as np
import pytest

from rnngrad.numerics import theory


@pytest.mark.parametrize(
    ("factor", "verdict"),
    [
        (0.5, "vanishing"),
        (1 - 1e-6, "vanishing"),
        (1 + 1e-6, "exploding possible"),
        (1 - 1e-13, "boundary"),
        (1 + 1e-13, "boundary"),
        (1 - 5e-10, "boundary"),  # the band is BOUNDARY_TOLERANCE = 1e-9 wide on either side
        (1 + 5e-10, "boundary"),
        (1 - 2e-9, "vanishing"),
        (1 + 2e-9, "exploding possible"),
        (4.0, "exploding possible"),
    ],
)
def test_verdicts_with_a_boundary_band_around_one(factor, verdict):
    assert theory.eigenvalue_rule(gamma=0.25, spectral_radius=4 * factor) == verdict
    assert theory.singular_value_condition(gamma=1.0, spectral_norm=factor) == verdict


def test_bound_counts_t_minus_k_plus_one_factors():
    bound = theory.log10_bound(gamma=0.25, spectral_norm=8.0, sequence_length=3)
    np.testing.assert_allclose(bound, [3 * np.log10(2), 2 * np.log10(2), np.log10(2)])


def test_growth_per_step_is_log10_of_the_full_product_over_t():
    assert theory.growth_per_step(np.array([6.0, 4.0, 2.0])) == 2.0


def test_the_singular_value_condition_scales_the_norm_by_gamma():
    # sigmoid's γ = 1/4: ‖W_hh‖₂ = 2 gives γ‖W_hh‖₂ = 1/2, vanishing (the norm alone is 2).
    assert theory.singular_value_condition(gamma=0.25, spectral_norm=2.0) == theory.VANISHING
    assert theory.singular_value_condition(gamma=0.25, spectral_norm=8.0) == "exploding possible"
    verdicts = theory.verdict_arrays(gamma=0.25, spectral_radius=2.0, spectral_norm=2.0)
    assert str(verdicts["eigenvalue_rule"]) == str(verdicts["singular_value_condition"])


def test_verdict_arrays_judge_rho_and_the_norm_each_by_its_own_rule():
    # γρ = 0.5 (vanishing by the eigenvalue rule) while γ‖W_hh‖₂ = 2 (exploding possible):
    # a non-normal W_hh, where the two rules disagree; either order of the arguments.
    verdicts = theory.verdict_arrays(gamma=0.25, spectral_radius=2.0, spectral_norm=8.0)
    assert verdicts["gamma"] == 0.25 and verdicts["gamma"].dtype == np.float64
    assert str(verdicts["eigenvalue_rule"]) == theory.VANISHING
    assert str(verdicts["singular_value_condition"]) == theory.EXPLODING_POSSIBLE
    swapped = theory.verdict_arrays(gamma=1.0, spectral_radius=8.0, spectral_norm=0.5)
    assert swapped["gamma"] == 1.0
    assert str(swapped["eigenvalue_rule"]) == theory.EXPLODING_POSSIBLE
    assert str(swapped["singular_value_condition"]) == theory.VANISHING
