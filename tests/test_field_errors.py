"""A wrong field name answers in the API's words, with the field probably meant."""

from typing import Any

import pytest

from rest_compat.field_errors import fields_at, probably_meant
from rest_compat.patients import CreatePatientBody
from tests.conftest import World, assert_error
from tests.patient_fixtures import patient_count


async def test_an_unknown_field_is_named_with_the_one_probably_meant(
    app: Any, world: World
) -> None:
    before = await patient_count(app, world.a.id)
    response = await world.a.key_client.post(
        "/api/patients",
        json={
            "firstName": "Ann",
            "lastName": "Lee",
            "dateOfBirth": "1970-01-01",
            "address": {"zipCode": "90210"},
            "favouriteColour": "teal",
        },
    )
    error = assert_error(response, 422, "validation_failed")
    by_field = {d["field"]: d["message"] for d in error["details"]}
    assert by_field == {
        "dateOfBirth": "unknown field dateOfBirth (did you mean dob?)",
        "address.zipCode": "unknown field zipCode (did you mean zip?)",
        "favouriteColour": "unknown field favouriteColour",
    }
    assert "Extra inputs" not in response.text and "permitted" not in response.text
    assert error["message"].startswith("invalid body: ") and "unknown field" in error["message"]
    assert await patient_count(app, world.a.id) == before


async def test_a_missing_field_says_required(world: World) -> None:
    missing = await world.a.admin.client.post("/api/api-keys", json={})
    error = assert_error(missing, 422, "validation_failed")
    assert error["details"] == [{"field": "name", "message": "required"}]


@pytest.mark.parametrize(
    ("sent", "meant"),
    [
        ("first_name", "firstName"),
        ("FirstName", "firstName"),
        ("lastname", "lastName"),
        ("date_of_birth", "dob"),
        ("birthDate", "dob"),
        ("phoneNumber", "phone"),
        ("emial", "email"),
        ("organizationId", "orgId"),
        ("colour", None),
    ],
)
def test_the_field_probably_meant(sent: str, meant: str | None) -> None:
    assert probably_meant(sent, fields_at(CreatePatientBody, [])) == meant


def test_fields_are_found_through_nested_and_optional_models() -> None:
    assert "memberId" in fields_at(CreatePatientBody, ["insurance"])
    assert fields_at(CreatePatientBody, ["nothing"]) == []
