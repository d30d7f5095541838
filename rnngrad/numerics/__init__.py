"""Numerics: checkpoints, W_hh from eigenvalues, the course's and the exact contributions, theory.

Arrays in, arrays out; no files but the weight arrays' names (rnngrad.files.weight_arrays).
"""
