"""A numpy RandomState stream saved as plain arrays, so that a later step can continue it."""

import numpy as np

STATE_KEYS = ("rng_key", "rng_pos", "rng_has_gauss", "rng_cached_gaussian")


def state_to_arrays(rng: np.random.RandomState) -> dict[str, np.ndarray]:
    """Return the generator's MT19937 state as arrays that npz can hold without pickling."""
    _, key, pos, has_gauss, cached_gaussian = rng.get_state(legacy=True)
    return {
        "rng_key": np.asarray(key, dtype=np.uint32),
        "rng_pos": np.asarray(pos, dtype=np.int64),
        "rng_has_gauss": np.asarray(has_gauss, dtype=np.int64),
        "rng_cached_gaussian": np.asarray(cached_gaussian, dtype=np.float64),
    }


def state_from_arrays(arrays) -> np.random.RandomState:
    """Rebuild a RandomState positioned exactly where `state_to_arrays` left it."""
    rng = np.random.RandomState()
    rng.set_state(
        (
            "MT19937",
            np.asarray(arrays["rng_key"], dtype=np.uint32),
            int(arrays["rng_pos"]),
            int(arrays["rng_has_gauss"]),
            float(arrays["rng_cached_gaussian"]),
        )
    )
    return rng
