"""Settings of the users subgraph (environment prefix `GOCART_USERS_`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from subgraphs.common.settings import SubgraphSettings


class UsersSettings(SubgraphSettings):
    model_config = SettingsConfigDict(env_prefix="GOCART_USERS_", extra="ignore", frozen=True)

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
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_address: int = Field(default=50, ge=1)
    login_failure_window_seconds: int = Field(default=900, ge=1)
    bootstrap_admin_email: str | None = Field(
        default=None, description="An admin created on start-up if missing."
    )
    bootstrap_admin_password: SecretStr | None = None
