"""Figures: one module per family of figures, all drawn in one style (rnngrad.figures.style)."""
