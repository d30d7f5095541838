"""The course notebook's code, transcribed verbatim (plotting and widgets left out).

This is the independent reference of the bit-for-bit tests: do not "fix" or tidy it.
"""

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_gradient(x):
    return sigmoid(x) * (1 - sigmoid(x))


def vanishing_example():
    """The notebook's first example: returns its variables and `product`."""
    np.random.seed(12345)
    t = 20
    h = np.random.randn(5, t)
    x = np.random.randn(5, t)
    b_h = np.random.randn(5, 1)
    W_hx = np.random.randn(5, 5)

    eig = np.random.rand(5) * 4  # Random eigenvalues lower than 4
    Q = np.random.randn(5, 5)  # Random eigenvectors stacked in matrix Q
    W_hh = Q @ np.diag(eig) @ np.linalg.inv(Q)  # W_hh

    def prod(k):
        p = 1
        for i in range(t - 1, k - 2, -1):
            p *= W_hh.T @ np.diag(sigmoid_gradient(W_hh @ h[:, i] + W_hx @ x[:, i] + b_h))
        return p

    product = np.zeros(20)
    for k in range(t):
        product[k] = np.max(prod(k + 1))
    return dict(h=h, x=x, b_h=b_h, W_hx=W_hx, eigenvalues=eig, Q=Q, W_hh=W_hh, product=product)


def exploding_example():
    """The notebook's second example: returns its variables and `product`."""
    np.random.seed(12345)
    t = 20
    h = np.zeros((5, t))
    x = np.zeros((5, t))
    b_h = np.zeros((5, 1))
    W_hx = np.random.randn(5, 5)

    eig = 4 + np.random.rand(5) * 10  # Random eigenvalues greater than 4
    Q = np.random.randn(5, 5)  # Random eigenvectors stacked in matrix Q
    W_hh = Q @ np.diag(eig) @ np.linalg.inv(Q)  # W_hh

    def prod(k):
        p = 1
        for i in range(t - 1, k - 2, -1):
            p *= W_hh.T @ np.diag(sigmoid_gradient(W_hh @ h[:, i] + W_hx @ x[:, i] + b_h))
        return p

    product = np.zeros(20)
    for k in range(t):
        product[k] = np.max(prod(k + 1))
    return dict(h=h, x=x, b_h=b_h, W_hx=W_hx, eigenvalues=eig, Q=Q, W_hh=W_hh, product=product)


def notebook_prod(W_hh, W_hx, b_h, h, x, k):
    """The notebook's `prod(k)` for arbitrary arrays (its globals made arguments)."""
    t = h.shape[1]
    p = 1
    for i in range(t - 1, k - 2, -1):
        p *= W_hh.T @ np.diag(sigmoid_gradient(W_hh @ h[:, i] + W_hx @ x[:, i] + b_h))
    return p
