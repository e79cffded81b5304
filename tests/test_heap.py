"""The collector while serving: start-up's heap frozen, a server's thresholds; undone after."""

import gc
from typing import Any

import pytest

from app import heap
from app.heap import SERVER_THRESHOLDS, settled_heap


async def test_a_serving_app_has_frozen_its_start_up_heap(app: Any) -> None:
    # The session's app is inside its lifespan: the schema, routes and pool are frozen.
    assert gc.get_freeze_count() > 10_000
    assert gc.get_threshold() == SERVER_THRESHOLDS


def test_leaving_restores_the_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_serving", 0)  # as in a process serving no app yet
    monkeypatch.setattr(heap, "_before", ())
    before_threshold, before_frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.set_threshold(700, 10, 10)
    gc.unfreeze()
    try:
        kept = [[i] for i in range(1000)]  # containers alive at the freeze
        with settled_heap():
            assert gc.get_freeze_count() >= len(kept)
            assert gc.get_threshold() == SERVER_THRESHOLDS
        assert gc.get_threshold() == (700, 10, 10)
        assert gc.get_freeze_count() == 0
    finally:
        gc.set_threshold(*before_threshold)
        if before_frozen:
            gc.freeze()


def test_an_app_inside_another_leaves_the_outer_ones_heap_frozen() -> None:
    with settled_heap():
        frozen = gc.get_freeze_count()
        with settled_heap():
            pass
        # Still the outer app's frozen heap (an inner unfreeze would leave 0); a frozen
        # object that dies in between leaves it, so the count may be a few lower.
        assert gc.get_freeze_count() > frozen // 2
        assert gc.get_threshold() == SERVER_THRESHOLDS


def test_apps_that_stop_in_the_order_they_started_restore_the_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(heap, "_serving", 0)
    monkeypatch.setattr(heap, "_before", ())
    before_threshold, before_frozen = gc.get_threshold(), gc.get_freeze_count()
    gc.set_threshold(700, 10, 10)
    try:
        first, second = settled_heap(), settled_heap()
        first.__enter__()
        second.__enter__()
        first.__exit__(None, None, None)  # the first started stops first: not nested
        assert gc.get_threshold() == SERVER_THRESHOLDS
        second.__exit__(None, None, None)
        assert gc.get_threshold() == (700, 10, 10)
        assert gc.get_freeze_count() == 0
    finally:
        gc.set_threshold(*before_threshold)
        if before_frozen:
            gc.freeze()
