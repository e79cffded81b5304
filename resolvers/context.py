"""What every resolver receives: who is asking, for which org, through which session."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from models import Role, User

if TYPE_CHECKING:
    from app.settings import Settings
    from app.storage import Storage


class KeyIdentity(Protocol):
    """An API key as a principal holds it: read by authentication
    (``api_keys.ActiveKey``), or a ``models.ApiKey`` row."""

    @property
    def id(self) -> str: ...
    @property
    def org_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def prefix(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def last_used_at(self) -> datetime | None: ...
    @property
    def revoked_at(self) -> datetime | None: ...


@dataclass(frozen=True)
class Principal:
    kind: Literal["user", "api_key"]
    user: User | None = None
    api_key: KeyIdentity | None = None
    # org_id → role. An API key has exactly one org, with admin-level data access.
    roles: dict[str, Role] = field(default_factory=dict)
    # Auth method that produced it: local_token, firebase_token, session_cookie, api_key.
    method: str = ""

    @property
    def actor_id(self) -> str | None:
        if self.user is not None:
            return self.user.id
        return self.api_key.id if self.api_key is not None else None


@dataclass
class Context:
    session: AsyncSession
    settings: "Settings"
    storage: "Storage"
    principal: Principal | None = None
    client_ip: str | None = None
    request_id: str | None = None
    # Set for administrative work from the command line or the worker ("cli", "worker").
    system_actor: str | None = None
    # The org the caller named (``orgId``) where the operation takes no org of its own:
    # a row of any other org is then a 404 (access.check_row), as a missing one is.
    asked_org_id: str | None = None
    # Authentication's audit events (rows of the table): they stand whatever becomes of
    # the operation, so a rollback of a transaction that carried them writes them again.
    auth_events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def actor_type(self) -> str:
        if self.principal:
            return self.principal.kind
        return "system" if self.system_actor else "anonymous"

    @property
    def actor_id(self) -> str | None:
        if self.principal:
            return self.principal.actor_id
        return self.system_actor
