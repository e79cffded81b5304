"""Fixes from the thirteenth holdout's confident misses."""

from app.pipeline.fields.address import split_address


def test_the_secondary_address_starts_at_its_first_unit_designator() -> None:
    parts = split_address("938 Plover Pt Bldg C Apt 7, Omaha, NE 68102")
    assert parts is not None
    assert parts["line1"] == "938 Plover Pt"
    assert parts["line2"] == "Bldg C Apt 7"
