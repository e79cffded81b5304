"""A word's crop as grey levels, with the levels of its ink and of its paper."""

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from PIL import Image

# Ink and paper closer than this (grey levels) is an empty box: no mark can be read from it.
MIN_CONTRAST = 40


class Levels(NamedTuple):
    pixels: NDArray[np.float32]  # rows by columns, 0 black to 255 white
    ink: float  # the 2nd percentile: the darkest the crop's ink is
    paper: float  # the 98th percentile


def levels(crop: Image.Image) -> Levels | None:
    """The crop's grey levels, or None for an empty crop or one with too little contrast."""
    pixels = np.asarray(crop.convert("L"), dtype=np.float32)
    if pixels.size == 0:
        return None
    ink, paper = float(np.percentile(pixels, 2)), float(np.percentile(pixels, 98))
    if paper - ink < MIN_CONTRAST:
        return None
    return Levels(pixels, ink, paper)
