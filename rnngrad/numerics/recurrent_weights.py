"""The recurrent weight matrix W_hh, built from chosen eigenvalues and eigenvectors."""

from dataclasses import dataclass

import numpy as np

# W_hh = Q diag(λ) Q⁻¹ must reproduce the requested λ: the built matrix's eigenvalues may differ
# from them by at most this, relative to max |λ|. Rounding moves them by about cond(Q)² · 1e-16.
EIGENVALUE_RTOL = 1e-8
MAX_CONDITION = 1e6  # cond(Q) beyond this cannot meet EIGENVALUE_RTOL (1e12 · 1e-16 ≫ 1e-8)
# ρ below this fraction of ‖W_hh‖₂ is rounding noise of a (nearly) nilpotent W_hh: not a scale.
RADIUS_FLOOR = 1e-6


class ConstructionError(ValueError):
    """W_hh cannot be built as asked; `key` names the setting (w_hh.eigenvectors, w_hh.scale)."""

    def __init__(self, text, *, key):
        self.key, self.text = key, text
        super().__init__(f"{key}: {text}")


@dataclass(frozen=True)
class RecurrentWeights:
    """W_hh = Q diag(eigenvalues) Q⁻¹ with its spectral radius ρ and spectral norm ‖W_hh‖₂."""

    eigenvalues: np.ndarray
    q: np.ndarray
    w_hh: np.ndarray
    spectral_radius: float
    spectral_norm: float

    def arrays(self) -> dict[str, np.ndarray]:
        """Return the weights as named arrays, in the order they are saved."""
        return {
            "eigenvalues": self.eigenvalues,
            "Q": self.q,
            "W_hh": self.w_hh,
            "spectral_radius": np.float64(self.spectral_radius),
            "spectral_norm": np.float64(self.spectral_norm),
        }


def spectral_radius(matrix: np.ndarray) -> float:
    """ρ(W) = max |λ| over the eigenvalues of W (LAPACK geev)."""
    return float(np.max(np.abs(np.linalg.eigvals(matrix))))


def spectral_norm(matrix: np.ndarray) -> float:
    """‖W‖₂, the largest singular value of W (LAPACK gesdd)."""
    return float(np.linalg.norm(matrix, 2))


def orthogonal_matrix(rng: np.random.RandomState, n: int) -> np.ndarray:
    """A random orthogonal matrix: Q of the QR of randn(n, n), column signs fixed by diag(R) > 0."""
    q, r = np.linalg.qr(rng.randn(n, n))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


def rescale(weights: RecurrentWeights, *, target: float, gamma: float, measure: str):
    """W_hh scaled so that γ·measure(W_hh) = target (measure: spectral_norm | spectral_radius)."""
    current = weights.spectral_norm if measure == "spectral_norm" else weights.spectral_radius
    if current == 0:
        text = f"W_hh is zero ({measure} 0): no factor scales it to {target:g}"
        raise ConstructionError(text, key="w_hh.scale")
    if measure == "spectral_radius" and current <= RADIUS_FLOOR * weights.spectral_norm:
        text = (
            f"ρ(W_hh) = {current:.3g} is rounding noise next to "
            f"‖W_hh‖₂ = {weights.spectral_norm:.3g}"
            " (W_hh is nilpotent or nearly so): scaling by it would be meaningless; "
            "use scale: {spectral_norm: x}"
        )
        raise ConstructionError(text, key="w_hh.scale")
    factor = target / (gamma * current)
    w_hh = weights.w_hh * factor
    scaled = RecurrentWeights(
        eigenvalues=weights.eigenvalues * factor,
        q=weights.q,
        w_hh=w_hh,
        spectral_radius=spectral_radius(w_hh),
        spectral_norm=spectral_norm(w_hh),
    )
    reached = gamma * (
        scaled.spectral_norm if measure == "spectral_norm" else scaled.spectral_radius
    )
    if abs(reached - target) > EIGENVALUE_RTOL * target:
        text = f"scaling gave γ·{measure} = {reached:.6g}, not {target:g}: W_hh is ill-conditioned"
        raise ConstructionError(text, key="w_hh.scale")
    return scaled


def eigenvalue_error(requested: np.ndarray, built: np.ndarray) -> float:
    """Largest distance between a requested eigenvalue and the nearest built one (either way)."""
    distance = np.abs(np.asarray(requested)[:, None] - np.asarray(built)[None, :])
    return float(max(distance.min(axis=1).max(), distance.min(axis=0).max()))


def draw_eigenvalues(rng: np.random.RandomState, n: int, eigenvalues) -> np.ndarray:
    """{"uniform": [low, high]} → low + rand(n) * (high - low); {"values": [...]} → as given."""
    if "uniform" in eigenvalues:
        low, high = eigenvalues["uniform"]
        return low + rng.rand(n) * (high - low)
    return np.asarray(eigenvalues["values"], dtype=float)


def draw_eigenvectors(rng: np.random.RandomState, n: int, eigenvectors) -> np.ndarray:
    """Q: randn(n, n) for "random", orthogonal for "orthogonal", or {"values": rows} as given."""
    if eigenvectors == "orthogonal":
        return orthogonal_matrix(rng, n)
    if eigenvectors == "random":
        return rng.randn(n, n)
    return np.asarray(eigenvectors["values"], dtype=float)


def construct_w_hh(
    *,
    rng: np.random.RandomState,
    hidden_size: int,
    eigenvalues=None,
    eigenvectors: str = "random",
    matrix=None,
) -> RecurrentWeights:
    """Build W_hh as the notebook does, continuing the checkpoint's generator `rng`.

    `eigenvalues` is {"uniform": [low, high]} (low + rand(n) * (high - low)) or {"values": [...]};
    `eigenvectors` is "random" (Q = randn(n, n), W = Q diag(λ) Q⁻¹), "orthogonal" (W symmetric)
    or {"values": rows} (an explicit Q).
    An explicit `matrix` replaces both, and its eigen-decomposition is reported.
    """
    n = hidden_size
    if matrix is not None:
        w_hh = np.asarray(matrix, dtype=float)
        eig, q = np.linalg.eig(w_hh)
    else:
        eig = draw_eigenvalues(rng, n, eigenvalues)
        q = draw_eigenvectors(rng, n, eigenvectors)
        if eigenvectors == "orthogonal":
            w_hh = q @ np.diag(eig) @ q.T
            w_hh = (w_hh + w_hh.T) / 2  # exactly symmetric, not only up to rounding
        else:
            condition = np.linalg.cond(q)
            if not condition <= MAX_CONDITION:
                source = "drawn for this seed" if eigenvectors == "random" else "given"
                text = (
                    f"the eigenvector matrix Q {source} has condition number {condition:.3g}; at "
                    f"most {MAX_CONDITION:g}, or W_hh = Q diag(λ) Q⁻¹ loses the requested "
                    "eigenvalues "
                    "(change the seed, give other values, or use eigenvectors: orthogonal)"
                )
                raise ConstructionError(text, key="w_hh.eigenvectors")
            w_hh = q @ np.diag(eig) @ np.linalg.inv(q)
        error = eigenvalue_error(eig, np.linalg.eigvals(w_hh))
        if error > EIGENVALUE_RTOL * max(np.max(np.abs(eig)), np.finfo(float).tiny):
            text = (
                f"the built W_hh has eigenvalues up to {error:.3g} away from the requested ones "
                f"(allowed: {EIGENVALUE_RTOL:g} × max |λ|); Q is too ill-conditioned for them"
            )
            raise ConstructionError(text, key="w_hh.eigenvectors")
    return RecurrentWeights(
        eigenvalues=eig,
        q=q,
        w_hh=w_hh,
        spectral_radius=spectral_radius(w_hh),
        spectral_norm=spectral_norm(w_hh),
    )
