"""Numbers every experiment and every exponent check shares: tolerances, sweeps and fit ranges.

One place for each, so that the figures, the page's exponent table and the tests measure alike.
"""

from __future__ import annotations

# The widths every exponent check fits a log-log slope over.
FIT_WIDTHS = (64, 2048)

# ‖W‖_* to this relative accuracy, certified by the Krylov method's margined residual bound or, with
# probability 0.999 over its random start, by its Christoffel bound, whichever comes first (the actual
# error at the stop is smaller: 4e-6 to 1.5e-3 measured on Gaussian matrices of size 2048). 1 % is 0.004
# decades, under half a pixel on the figures' log axes (about 0.01 decades a pixel), and at most
# 0.003 of slope over the five octaves every exponent check fits, over ten times below the tightest
# tolerance of a statistical check.
# Each factor of ten tighter costs about ten Krylov steps, which a browser at width 2048 feels (one step
# is two products with 4M entries).
NORM_TOL = 1e-2

# Sweeps run over the powers of two from these widths up to the width the reader picks.
MATRIX_SWEEP_START = 16    # single matrices (sections 2, 4, 6)
NETWORK_SWEEP_START = 32   # trained networks (sections 3, 5–8)

# One unrelated input's |cos| with a fixed direction varies by a factor of ten: average this many.
UNRELATED_INPUTS = 32

# A loss this many times its initial value means the run has left any regime a figure can show
# (activations ~1e5 times their start): its numbers are overflow noise and are reported as None.
DIVERGED = 1e10
