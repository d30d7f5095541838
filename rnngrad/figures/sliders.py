"""The report's two sliders, as self-contained HTML: the activation's tangent, and γρ by gain."""

import json

import numpy as np

from rnngrad.figures.activation import ACTIVATION_TITLES, ACTIVATION_YLIM, KINKS
from rnngrad.numerics.activations import get_activation

SLIDER_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Activation and tangent</title>
<style>body{font:16px sans-serif;max-width:44rem;margin:1rem auto}svg{width:100%;height:auto}
.curve{fill:none;stroke:#0072B2;stroke-width:2.5}.tangent{stroke:#E69F00;stroke-width:2;
stroke-dasharray:6 4}.axis{stroke:#999}label{margin-right:1rem}</style></head><body>
<h1>Activation and its tangent</h1>
<p><label>activation <select id="activation"></select></label>
<label>x = <input id="x" type="range" min="0" max="__LAST__" step="1" value="__MIDDLE__">
<output id="where"></output></label></p>
<svg id="plot" viewBox="0 0 600 400" role="img" aria-label="activation and tangent">
<line class="axis" x1="0" x2="600" id="xaxis"/>
<line class="axis" y1="0" y2="400" x1="300" x2="300"/>
<path class="curve" id="curve"/><line class="tangent" id="tangent"/>
<circle r="6" fill="#E69F00" id="point"/></svg>
<p id="gradient" aria-live="polite"></p>
<script>
const data = __DATA__;
const select = document.getElementById("activation"), slider = document.getElementById("x");
for (const name of Object.keys(data.activations)) select.add(new Option(data.titles[name], name));
function draw() {
  const act = data.activations[select.value], [low, high] = act.ylim, x = data.x;
  const sx = v => (v + 6) * 50, sy = v => 400 - (v - low) / (high - low) * 400;
  document.getElementById("curve").setAttribute("d",
    x.map((v, i) => (i ? "L" : "M") + sx(v) + " " + sy(act.f[i])).join(""));
  const axis = document.getElementById("xaxis");
  axis.setAttribute("y1", sy(0)); axis.setAttribute("y2", sy(0));
  const i = Number(slider.value), x0 = x[i], y0 = act.f[i], slope = act.df[i];
  document.getElementById("where").textContent = x0.toFixed(2);
  const point = document.getElementById("point");
  point.setAttribute("cx", sx(x0)); point.setAttribute("cy", sy(y0));
  const tangent = document.getElementById("tangent"), text = document.getElementById("gradient");
  tangent.style.display = slope === null ? "none" : "";
  if (slope === null) {
    text.textContent = "Gradient at " + x0.toFixed(2)
      + ": undefined (a kink: slope 0 on the left, 1 on the right)";
  } else {
    tangent.setAttribute("x1", sx(x0 - 4)); tangent.setAttribute("y1", sy(y0 - 4 * slope));
    tangent.setAttribute("x2", sx(x0 + 4)); tangent.setAttribute("y2", sy(y0 + 4 * slope));
    text.textContent = "Gradient: " + slope.toFixed(4);
  }
}
select.addEventListener("change", draw); slider.addEventListener("input", draw); draw();
</script></body></html>
"""


def tangent_slider_html(*, activations=("sigmoid", "tanh", "relu"), points: int = 241) -> str:
    """A self-contained page: the notebook's tangent slider over precomputed values, no server."""
    if points < 3 or points % 2 == 0:
        msg = f"points is {points}; allowed: an odd number of at least 3 (so 0 is a point)"
        raise ValueError(msg)
    x = np.linspace(-6, 6, points)
    data = {"x": np.round(x, 6).tolist(), "activations": {}, "titles": {}}
    for name in activations:
        act = get_activation(name)
        slope = [None if value in KINKS.get(name, ()) else float(d) for value, d in
                 zip(x, act.derivative(x), strict=True)]  # fmt: skip
        data["activations"][name] = {
            "f": [float(value) for value in act.function(x)],
            "df": slope,
            "ylim": list(ACTIVATION_YLIM[name]),
        }
        data["titles"][name] = ACTIVATION_TITLES[name]
    return (
        SLIDER_TEMPLATE.replace("__DATA__", json.dumps(data))
        .replace("__LAST__", str(points - 1))
        .replace("__MIDDLE__", str(points // 2))
    )


PHASE_SLIDER_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Pick γρ and the eigenvectors</title>
<style>body{font:16px sans-serif;max-width:44rem;margin:1rem auto}svg{width:100%;height:auto}
.measured{fill:none;stroke:#0072B2;stroke-width:2.5}.rule{fill:none;stroke:#000;stroke-width:1.5;
stroke-dasharray:6 4}.axis{stroke:#999}.grid{stroke:#ddd}text{font-size:13px;fill:#333}
label{margin-right:1rem}.key{font-size:14px}</style></head><body>
<h1>Pick γρ and the eigenvectors</h1>
<p id="description"></p>
<p><label>γρ = <input id="factor" type="range" min="0" max="__LAST__" step="1" value="__START__">
<output id="factor-value"></output></label>
<label>eigenvectors <select id="series"></select></label></p>
<svg id="plot" viewBox="0 0 640 400" role="img" aria-label="contribution against steps back">
<g id="grid"></g><path class="rule" id="rule"/><path class="measured" id="curve"/>
<text x="330" y="395" text-anchor="middle">steps back, t − k + 1</text>
<text x="14" y="190" text-anchor="middle" transform="rotate(-90 14 190)">log10 ‖P_k‖₂</text>
</svg>
<p class="key"><span style="color:#0072B2">━━</span> measured ‖P_k‖₂ of the sweep point
<span id="point"></span> &nbsp; <span>╌╌</span> the eigenvalue rule's rate (γρ)^(t−k+1)</p>
<p id="reading" aria-live="polite"></p>
<script>
const data = __DATA__;
const slider = document.getElementById("factor"), select = document.getElementById("series");
for (const name of data.series) select.add(new Option(name, name));
const box = {left: 60, right: 620, top: 10, bottom: 360};  // the plot area in the SVG
function ticks(low, high, count) {
  const raw = (high - low) / count, power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(m => m * power).find(s => s >= raw);
  const out = [];
  for (let v = Math.ceil(low / step) * step; v <= high + 1e-9; v += step) out.push(v);
  return out;
}
const label = v => v.toFixed(Math.abs(v) < 10 && v % 1 ? 1 : 0).replace("-", "−");
function draw() {
  const factor = data.factors[Number(slider.value)];
  const curve = data.curves.find(c => c.series === select.value && c.factor === factor);
  document.getElementById("factor-value").textContent = factor.toFixed(2);
  const t = curve.log10.length, steps = curve.log10.map((_, i) => i + 1);
  const rule = steps.map(s => s * curve.rate);
  const finite = curve.log10.filter(v => v !== null);
  let low = Math.min(...finite), high = Math.max(...finite, 0);
  low = Math.max(Math.min(low, ...rule), low - (high - low + 1));  // the rule, unless it swamps
  const pad = 0.05 * (high - low || 1);
  low -= pad; high += pad;
  const sx = s => box.left + (s - 1) / Math.max(t - 1, 1) * (box.right - box.left);
  const sy = v => box.bottom - (v - low) / (high - low) * (box.bottom - box.top);
  const clip = v => Math.min(Math.max(v, low), high);
  const path = values => values.map((v, i) => v === null ? "" : ((i && values[i - 1] !== null)
    ? "L" : "M") + sx(i + 1).toFixed(1) + " " + sy(clip(v)).toFixed(1)).join("");
  document.getElementById("curve").setAttribute("d", path(curve.log10));
  document.getElementById("rule").setAttribute("d", path(rule));
  const grid = document.getElementById("grid");
  let svg = "";
  for (const v of ticks(low, high, 6)) {
    svg += `<line class="grid" x1="${box.left}" x2="${box.right}" y1="${sy(v)}" y2="${sy(v)}"/>`
      + `<text x="${box.left - 6}" y="${sy(v) + 4}" text-anchor="end">${label(v)}</text>`;
  }
  for (const s of [1, ...ticks(1, t, 5).filter(s => s > 1 + 0.4 * (t / 5))]) {
    svg += `<line class="axis" x1="${sx(s)}" x2="${sx(s)}" y1="${box.bottom}" `
      + `y2="${box.bottom + 5}"/>`
      + `<text x="${sx(s)}" y="${box.bottom + 20}" text-anchor="middle">${s}</text>`;
  }
  svg += `<line class="axis" x1="${box.left}" x2="${box.right}" y1="${box.bottom}" `
    + `y2="${box.bottom}"/>`;
  grid.innerHTML = svg;
  document.getElementById("point").textContent = "(" + curve.point + ")";
  const at = s => curve.log10[Math.min(s, t) - 1];
  const early = Math.min(data.early, t);
  document.getElementById("reading").textContent = "γρ = " + factor.toFixed(2) + ", "
    + select.value + ": " + early + " steps back 10^" + at(early).toFixed(2) + " (the rule: 10^"
    + (early * curve.rate).toFixed(2) + "); " + t + " steps back 10^" + at(t).toFixed(2)
    + " (the rule: 10^" + (t * curve.rate).toFixed(2) + ").";
}
document.getElementById("description").textContent = data.description;
slider.addEventListener("input", draw); select.addEventListener("change", draw); draw();
</script></body></html>
"""


def phase_slider_html(*, curves, description: str, early: int = 20) -> str:
    """A self-contained page: pick γρ and a series, see that sweep point's curve and the rule.

    `curves` is a list of {series, factor (γρ), point, log10 (by steps back, 1 first)}; the
    page embeds them rounded to 4 decimals, and the reading names the values `early` steps back.
    """
    if not curves:
        msg = "curves is empty; expected at least one sweep point"
        raise ValueError(msg)
    drawable = [c for c in curves if np.isfinite(c["factor"]) and c["factor"] > 0]
    if len(drawable) < len(curves):
        # γρ is NaN for LSTM and GRU points (no single W_hh): no place on the slider.
        left_out = len(curves) - len(drawable)
        description += f" ({left_out} of {len(curves)} points have no finite γρ > 0: not shown.)"
    if not drawable:
        msg = "no curve has a finite γρ > 0 (LSTM and GRU points have none); nothing to show"
        raise ValueError(msg)
    curves = drawable
    factors = sorted({round(float(c["factor"]), 6) for c in curves})
    series = sorted({c["series"] for c in curves})
    data = {
        "description": description,
        "factors": factors,
        "series": series,
        "early": early,
        "curves": [
            {
                "series": c["series"],
                "factor": round(float(c["factor"]), 6),
                "rate": round(float(np.log10(c["factor"])), 8),
                "point": c["point"],
                # JSON has no ±∞: a value that cannot be drawn (an exact 0) becomes a gap
                "log10": [round(float(v), 4) if np.isfinite(v) else None for v in c["log10"]],
            }
            for c in curves
        ],
    }
    start = min(range(len(factors)), key=lambda i: abs(factors[i] - 0.9))
    return (
        PHASE_SLIDER_TEMPLATE.replace("__DATA__", json.dumps(data, ensure_ascii=False))
        .replace("__LAST__", str(len(factors) - 1))
        .replace("__START__", str(start))
    )
