"""Referring practices and providers, and the spellings that match them.

A referral names its referrer as it was written on the fax (``case.referrer_candidates``:
``providerName``, ``practiceName``, ``npi``, ``phone``, ``fax``). A coordinator either
matches the case to a known practice/provider (``match_referrer``) or creates them
from what the fax said (``create_referrer``). Either way each spelling becomes an
alias — keyed by ``alias_key`` so "Dr. John Smith, MD" and "john smith" are one — and
``match_candidate`` recognises it on the next referral without anyone's help.

Aliases are unique per (org, kind, key): matching the same spelling to another
practice later moves the alias there (the newer decision wins).

Referrers are bookkeeping, not the patient's care, so a closed case can still be
matched or given a new referrer.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_
from sqlmodel import col, select

from models import (
    AliasKind,
    Case,
    Practice,
    Provider,
    ReferrerAlias,
    utcnow,
)
from models.extraction import ExtractedReferrer
from models.values import (
    strip_titles,
    title_free_words,
)
from resolvers import audit, locks
from resolvers.access import get_scoped, org_for

# UNSET: "not sent", so the value read off the referral is taken.
from resolvers.cases import UNSET, Unset, get_for_change
from resolvers.context import Context
from resolvers.errors import Conflict, ValidationFailed
from resolvers.field_checks import MAX_NAME, Checks
from resolvers.pagination import Page, check_limit, paginate


def alias_key(text: str | None) -> str:
    """The spelling as matched: titles, credentials, case, accents and punctuation ignored.

    ``Dr. John Smith, M.D.``, ``JOHN SMITH MD`` and ``john smith`` share one key.
    """
    return " ".join(title_free_words(text))


# -- aliases and lookups (matching.py reads a referral's candidate with these) ----------------


async def alias_of(ctx: Context, org_id: str, kind: AliasKind, text: Any) -> ReferrerAlias | None:
    key = alias_key(text) if isinstance(text, str) else ""
    if not key:
        return None
    query = select(ReferrerAlias).where(
        ReferrerAlias.org_id == org_id, ReferrerAlias.kind == kind, ReferrerAlias.key == key
    )
    return (await ctx.session.scalars(query)).first()


async def row_in_org(ctx: Context, model: Any, org_id: str, id_: str | None) -> Any:
    row = await ctx.session.get(model, id_) if id_ else None
    return row if row is not None and row.org_id == org_id else None


async def by_npi(ctx: Context, model: Any, org_id: str, npi: str) -> Any:
    query = select(model).where(model.org_id == org_id, model.npi == npi).limit(1)
    return (await ctx.session.scalars(query)).first()


async def remember(
    ctx: Context,
    *,
    org_id: str,
    kind: AliasKind,
    text: str,
    practice_id: str | None,
    provider_id: str | None = None,
) -> ReferrerAlias | None:
    """Record (or move) the alias of a spelling; ``None`` for a spelling with no letters."""
    key = alias_key(text)
    if not key:
        return None
    alias = await alias_of(ctx, org_id, kind, text)
    if alias is None:
        alias = ReferrerAlias(
            org_id=org_id,
            kind=kind,
            key=key[:MAX_NAME],
            text=text.strip()[:MAX_NAME],
            created_by=ctx.actor_id,
        )
    alias.text = text.strip()[:MAX_NAME]
    alias.practice_id = practice_id
    alias.provider_id = provider_id
    ctx.session.add(alias)
    return alias


async def _remember_candidates(
    ctx: Context, case: Case, practice: Practice | None, provider: Provider | None
) -> list[ReferrerAlias]:
    """Each spelling on the case's candidates (and the canonical names) → the chosen rows."""
    spellings: dict[tuple[AliasKind, str], str] = {}
    written: list[tuple[AliasKind, str | None, Practice | Provider | None]] = []
    for candidate in case.referrer_candidates:
        written.append((AliasKind.practice, candidate.practice_name, practice))
        written.append((AliasKind.provider, candidate.provider_name, provider))
    written.append((AliasKind.practice, practice.name if practice else None, practice))
    written.append((AliasKind.provider, provider.name if provider else None, provider))
    for kind, name, row in written:
        if row is not None and name and alias_key(name):
            spellings.setdefault((kind, alias_key(name)), name)
    aliases = []
    for (kind, _key), text in spellings.items():
        alias = await remember(
            ctx,
            org_id=case.org_id,
            kind=kind,
            text=text,
            practice_id=practice.id if kind == AliasKind.practice and practice else None,
            provider_id=provider.id if kind == AliasKind.provider and provider else None,
        )
        if alias is not None:
            aliases.append(alias)
    return aliases


# -- linking a case to its referrer ---------------------------------------------------------------


@dataclass(frozen=True)
class ReferrerLink:
    case: Case
    practice: Practice | None
    provider: Provider | None
    aliases: list[ReferrerAlias] = field(default_factory=list)
    created: list[str] = field(default_factory=list)


def _link(ctx: Context, case: Case, practice: Practice | None, provider: Provider | None) -> None:
    if practice is not None:
        case.practice_id = practice.id
    if provider is not None:
        case.provider_id = provider.id
    case.updated_at = utcnow()
    ctx.session.add(case)


async def match_referrer(
    ctx: Context, *, case_id: str, practice_id: str | None, provider_id: str | None
) -> ReferrerLink:
    """Link the case to a known practice and/or provider and remember its spellings.

    A provider given alone brings its practice along, if it has one.
    """
    case = await get_for_change(ctx, case_id=case_id)
    if not practice_id and not provider_id:
        raise ValidationFailed("send practiceId, providerId or both", field="practiceId")
    problems = []
    practice = await row_in_org(ctx, Practice, case.org_id, practice_id)
    if practice_id and practice is None:
        problems.append({"field": "practiceId", "message": f"no practice {practice_id} here"})
    provider = await row_in_org(ctx, Provider, case.org_id, provider_id)
    if provider_id and provider is None:
        problems.append({"field": "providerId", "message": f"no provider {provider_id} here"})
    if problems:
        raise ValidationFailed(problems[0]["message"], details=problems)
    if practice is None and provider is not None:
        practice = await row_in_org(ctx, Practice, case.org_id, provider.practice_id)
    _link(ctx, case, practice, provider)
    aliases = await _remember_candidates(ctx, case, practice, provider)
    _audit_link(ctx, case, practice, provider, created=[], aliases=aliases)
    return ReferrerLink(case=case, practice=practice, provider=provider, aliases=aliases)


@dataclass(frozen=True)
class NewPractice:
    """What a coordinator sends; a field left ``UNSET`` comes from the case's candidate."""

    name: str | None | Unset = UNSET
    npi: str | None | Unset = UNSET
    phone: str | None | Unset = UNSET
    fax: str | None | Unset = UNSET
    address: dict[str, Any] | None | Unset = UNSET


@dataclass(frozen=True)
class NewProvider:
    name: str | None | Unset = UNSET
    npi: str | None | Unset = UNSET
    phone: str | None | Unset = UNSET
    fax: str | None | Unset = UNSET
    # An existing practice of the org; by default the one created alongside, or the case's.
    practice_id: str | None | Unset = UNSET


def _candidate_with(case: Case, name_field: str) -> ExtractedReferrer:
    for candidate in case.referrer_candidates:
        if getattr(candidate, name_field):
            return candidate
    return ExtractedReferrer()
    return {}


def _pick(given: Any, default: Any) -> Any:
    return default if given is UNSET else given


def _new_practice(org_id: str, case: Case, given: NewPractice, checks: Checks) -> Practice:
    candidate = _candidate_with(case, "practice_name")
    # The NPI on a referral is the provider's unless no provider is named.
    default_npi = None if candidate.provider_name else candidate.npi
    return Practice(
        org_id=org_id,
        name=checks.name("practice.name", _pick(given.name, candidate.practice_name)),
        npi=checks.npi("practice.npi", _pick(given.npi, default_npi)),
        phone=checks.phone("practice.phone", _pick(given.phone, candidate.phone)),
        fax=checks.phone("practice.fax", _pick(given.fax, candidate.fax)),
        address=checks.address("practice.address", _pick(given.address, None)),
        updated_at=utcnow(),
    )


def _new_provider(org_id: str, case: Case, given: NewProvider, checks: Checks) -> Provider:
    candidate = _candidate_with(case, "provider_name")
    return Provider(
        org_id=org_id,
        name=checks.name("provider.name", _pick(given.name, strip_titles(candidate.provider_name))),
        npi=checks.npi("provider.npi", _pick(given.npi, candidate.npi)),
        phone=checks.phone("provider.phone", _pick(given.phone, None)),
        fax=checks.phone("provider.fax", _pick(given.fax, None)),
        updated_at=utcnow(),
    )


async def create_referrer(
    ctx: Context,
    *,
    case_id: str,
    practice: NewPractice | None = None,
    provider: NewProvider | None = None,
) -> ReferrerLink:
    """Create the practice and/or provider the case's referral named, link them, learn aliases.

    With neither given, each is created that the case's candidates name. Values
    not sent default to the candidate's; an NPI must pass its check digit and
    phones must read as phone numbers (422 naming the field). An NPI the org
    already has answers 409: match the case to that row instead.
    """
    case = await get_for_change(ctx, case_id=case_id)
    org_id = case.org_id
    if practice is None and provider is None:
        if _candidate_with(case, "practice_name").practice_name:
            practice = NewPractice()
        if _candidate_with(case, "provider_name").provider_name:
            provider = NewProvider()
        if practice is None and provider is None:
            raise ValidationFailed(
                "the case has no referrer candidate to create from; send practice or provider",
                field="practice",
            )
    checks = Checks()
    new_practice = _new_practice(org_id, case, practice, checks) if practice else None
    new_provider = _new_provider(org_id, case, provider, checks) if provider else None
    existing_practice = None
    if provider is not None and provider.practice_id not in (UNSET, None):
        existing_practice = await row_in_org(ctx, Practice, org_id, provider.practice_id)
        if existing_practice is None:
            checks.wrong("provider.practiceId", f"no practice {provider.practice_id} here")
    checks.raise_if_any()
    await _refuse_known_npi(ctx, org_id, new_practice, new_provider)
    created = []
    if new_practice is not None:
        ctx.session.add(new_practice)
        created.append(new_practice.id)
        _audit_created(ctx, "practice", new_practice.id, org_id, case.id)
    if new_provider is not None:
        if existing_practice is not None:
            new_provider.practice_id = existing_practice.id
        elif provider is not None and provider.practice_id is UNSET:
            new_provider.practice_id = new_practice.id if new_practice else case.practice_id
        ctx.session.add(new_provider)
        created.append(new_provider.id)
        _audit_created(ctx, "provider", new_provider.id, org_id, case.id)
    linked_practice = new_practice or existing_practice
    if linked_practice is None and new_provider is not None and new_provider.practice_id:
        linked_practice = await row_in_org(ctx, Practice, org_id, new_provider.practice_id)
    _link(ctx, case, linked_practice, new_provider)
    aliases = await _remember_candidates(ctx, case, linked_practice, new_provider)
    _audit_link(ctx, case, linked_practice, new_provider, created=created, aliases=aliases)
    return ReferrerLink(
        case=case,
        practice=linked_practice,
        provider=new_provider,
        aliases=aliases,
        created=created,
    )


async def _refuse_known_npi(
    ctx: Context, org_id: str, practice: Practice | None, provider: Provider | None
) -> None:
    for kind, model, row in (("practice", Practice, practice), ("provider", Provider, provider)):
        if row is None or not row.npi:
            continue
        await locks.hold(ctx, "npi", org_id, kind, row.npi)
        known = await by_npi(ctx, model, org_id, row.npi)
        if known is not None:
            raise Conflict(
                f"{kind} {known.id} ({known.name}) already has NPI {row.npi}; "
                "match the case to it with match-referrer",
                field=f"{kind}.npi",
                details={"existingId": known.id},
            )


def _audit_created(ctx: Context, kind: str, id_: str, org_id: str, case_id: str) -> None:
    audit.record(
        ctx,
        f"{kind}.create",
        org_id=org_id,
        resource_type=kind,
        resource_id=id_,
        details={"caseId": case_id},
    )


def _audit_link(
    ctx: Context,
    case: Case,
    practice: Practice | None,
    provider: Provider | None,
    *,
    created: list[str],
    aliases: list[ReferrerAlias],
) -> None:
    audit.record(
        ctx,
        "case.referrer_link",
        org_id=case.org_id,
        resource_type="case",
        resource_id=case.id,
        details={
            "practiceId": practice.id if practice else None,
            "providerId": provider.id if provider else None,
            "created": created,
            "aliases": sorted(a.key for a in aliases),
        },
    )


# -- lists for the dashboard -----------------------------------------------------------------------


def _search(model: Any, kind: AliasKind, target: Any, org_id: str, q: str | None) -> Any:
    """Name contains ``q`` (any case), the NPI is ``q``, or an alias of it contains ``q``."""
    query = select(model).where(model.org_id == org_id)
    text = (q or "").strip()
    if not text:
        return query
    key = alias_key(text) or text.lower()
    aliased = select(target).where(
        ReferrerAlias.org_id == org_id,
        ReferrerAlias.kind == kind,
        col(ReferrerAlias.key).contains(key, autoescape=True),
    )
    # Text longer than a column's values cannot be inside one (and SQLite refuses a LIKE
    # pattern over 50,000 bytes as "too complex"): only the conditions that can hold.
    conditions = [model.npi == text]
    if len(text) <= _longest(model.name):
        conditions.append(col(model.name).icontains(text, autoescape=True))
    if len(key) <= _longest(ReferrerAlias.key):
        conditions.append(col(model.id).in_(aliased))
    return query.where(or_(*conditions))


def _longest(column: Any) -> int:
    """The most characters a value of a ``String(n)`` column has."""
    return int(column.type.length)


async def list_practices(
    ctx: Context,
    *,
    org_id: str | None,
    q: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Practice]:
    org = org_for(ctx, org_id)
    query = _search(Practice, AliasKind.practice, ReferrerAlias.practice_id, org, q)
    page: Page[Practice] = await paginate(
        ctx.session, query, Practice, cursor=cursor, limit=check_limit(limit)
    )
    return page


async def list_providers(
    ctx: Context,
    *,
    org_id: str | None,
    q: str | None = None,
    practice_id: str | None = None,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[Provider]:
    org = org_for(ctx, org_id)
    query = _search(Provider, AliasKind.provider, ReferrerAlias.provider_id, org, q)
    if practice_id:
        query = query.where(Provider.practice_id == practice_id)
    page: Page[Provider] = await paginate(
        ctx.session, query, Provider, cursor=cursor, limit=check_limit(limit)
    )
    return page


async def providers_of_practice(ctx: Context, *, practice_id: str) -> list[Provider]:
    practice = await get_scoped(ctx, Practice, practice_id, resource="practice")
    query = (
        select(Provider)
        .where(Provider.org_id == practice.org_id, Provider.practice_id == practice.id)
        .order_by(col(Provider.name), col(Provider.id))
    )
    return list((await ctx.session.scalars(query)).all())
