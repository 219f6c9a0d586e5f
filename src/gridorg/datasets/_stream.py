"""A reproducible stream of random numbers for the datasets.

Draws come from the raw 64-bit output of a numpy bit generator (PCG64 for an integer seed)
rather than from ``Generator`` methods, whose algorithms numpy may improve between releases:
the same seed gives the same organisation on every numpy version that keeps PCG64's stream.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class Stream:
    """Integers and uniform floats drawn from one bit generator, in the order asked."""

    __slots__ = ("_bits",)

    def __init__(self, seed: int | np.random.Generator) -> None:
        if isinstance(seed, np.random.Generator):
            self._bits = seed.bit_generator
        else:
            self._bits = np.random.PCG64(seed)

    def _raw(self, size: int) -> npt.NDArray[np.uint64]:
        raw: npt.NDArray[np.uint64] = np.asarray(self._bits.random_raw(size), dtype=np.uint64)
        return raw

    def integers(self, low: int, high: int, size: int) -> IntArray:
        """``size`` integers between ``low`` and ``high``, both included.

        The modulo bias is below ``(high - low + 1) / 2**64``: nothing any test could see.
        """
        span = np.uint64(high - low + 1)
        drawn: IntArray = (self._raw(size) % span).astype(np.int64)
        drawn += low
        return drawn

    def uniform(self, size: int) -> FloatArray:
        """``size`` floats in ``[0, 1)`` with 53 random bits each."""
        floats: FloatArray = (self._raw(size) >> np.uint64(11)).astype(np.float64)
        floats *= 2.0**-53
        return floats
