"""The recurrent weight matrix W_hh, built from chosen eigenvalues and eigenvectors."""

from dataclasses import dataclass

import numpy as np


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
    factor = target / (gamma * current)
    w_hh = weights.w_hh * factor
    return RecurrentWeights(
        eigenvalues=weights.eigenvalues * factor,
        q=weights.q,
        w_hh=w_hh,
        spectral_radius=spectral_radius(w_hh),
        spectral_norm=spectral_norm(w_hh),
    )


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
            w_hh = q @ np.diag(eig) @ np.linalg.inv(q)
    return RecurrentWeights(
        eigenvalues=eig,
        q=q,
        w_hh=w_hh,
        spectral_radius=spectral_radius(w_hh),
        spectral_norm=spectral_norm(w_hh),
    )
