"""OCR and PDF work in a pool of processes, never on the event loop, each call with a time limit.

A page that takes longer than its limit (a pathological PDF, an image built to exhaust
the decoder) has its process killed and replaced by pebble; the other calls go on. A
process that dies under a file (a crash in a parser, the kernel's out-of-memory killer)
is a permanent refusal of that file too: the same bytes would do it again.
"""

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from app.pipeline.types import PipelineError, PipelineTimeout

T = TypeVar("T")
# A process is replaced after this many calls, so no parser's leaks build up.
TASKS_PER_PROCESS = 200


def _context() -> multiprocessing.context.BaseContext:
    """Not fork: the parent runs an event loop and threads. The fork server imports the
    pipeline once (seconds: OCR, the ICD-10 code set), and every pool process starts from it."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["app.pipeline_tasks"])
    return context


def pool_size(configured: int) -> int:
    return configured or os.cpu_count() or 1


class CpuPool:
    """A process pool sized to the cores, started on first use."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPool | None = None
        self._starting = asyncio.Lock()

    async def _started(self) -> ProcessPool:
        """The pool, started in a thread: starting the fork server imports the pipeline,
        seconds the event loop must not wait through."""
        async with self._starting:
            if self._pool is None:
                self._pool = await asyncio.to_thread(self._new_pool)
            return self._pool

    def _new_pool(self) -> ProcessPool:
        return ProcessPool(
            max_workers=self.processes, max_tasks=TASKS_PER_PROCESS, context=_context()
        )

    async def run(
        self, function: Callable[..., T], *args: Any, timeout: float, what: str, **kwargs: Any
    ) -> T:
        """``function(*args, **kwargs)`` in a pool process; ``what`` names it in a refusal."""
        pool = await self._started()
        future = pool.schedule(function, args=args, kwargs=kwargs, timeout=timeout)
        try:
            return await asyncio.wrap_future(future)
        except FutureTimeout:
            raise PipelineTimeout(f"{what} took longer than {timeout:g} s, the limit") from None
        except ProcessExpired as exc:
            raise PipelineError(
                f"{what} stopped the reader (exit code {exc.exitcode}); the file may be damaged"
            ) from None

    async def warm(self) -> None:
        """Start the processes now, so the first page does not wait for them."""
        from app import pipeline_tasks

        for _ in range(self.processes):
            await self.run(pipeline_tasks.ready, timeout=300, what="starting the reader")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.stop()
            self._pool.join(timeout=10)
            self._pool = None
