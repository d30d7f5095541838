"""The course notebook's code, transcribed verbatim (plotting and widgets left out).

This is the independent reference of the bit-for-bit tests: do not "fix" or tidy it. As in the
notebook, `prod(k)` reads the module's globals, which each example cell sets.
"""

import numpy as np

t = h = x = b_h = W_hx = W_hh = None


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_gradient(x):
    return sigmoid(x) * (1 - sigmoid(x))


def prod(k):
    p = 1
    for i in range(t - 1, k - 2, -1):
        p *= W_hh.T @ np.diag(sigmoid_gradient(W_hh @ h[:, i] + W_hx @ x[:, i] + b_h))
    return p


def vanishing_example():
    """The notebook's first example: returns its variables and `product`."""
    global t, h, x, b_h, W_hx, W_hh
    np.random.seed(12345)
    t = 20
    h = np.random.randn(5, t)
    x = np.random.randn(5, t)
    b_h = np.random.randn(5, 1)
    W_hx = np.random.randn(5, 5)

    eig = np.random.rand(5) * 4  # Random eigenvalues lower than 4
    Q = np.random.randn(5, 5)  # Random eigenvectors stacked in matrix Q
    W_hh = Q @ np.diag(eig) @ np.linalg.inv(Q)  # W_hh

    product = np.zeros(20)
    for k in range(t):
        product[k] = np.max(prod(k + 1))
    return dict(h=h, x=x, b_h=b_h, W_hx=W_hx, eigenvalues=eig, Q=Q, W_hh=W_hh, product=product)


def exploding_example():
    """The notebook's second example: returns its variables and `product`."""
    global t, h, x, b_h, W_hx, W_hh
    np.random.seed(12345)
    t = 20
    h = np.zeros((5, t))
    x = np.zeros((5, t))
    b_h = np.zeros((5, 1))
    W_hx = np.random.randn(5, 5)

    eig = 4 + np.random.rand(5) * 10  # Random eigenvalues greater than 4
    Q = np.random.randn(5, 5)  # Random eigenvectors stacked in matrix Q
    W_hh = Q @ np.diag(eig) @ np.linalg.inv(Q)  # W_hh

    product = np.zeros(20)
    for k in range(t):
        product[k] = np.max(prod(k + 1))
    return dict(h=h, x=x, b_h=b_h, W_hx=W_hx, eigenvalues=eig, Q=Q, W_hh=W_hh, product=product)


def notebook_prod(w_hh, w_hx, bias, states, inputs, k):
    """The notebook's `prod(k)` on other arrays: set its globals, then call it."""
    global t, h, x, b_h, W_hx, W_hh
    W_hh, W_hx, b_h, h, x, t = w_hh, w_hx, bias, states, inputs, states.shape[1]
    return prod(k)
