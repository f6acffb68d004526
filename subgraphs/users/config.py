"""Settings of the users subgraph (environment prefix `GOCART_USERS_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from subgraphs.common.settings import SubgraphSettings


class UsersSettings(SubgraphSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOCART_USERS_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    port: int = 4002
    jwt_private_key: SecretStr | None = Field(default=None, description="Ed25519 private key (PEM, PKCS#8).")
    jwt_private_key_file: Path | None = Field(default=None, description="A file holding that key.")
    jwt_key_id: str | None = Field(
        default=None, description="Its `kid`; derived from the key when unset (a fixed one never reloads)."
    )
    jwt_published_jwks: str | None = Field(
        default=None, description="Public keys published beside it (JWKS): the previous and the next."
    )
    jwt_published_jwks_file: Path | None = Field(default=None, description="A file holding that JWKS.")
    jwt_key_reload_seconds: float = Field(
        default=10, ge=0, description="How often key files are looked at for a rotation; 0 never."
    )
    access_token_ttl_seconds: int = Field(default=900, ge=30)
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=60)
    password_time_cost: int = Field(default=2, ge=1, description="Argon2id iterations (OWASP: 2).")
    password_memory_kib: int = Field(default=19456, ge=8, description="Argon2id memory (OWASP: 19 MiB).")
    login_failures_before_delay: int = Field(
        default=5, ge=1, description="Failed sign-ins on one account from one address answered at once."
    )
    login_first_delay_seconds: float = Field(
        default=1.0, gt=0, description="The wait after the next failure; it doubles with each further one."
    )
    login_max_delay_seconds: float = Field(default=900.0, gt=0, description="The longest such wait.")
    login_max_failures_per_address: int = Field(
        default=50, ge=1, description="Failed sign-ins from one address per window, whatever the accounts."
    )
    login_failure_window_seconds: int = Field(
        default=900, ge=1, description="The address window; how long a pair's failures outlive its wait."
    )
    login_redis_retry_seconds: float = Field(
        default=5.0, ge=0, description="While Redis is unreachable, how often a sign-in asks it again."
    )
    revocation_sync_interval_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often the revoked-session set in Redis is checked (and rebuilt when Redis came "
        "back empty or a write failed).",
    )
    revocation_full_rebuild_seconds: float = Field(
        default=300.0, gt=0, description="The set is rebuilt from PostgreSQL at least this often anyway."
    )
    bootstrap_admin_email: str | None = Field(
        default=None, description="An admin created on start-up if missing."
    )
    bootstrap_admin_password: SecretStr | None = None
