"""Documents in GraphQL: listing, node, links, and the upload / read / status mutations."""

from typing import Any

from models import Document
from tests.conftest import World, gql
from tests.files import pdf_bytes
from tests.patient_fixtures import add_referral, create_patient, document_count, get_row

DOCUMENTS = """
query ($orgId: ID, $referralId: ID, $patientId: ID, $first: Int!, $after: String) {
  documents(orgId: $orgId, referralId: $referralId, patientId: $patientId,
            first: $first, after: $after) {
    nodes { id fileName status uploadComplete referral { id } patient { id lastName } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

NODE = """
query ($id: ID!) { node(id: $id) { id ... on Document { fileName patientId } } }
"""

ATTACH = """
mutation ($input: AttachDocumentInput!) {
  attachDocument(input: $input) {
    __typename
    ... on AttachDocumentSuccess {
      document { id referralId patientId status uploadComplete documentType }
      upload { url method headers expiresAt }
    }
    ... on MutationError { code field message }
  }
}
"""

SIGN = """
mutation ($documentId: ID!) {
  signDocumentRead(documentId: $documentId) {
    __typename
    ... on SignDocumentReadSuccess { url expiresAt }
    ... on MutationError { code message }
  }
}
"""

STATUS = """
mutation ($documentId: ID!, $status: DocumentStatus!, $error: String) {
  updateDocumentStatus(documentId: $documentId, status: $status, error: $error) {
    __typename
    ... on UpdateDocumentStatusSuccess { document { id status error } }
    ... on MutationError { code field }
  }
}
"""


async def _attach(client: Any, **input: Any) -> dict[str, Any]:
    body = await gql(
        client,
        ATTACH,
        input={"fileName": "scan.pdf", "contentType": "application/pdf", **input},
    )
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["attachDocument"]
    return result


async def test_attach_upload_sign_and_download_the_same_bytes(app: Any, world: World) -> None:
    patient = await create_patient(world.a.coordinator.client)
    referral_id = await add_referral(app, world.a.id, patient_id=patient["id"])
    attached = await _attach(
        world.a.coordinator.client,
        referralId=referral_id,
        patientId=patient["id"],
        documentType="IMAGING",
    )
    assert attached["__typename"] == "AttachDocumentSuccess", attached
    document, upload = attached["document"], attached["upload"]
    assert (document["status"], document["uploadComplete"], document["documentType"]) == (
        "UPLOADED",
        False,
        "IMAGING",
    )
    assert upload["method"] == "PUT"

    early = await gql(world.a.viewer.client, SIGN, documentId=document["id"])
    assert early["data"]["signDocumentRead"]["code"] == "conflict"

    data = pdf_bytes()
    put = await world.anon.put(upload["url"], content=data, headers=upload["headers"])
    assert put.status_code == 200, put.text
    signed = await gql(world.a.viewer.client, SIGN, documentId=document["id"])
    result = signed["data"]["signDocumentRead"]
    assert result["__typename"] == "SignDocumentReadSuccess", result
    download = await world.anon.get(result["url"])
    assert download.status_code == 200 and download.content == data
    tampered = await world.anon.get(result["url"].replace("sig=", "sig=0"))
    assert tampered.status_code == 403

    foreign = await gql(world.b.admin.client, SIGN, documentId=document["id"])
    assert foreign["data"]["signDocumentRead"]["code"] == "not_found"


async def test_attach_refusals_are_data_and_create_nothing(app: Any, world: World) -> None:
    referral_id = await add_referral(app, world.a.id)
    their_referral = await add_referral(app, world.b.id)
    before = await document_count(app, world.a.id)
    viewer = await _attach(world.a.viewer.client, referralId=referral_id)
    assert viewer["code"] == "forbidden"
    foreign = await _attach(world.a.admin.client, referralId=their_referral)
    assert foreign["code"] == "not_found"
    neither = await _attach(world.a.coordinator.client)
    assert (neither["code"], neither["field"]) == ("validation_failed", "referralId")
    html = await _attach(
        world.a.coordinator.client, referralId=referral_id, contentType="text/html"
    )
    assert html["code"] == "unsupported_media_type"
    assert await document_count(app, world.a.id) == before
    assert await document_count(app, world.b.id) == 0


async def test_documents_query_node_and_links(app: Any, world: World) -> None:
    patient = await create_patient(world.a.coordinator.client, lastName="Linked")
    referral_id = await add_referral(app, world.a.id)
    first = await _attach(world.a.coordinator.client, referralId=referral_id)
    second = await _attach(
        world.a.coordinator.client, referralId=referral_id, patientId=patient["id"]
    )
    body = await gql(world.a.viewer.client, DOCUMENTS, referralId=referral_id, first=1)
    assert "errors" not in body, body
    page = body["data"]["documents"]
    node = page["nodes"][0]
    assert node["id"] == second["document"]["id"]
    assert node["referral"] == {"id": referral_id}
    assert node["patient"] == {"id": patient["id"], "lastName": "Linked"}
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await gql(
        world.a.viewer.client,
        DOCUMENTS,
        referralId=referral_id,
        first=1,
        after=page["pageInfo"]["endCursor"],
    )
    assert rest["data"]["documents"]["nodes"][0]["id"] == first["document"]["id"]
    assert rest["data"]["documents"]["nodes"][0]["patient"] is None

    by_node = await gql(world.a.key_client, NODE, id=first["document"]["id"])
    assert by_node["data"]["node"] == {
        "id": first["document"]["id"],
        "fileName": "scan.pdf",
        "patientId": None,
    }
    assert (await gql(world.b.admin.client, NODE, id=first["document"]["id"]))["data"][
        "node"
    ] is None
    foreign = await gql(world.b.admin.client, DOCUMENTS, referralId=referral_id, first=5)
    assert foreign["data"]["documents"] is None
    # Documents of nothing: null, as for a missing referral (not a top-level error).
    neither = await gql(world.a.viewer.client, DOCUMENTS, first=5)
    assert neither == {"data": {"documents": None}}
    assert (await gql(world.anon, DOCUMENTS, first=5))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"


async def test_update_document_status(app: Any, world: World) -> None:
    referral_id = await add_referral(app, world.a.id)
    stored = await world.a.coordinator.client.post(
        "/api/referral-documents",
        files={"file": ("fax.pdf", pdf_bytes(), "application/pdf")},
        data={"referralId": referral_id},
    )
    doc_id = stored.json()["id"]
    failed = await gql(
        world.a.coordinator.client, STATUS, documentId=doc_id, status="FAILED", error="bad scan"
    )
    assert failed["data"]["updateDocumentStatus"]["document"] == {
        "id": doc_id,
        "status": "FAILED",
        "error": "bad scan",
    }
    back = await gql(world.a.coordinator.client, STATUS, documentId=doc_id, status="UPLOADED")
    assert back["data"]["updateDocumentStatus"] == {
        "__typename": "MutationError",
        "code": "conflict",
        "field": "status",
    }
    viewer = await gql(world.a.viewer.client, STATUS, documentId=doc_id, status="PROCESSING")
    assert viewer["data"]["updateDocumentStatus"]["code"] == "forbidden"
    unknown = await gql(world.a.coordinator.client, STATUS, documentId=doc_id, status="done")
    assert "errors" in unknown
    row = await get_row(app, Document, doc_id)
    assert (row.status, row.error) == ("failed", "bad scan")
