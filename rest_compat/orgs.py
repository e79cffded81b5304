"""/api/orgs/:id/config."""

from typing import Any

from pydantic import create_model
from starlette.requests import Request

from models import Org
from resolvers import orgs
from resolvers.context import Context
from resolvers.org_config import OrgConfig
from rest_compat.http import ApiRouter
from rest_compat.schemas import Body, Out

router = ApiRouter(tag="Organization Config")

# Every config field, all optional: the PATCH body. The merged whole is validated again.
OrgConfigPatch: type[Body] = create_model(  # type: ignore[call-overload]
    "OrgConfigPatch",
    __base__=Body,
    **{name: (field.annotation | None, None) for name, field in OrgConfig.model_fields.items()},
)


class OrgOut(Out):
    id: str
    name: str
    config: dict[str, Any]

    @classmethod
    def of(cls, org: Org) -> "OrgOut":
        return cls(id=org.id, name=org.name, config=orgs.config_of(org).public())


@router.get("/api/orgs/:id/config", response=OrgOut)
async def get_org_config(request: Request, ctx: Context) -> OrgOut:
    """Read organization configuration settings."""
    return OrgOut.of(await orgs.get(ctx, org_id=request.path_params["id"]))


@router.patch("/api/orgs/:id/config", body=OrgConfigPatch, response=OrgOut)
async def update_org_config(request: Request, ctx: Context, body: Body) -> OrgOut:
    """Update organization configuration settings (admin). Only the fields sent change."""
    changes = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    org = await orgs.update_config(ctx, org_id=request.path_params["id"], changes=changes)
    return OrgOut.of(org)
