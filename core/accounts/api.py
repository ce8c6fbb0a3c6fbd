"""/api/accounts: who am I, and my API tokens."""

from datetime import datetime

from ninja import Field, Schema, Status
from ninja.pagination import paginate

from core.apikit import DatongRouter, ErrorOut, Page, acting_user

from . import selectors, services

router = DatongRouter()


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    language: str
    email: str
    handling_unit_id: int | None
    handling_unit: str | None
    second_factor_verified: bool


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    key: str = Field(..., description="The token itself. Shown this once; only its hash is kept.")


@router.get("/me", permission="accounts.profile", response=MeOut)
def me(request):
    """The signed-in account (by session or token)."""
    return selectors.profile_of(acting_user(request))


@router.get("/tokens", permission="accounts.token", response=list[TokenOut])
@paginate(Page)
def list_tokens(request):
    """My API tokens, newest first (revoked ones included)."""
    return selectors.tokens_for(acting_user(request))


@router.post("/tokens", permission="accounts.token", response={201: TokenCreatedOut, 422: ErrorOut})
def create_token(request, payload: TokenIn):
    """A new token for `Authorization: Bearer <key>`; the key is in this answer only."""
    token, key = services.create_token(name=payload.name, by=acting_user(request))
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "key": key})


@router.post(
    "/tokens/{token_id}/revoke", permission="accounts.token", response={200: TokenOut, 404: ErrorOut}
)
def revoke_token(request, token_id: int):
    """Revoke one of my tokens; it stops working at once."""
    return services.revoke_token(token_id=token_id, by=acting_user(request))
