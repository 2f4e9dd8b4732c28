"""Special functions NumPy lacks, vectorised (no loops over elements): erf and erfc.

erfc is what exact GELU needs, and it must stay accurate where it is tiny, so the tails are
computed directly instead of as 1 - erf.

Example:

>>> import numpy as np
>>> round(float(erf(np.array(0.5))), 12)
0.520499877813
"""

import math

from glassnet.backend import xp

_SERIES_LIMIT = 2.5  # below: series; above: continued fraction (both accurate to ~1e-15 there)
_SERIES_TERMS = 48
_FRACTION_TERMS = 64


def _float_array(x):
    # integer input is computed in float64: the series and fraction work in place on copies of x
    x = xp.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(xp.float64)


def _erf_series(x):
    # erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n (2x^2)^n x / (1*3*...*(2n+1)); every term positive
    term = x.copy()
    total = x.copy()
    two_x2 = 2 * x * x
    for n in range(1, _SERIES_TERMS):
        term *= two_x2 / (2 * n + 1)
        total += term
    return (2 / math.sqrt(math.pi)) * xp.exp(-x * x) * total


def _erfc_fraction(x):
    # erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + (2/2)/(x + (3/2)/(x + ...)))), for x > 0
    tail = x.copy()
    for k in range(_FRACTION_TERMS, 0, -1):
        tail = x + (k / 2) / tail
    return xp.exp(-x * x) / (math.sqrt(math.pi) * tail)


def erfc(x):
    """Complementary error function 1 - erf(x), elementwise, on an array.

    Accurate in the tails too, where 1 - erf(x) would lose every digit.

    Args:
        x: an array (integers are computed in float64).

    Returns:
        An array of x's shape, float dtype.

    Example:

    >>> import numpy as np
    >>> from scipy import special
    >>> x = np.array([-3.0, 0.0, 6.0])
    >>> bool(np.allclose(erfc(x), special.erfc(x), rtol=1e-13, atol=0))
    True
    >>> erfc(np.array([0])).tolist()
    [1.0]
    """
    x = _float_array(x)
    out = xp.empty_like(x)
    small = xp.abs(x) < _SERIES_LIMIT
    right = x >= _SERIES_LIMIT
    left = x <= -_SERIES_LIMIT
    out[small] = 1 - _erf_series(x[small])
    out[right] = _erfc_fraction(x[right])
    out[left] = 2 - _erfc_fraction(-x[left])
    return out


def erf(x):
    """Error function, elementwise, on an array.

    Args:
        x: an array (integers are computed in float64).

    Returns:
        An array of x's shape, float dtype.

    Example:

    >>> import numpy as np
    >>> erf(np.array([0, 1])).round(12).tolist()
    [0.0, 0.84270079295]
    """
    x = _float_array(x)
    out = xp.empty_like(x)
    small = xp.abs(x) < _SERIES_LIMIT
    out[small] = _erf_series(x[small])
    large = ~small
    out[large] = xp.sign(x[large]) * (1 - _erfc_fraction(xp.abs(x[large])))
    return out
