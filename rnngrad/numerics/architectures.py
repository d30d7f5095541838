"""One interface over the recurrences: roll the states out, stream the factors J_i, measure P_k.

Each architecture is one object with `rollout` and `factors`: `Vanilla` (h' = σ(W_hh h + W_hx x +
b_h)), `LSTM` and `GRU` (PyTorch's layer arrays, rnngrad.numerics.gated). A `Network` stacks them as
PyTorch's nn.RNN, nn.LSTM and nn.GRU do with num_layers = L and bidirectional:

- Layer l > 0 reads, at step i, layer l − 1's new output h^(l−1)_(i+1) (both directions' outputs,
  forward then reverse, when bidirectional). A direction's state is every layer's state,
  concatenated: z = [h¹; …; h^L] (and [h¹; …; h^L; c¹; …; c^L] for the LSTM), so its step
  Jacobian ∂z_(i+1)/∂z_i has blocks below the diagonal: ∂s^l'/∂s^j = (∂s^l'/∂y^l)(∂h^(l−1)'/∂s^j)
  for j < l, every cross term of the chain rule.
- The reverse direction reads x from step t − 1 down to 0. It is its own chain on its own time
  axis: its step j reads x[:, t − 1 − j], and its states are saved in that order. In a stack,
  each direction's chain takes the other direction's outputs as given inputs.

`measure` multiplies each direction's factors once (rnngrad.numerics.chain) and feeds the same
blocks to the Lyapunov spectrum (rnngrad.numerics.lyapunov).

>>> import numpy as np
>>> from rnngrad.numerics import initialization
>>> arrays = initialization.initial_weights(np.random.RandomState(0), architecture="gru",
...     hidden_size=3, input_size=2, init="pytorch", layers=2, bidirectional=True)
>>> network = from_pytorch("gru", arrays=arrays)
>>> x = np.ones((2, 5))
>>> states = network.rollout(x)
>>> {name: state.shape for name, state in states.items()}
{'h': (6, 5), 'h_reverse': (6, 5)}
>>> measured = measure(network, x=x, states=states, metric="spectral_norm")
>>> measured["_reverse"]["layers"].shape
(2, 5)
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from rnngrad.files import weight_arrays
from rnngrad.numerics import gated
from rnngrad.numerics.cells import CELLS, Vanilla, layer_cell
from rnngrad.numerics.chain import chain_log10_metrics
from rnngrad.numerics.lyapunov import Spectrum

ARCHITECTURES = ("vanilla", "lstm", "gru")


DIRECTIONS = ("", "_reverse")  # PyTorch's suffixes; also the suffixes of the measured keys


@dataclass(frozen=True)
class Network:
    """Layers of one architecture, cells[layer][direction]: nn.RNN/LSTM/GRU, L layers, D ways."""

    cells: tuple

    @property
    def layers(self) -> int:
        return len(self.cells)

    @property
    def bidirectional(self) -> bool:
        return len(self.cells[0]) == 2

    @property
    def directions(self) -> tuple[str, ...]:
        """The suffix of each direction's keys: "" (forward), then "_reverse" if bidirectional."""
        return DIRECTIONS[: len(self.cells[0])]

    @property
    def plain(self) -> bool:
        """One layer, one direction: the network of rnngrad before stacks (same bytes)."""
        return self.layers == 1 and not self.bidirectional

    @property
    def parts(self) -> tuple[str, ...]:
        return self.cells[0][0].parts

    @property
    def hidden_size(self) -> int:
        return self.cells[0][0].hidden_size

    @property
    def state_size(self) -> int:
        """Entries of one direction's state z."""
        return self.layers * len(self.parts) * self.hidden_size

    def rollout(self, x, *, initial_state=None) -> dict:
        """The states each step starts from: h (L n, t), c for the LSTM, and *_reverse.

        `initial_state` is each direction's z_0 in turn ([h¹…h^L; c¹…c^L], forward first);
        None starts every layer at zeros. The reverse direction's column j is its step j.
        """
        x = np.asarray(x, dtype=float)
        if self.plain:
            return self.cells[0][0].rollout(x, initial_state=initial_state)
        starts = self._starts(initial_state)
        by_layer, inputs = {}, x
        for layer, cells in enumerate(self.cells):
            for direction, cell in enumerate(cells):
                sequence = _in_time(inputs, direction)
                by_layer[layer, direction] = cell.rollout(
                    sequence, initial_state=starts[layer, direction]
                )
            if layer + 1 < self.layers:
                inputs = self._outputs(layer, inputs, by_layer)
        return self._joined(by_layer)

    def factors(self, x, *, states, direction="", block_size=None) -> Iterator[np.ndarray]:
        """Blocks (B, d, d) of one direction's J_i = (∂z_(i+1)/∂z_i)ᵀ, i = t-1 down to 0.

        `states` is what `rollout` returns. Blocks hold `block_size` steps (default: as many as
        fit in rnngrad.numerics.gated.BLOCK_BYTES); each J_i is a transposed view, as the chain
        takes it.
        """
        x = np.asarray(x, dtype=float)
        index = DIRECTIONS.index(direction)
        if self.layers == 1:
            cell, part_states = self.cells[0][index], self._split(states)[0, index]
            if block_size is None:  # the single layer's own stream: the same bytes as before
                return cell.factors(_in_time(x, index), states=part_states)
        return self._stacked_factors(x, states, index, block_size)

    def views(self) -> dict:
        """The blocks of P_k measured: whole, h (LSTM), each layer's h-to-h, top to bottom.

        P_k = (∂z_t/∂z_(k−1))ᵀ, so P_k[rows of h¹, columns of h^L] is (∂h^L_t/∂h¹_(k−1))ᵀ: what
        reaches the first layer k − 1 steps back of a gradient at the top layer's last output.
        """
        n, layers = self.hidden_size, self.layers
        views = {"whole": None}
        if "c" in self.parts:  # (∂h_t/∂h_(k−1))ᵀ with every c_(k−1) held fixed
            views["h"] = (slice(0, layers * n), slice(0, layers * n))
        if self.plain:
            return views
        for layer in range(layers):
            own = slice(layer * n, (layer + 1) * n)
            views[f"layer{layer}"] = (own, own)
        views["top_to_bottom"] = (slice(0, n), slice((layers - 1) * n, layers * n))
        return views

    # --- internals

    def _starts(self, initial_state) -> dict:
        """Each (layer, direction)'s initial state, or None, from the stacked initial_state."""
        if initial_state is None:
            return {key: None for key in np.ndindex(self.layers, len(self.directions))}
        start = np.asarray(initial_state, dtype=float)
        expected = self.state_size * len(self.directions)
        if start.shape != (expected,):
            msg = (
                f"initial_state has shape {start.shape}; expected ({expected},): each "
                "direction's [h¹…h^L" + ("; c¹…c^L]" if "c" in self.parts else "]") + " in turn"
            )
            raise ValueError(msg)
        z = start.reshape(len(self.directions), len(self.parts), self.layers, self.hidden_size)
        return {
            (layer, direction): z[direction, :, layer].reshape(-1)
            for layer, direction in np.ndindex(self.layers, len(self.directions))
        }

    def _outputs(self, layer, inputs, by_layer) -> np.ndarray:
        """The layer's output at every step (D n, t), forward time, from its stored states.

        The last output is one more step from the last stored state, as the rollout takes it.
        """
        outputs = []
        for direction, cell in enumerate(self.cells[layer]):
            sequence, states = _in_time(inputs, direction), by_layer[layer, direction]
            last = cell.step(
                sequence[:, -1:], states={part: state[:, -1:] for part, state in states.items()}
            )
            outputs.append(_in_time(np.hstack([states["h"][:, 1:], last["h"]]), direction))
        return np.vstack(outputs)

    def _joined(self, by_layer) -> dict:
        """{"h": (L n, t), "c": ..., "h_reverse": ...} from each (layer, direction)'s states."""
        return {
            part + suffix: np.vstack(
                [by_layer[layer, direction][part] for layer in range(self.layers)]
            )
            for direction, suffix in enumerate(self.directions)
            for part in self.parts
        }

    def _split(self, states) -> dict:
        """Each (layer, direction)'s states {part: (n, t)} from the stacked states."""
        n = self.hidden_size
        split = {}
        for direction, suffix in enumerate(self.directions):
            for part in self.parts:
                stacked = states[part + suffix]
                if np.shape(stacked)[0] != self.layers * n:
                    msg = (
                        f"{part + suffix} has {np.shape(stacked)[0]} rows; expected L n = "
                        f"{self.layers * n}"
                    )
                    raise ValueError(msg)
                for layer in range(self.layers):
                    split.setdefault((layer, direction), {})[part] = stacked[
                        layer * n : (layer + 1) * n
                    ]
        return split

    def _stacked_factors(self, x, states, index, block_size) -> Iterator[np.ndarray]:
        by_layer = self._split(states)
        inputs, sequences = x, []
        for layer in range(self.layers):  # every layer's input, in this direction's time order
            sequences.append(_in_time(inputs, index))
            if layer + 1 < self.layers:
                inputs = self._outputs(layer, inputs, by_layer)
        cells = [self.cells[layer][index] for layer in range(self.layers)]
        own = slice(index * self.hidden_size, (index + 1) * self.hidden_size)
        layer_states = [by_layer[layer, index] for layer in range(self.layers)]
        return _stack_blocks(cells, sequences, layer_states, own, block_size)


def _in_time(array, direction) -> np.ndarray:
    """Columns in a direction's own time order: as given (forward), reversed (reverse)."""
    return array if direction == 0 else np.ascontiguousarray(array[:, ::-1])


def _stack_blocks(cells, sequences, layer_states, own, block_size) -> Iterator[np.ndarray]:
    """Blocks of the stacked J_i: layer by layer ∂s^l' = A_l ds^l + B_l ∂h^(l−1)', transposed.

    `own` selects, in layer l > 0's input, this direction's output of layer l − 1; the other
    direction's half is a given input of this chain. Rows and columns are z's order,
    [h¹; …; h^L] then [c¹; …; c^L]: a layer's h and c are two slices of it.
    """
    n, parts, layers = cells[0].hidden_size, len(cells[0].parts), len(cells)
    d = layers * parts * n

    def rows(layer, part):  # layer's h (part 0) or c (part 1) within z
        start = (part * layers + layer) * n
        return slice(start, start + n)

    size = gated._block_size(block_size, d)
    t = sequences[0].shape[1]
    for end in range(t, 0, -size):
        steps = np.arange(end - 1, max(end - size, 0) - 1, -1)
        forward = np.zeros((len(steps), d, d))
        for layer, cell in enumerate(cells):
            columns = {part: state[:, steps] for part, state in layer_states[layer].items()}
            to_state, to_input = cell.derivatives(sequences[layer][:, steps], states=columns)
            below = None
            if layer:  # ∂h^(l−1)'/∂(every layer under l), by part: the new output below
                below = [forward[:, rows(layer - 1, 0), rows(0, q).start : rows(layer, q).start]
                         for q in range(parts)]  # fmt: skip
                from_below = to_input[:, :, own]
            for p in range(parts):
                for q in range(parts):
                    forward[:, rows(layer, p), rows(layer, q)] = to_state[
                        :, p * n : (p + 1) * n, q * n : (q + 1) * n
                    ]
                    if below is not None:
                        cross = rows(0, q).start, rows(layer, q).start
                        forward[:, rows(layer, p), slice(*cross)] = (
                            from_below[:, p * n : (p + 1) * n] @ below[q]
                        )
        yield forward.transpose(0, 2, 1)


def from_pytorch(architecture, *, arrays, activation="tanh") -> Network:
    """The network of PyTorch's arrays (every layer and direction; names as in weight_arrays)."""
    if architecture not in CELLS:
        msg = f"unknown architecture {architecture!r}; allowed: {', '.join(ARCHITECTURES)}"
        raise ValueError(msg)
    layers, bidirectional = weight_arrays.structure(arrays)
    if not layers:
        expected = ", ".join(weight_arrays.LAYER_NAMES)
        msg = f"no layer arrays among {sorted(arrays)}; expected {expected}"
        raise ValueError(msg)
    cells = []
    for layer in range(layers):
        cells.append(
            tuple(
                layer_cell(architecture,
                      weight_arrays.layer_arrays(arrays, layer=layer, reverse=reverse), activation)
                for reverse in ((False, True) if bidirectional else (False,))
            )
        )  # fmt: skip
    return Network(cells=tuple(cells))


def vanilla(*, w_hh, w_hx, b_h, activation) -> Network:
    """The notebook's network: one vanilla layer with W_hh, W_hx and b_h as given."""
    return Network(cells=((Vanilla(w_hh=w_hh, w_hx=w_hx, b_h=b_h, activation=activation),),))


def measure(network, *, x, states, metric, count=0) -> dict:
    """log10 metric(P_k) of every view and the top `count` Lyapunov exponents, per direction.

    Both come from one pass over the direction's factors. Each direction ("", "_reverse") has
    "whole", "h" (the h-to-h block; the whole for GRU and vanilla), "lyapunov_exponents" and,
    unless the network is plain, "layers" (L, t) and "top_to_bottom".
    """
    views = network.views()
    # A view that is another view's block (one layer: its layer and top-to-bottom are h) is
    # measured once.
    unique = {}
    for name, view in views.items():
        key = None if view is None else (view[0].indices(10**9), view[1].indices(10**9))
        unique.setdefault(key, name)
    measured = {}
    for suffix in network.directions:
        stream = network.factors(x, states=states, direction=suffix)
        spectrum = Spectrum(count=count) if count else None
        if spectrum is not None:
            stream = _feeding(stream, spectrum)
        sequence_length = np.shape(x)[1]
        log10 = chain_log10_metrics(
            stream,
            sequence_length=sequence_length,
            metric=metric,
            views={name: views[name] for name in unique.values()},
        )
        if spectrum is not None:
            for _ in stream:  # the chain stops where P_k is exactly zero; the spectrum goes on
                pass
        for name, view in views.items():
            key = None if view is None else (view[0].indices(10**9), view[1].indices(10**9))
            log10[name] = log10[unique[key]]
        result = {"whole": log10["whole"], "h": log10.get("h", log10["whole"])}
        if not network.plain:
            result["layers"] = np.stack([log10[f"layer{j}"] for j in range(network.layers)])
            result["top_to_bottom"] = log10["top_to_bottom"]
        result["lyapunov_exponents"] = (
            spectrum.exponents(sequence_length=sequence_length)
            if spectrum is not None
            else np.zeros(0)
        )
        measured[suffix] = result
    return measured


def _feeding(stream, spectrum) -> Iterator[np.ndarray]:
    """The stream's blocks, each also added to the spectrum on its way to the chain."""
    for block in stream:
        spectrum.add(block)
        yield block
