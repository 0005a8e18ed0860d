"""Tenants, operator API keys and member tokens, and turning a bearer credential into a principal.

Credentials are random and shown once; only their SHA-256 is stored, so the table grants nothing if it
leaks. A token's kind is visible in its prefix, which also makes leaked keys easy to scan for.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from ledger.domain.access import Principal, Role
from ledger.domain.clock import now
from ledger.domain.errors import ErrorCode, LedgerError
from ledger.persistence.models import ApiKey, MemberToken, Tenant
from ledger.services.rewards import check_member_id

API_KEY_PREFIX = "rl_key_"
MEMBER_TOKEN_PREFIX = "rl_mbr_"
DEFAULT_MEMBER_TOKEN_TTL_S = 3600
MAX_MEMBER_TOKEN_TTL_S = 30 * 24 * 3600
MAX_TENANT_NAME_LENGTH = 200


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def credential_digest(credential: str) -> str:
    """What is stored of a credential (and what caches of it are keyed by)."""
    return _digest(credential)


async def create_tenant(name: str) -> Tenant:
    name = name.strip()
    if not name or len(name) > MAX_TENANT_NAME_LENGTH:
        raise LedgerError(ErrorCode.INVALID_INPUT, f"a tenant name has 1-{MAX_TENANT_NAME_LENGTH} characters",
                          field="name")
    return await Tenant.create(name=name)


async def create_api_key(tenant_id: int, role: Role, label: str = "") -> tuple[ApiKey, str]:
    """Returns the stored key and its plaintext, which is never stored or shown again."""
    if role is Role.MEMBER:
        raise LedgerError(ErrorCode.INVALID_INPUT, "API keys are for operators; members get tokens", field="role")
    if not await Tenant.exists(id=tenant_id):
        raise LedgerError(ErrorCode.NOT_FOUND, "no such tenant", field="tenant")
    plaintext = API_KEY_PREFIX + secrets.token_urlsafe(32)
    key = await ApiKey.create(
        tenant_id=tenant_id, role=role.value, key_hash=_digest(plaintext), prefix=plaintext[:12], label=label[:200]
    )
    return key, plaintext


async def issue_member_token(tenant_id: int, member_id: str, ttl_s: int | None = None) -> tuple[str, datetime]:
    check_member_id(member_id)
    ttl_s = DEFAULT_MEMBER_TOKEN_TTL_S if ttl_s is None else ttl_s
    if not 60 <= ttl_s <= MAX_MEMBER_TOKEN_TTL_S:
        raise LedgerError(ErrorCode.INVALID_INPUT, f"ttlSeconds must be 60-{MAX_MEMBER_TOKEN_TTL_S}",
                          field="ttlSeconds")
    plaintext = MEMBER_TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = now() + timedelta(seconds=ttl_s)
    await MemberToken.create(tenant_id=tenant_id, member_id=member_id, token_hash=_digest(plaintext),
                             expires_at=expires_at)
    return plaintext, expires_at


async def authenticate(credential: str) -> Principal | None:
    """The principal a bearer credential stands for, or None when it is unknown, revoked or expired."""
    if credential.startswith(API_KEY_PREFIX):
        key = await ApiKey.get_or_none(key_hash=_digest(credential), revoked_at=None)
        if key is None:
            return None
        return Principal(tenant_id=key.tenant_id, role=Role(key.role), api_key_id=key.id)  # type: ignore[attr-defined]
    if credential.startswith(MEMBER_TOKEN_PREFIX):
        token = await MemberToken.get_or_none(token_hash=_digest(credential))
        if token is None or token.expires_at <= now():
            return None
        return Principal(tenant_id=token.tenant_id, role=Role.MEMBER, member_id=token.member_id)  # type: ignore[attr-defined]
    return None


async def revoke_api_key(tenant_id: int, key_id: int) -> ApiKey:
    key = await ApiKey.get_or_none(id=key_id, tenant_id=tenant_id)
    if key is None:
        raise LedgerError(ErrorCode.NOT_FOUND, "no such API key", field="apiKeyId")
    if key.revoked_at is None:
        key.revoked_at = now()
        await key.save(update_fields=["revoked_at"])
    from ledger.services import credential_cache  # it builds on this module

    credential_cache.forget(key.key_hash)
    return key
