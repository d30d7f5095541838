"""`import rnngrad` offers its documented names, each the object of the module that defines it."""

import importlib

import pytest

import rnngrad


def test_every_exported_name_is_the_object_its_module_defines():
    assert rnngrad.__all__ == sorted(rnngrad.__all__)
    assert {"generate_checkpoint", "construct_w_hh", "jacobian_contributions"} <= set(
        rnngrad.__all__
    )
    for module, names in rnngrad._EXPORTS.items():
        for name in names:
            assert getattr(rnngrad, name) is getattr(importlib.import_module(module), name)


def test_an_unknown_name_is_an_attribute_error_as_for_any_module():
    with pytest.raises(AttributeError, match="^module 'rnngrad' has no attribute 'nothing'$"):
        rnngrad.nothing  # noqa: B018
    assert not hasattr(rnngrad, "Nothing")
