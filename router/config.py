"""Router settings: one validated model, filled (lowest to highest priority) from its defaults, a YAML file
(like Apollo Router's `router.yaml`), the environment (prefix `GOCART_ROUTER_`, nested sections with `__`,
e.g. `GOCART_ROUTER_LIMITS__MAX_DEPTH=10`) and the command line.

Every protection is on by default, so each way of starting the router (`gocart dev`, docker-compose,
`gocart-router`) is safe without configuration. Nothing is read at import time: `load_settings` is called
by the CLI (or a test builds `RouterSettings` directly) and the result passed to `create_app`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    IPvAnyNetwork,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from observability.tracing_settings import TracingSettings
from router.auth import ACCEPTED_ROLES, DEFAULT_MAX_TOKEN_LIFETIME_SECONDS
from router.client_owned_headers import CLIENT_OWNED_HEADERS
from router.errors import RouterError
from router.overrides.syntax import CUSTOM_LABEL


class Section(BaseModel):
    """A settings section: unknown keys are mistakes, reported on start."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LimitsSettings(Section):
    """Operation limits, checked before any subgraph is called (Apollo Router's `limits`)."""

    max_request_bytes: int = Field(
        default=2_000_000, ge=1, description="Largest HTTP request body read; larger answers 413."
    )
    max_operation_characters: int = Field(
        default=100_000, ge=1, description="Longest operation text (the `query` string) accepted."
    )
    max_tokens: int = Field(default=15_000, ge=1, description="Most lexer tokens parsed in one operation.")
    max_depth: int | None = Field(default=15, ge=1, description="Deepest field nesting accepted.")
    max_aliases: int | None = Field(default=30, ge=0, description="Most aliases accepted in one operation.")
    max_root_fields: int | None = Field(default=20, ge=1, description="Most root fields accepted.")
    max_batch_size: int = Field(default=10, ge=1, description="Most operations in one batched request.")


class DemandControlSettings(Section):
    """Estimated cost from `@cost`/`@listSize`; operations over budget are refused before any fetch."""

    enabled: bool = True
    max_cost_anonymous: int = Field(default=5_000, ge=1, description="Budget of a caller without a token.")
    max_cost_authenticated: int = Field(default=20_000, ge=1, description="Budget of a signed-in caller.")
    default_list_size: int = Field(
        default=10,
        ge=0,
        description="Assumed size of a list without `@listSize` or a slicing argument.",
    )


class RateLimitSettings(Section):
    """Token buckets in Redis (shared by every replica), per client address and per token subject."""

    enabled: bool = True
    per_address_burst: int = Field(default=200, ge=1, description="Requests one address may send at once.")
    per_address_per_second: float = Field(default=50.0, gt=0, description="Sustained rate per address.")
    per_subject_burst: int = Field(default=400, ge=1, description="Requests one signed-in subject may burst.")
    per_subject_per_second: float = Field(default=100.0, gt=0, description="Sustained rate per subject.")
    cost_weighted: bool = Field(
        default=False, description="Charge each operation its estimated cost / cost_unit tokens, not 1."
    )
    cost_unit: int = Field(default=100, ge=1, description="Estimated cost worth one token when weighted.")


class CorsSettings(Section):
    """Which browser origins may call the router (preflights answered by the CORS middleware)."""

    allow_origins: tuple[str, ...] = Field(default=(), description="Exact origins, or '*' for any.")
    allow_origin_regex: str | None = Field(default=None, description="Origins matching this regex too.")
    allow_credentials: bool = False
    allow_headers: tuple[str, ...] = (
        "content-type",
        "authorization",
        "apollo-require-preflight",
        "x-apollo-operation-name",
        "x-request-id",
    )
    expose_headers: tuple[str, ...] = ("retry-after", "x-request-id")
    max_age_seconds: int = Field(default=600, ge=0)


class CsrfSettings(Section):
    """Apollo Router's CSRF prevention: a request a browser could send cross-site without a preflight is
    refused unless it carries one of `required_headers`."""

    enabled: bool = True
    required_headers: tuple[str, ...] = ("x-apollo-operation-name", "apollo-require-preflight")


class PersistedQueriesSettings(Section):
    """Automatic persisted queries (Apollo's APQ protocol) and an optional safelist of documents."""

    apq_enabled: bool = True
    apq_ttl_seconds: int = Field(default=86_400, ge=1, description="How long Redis keeps a registration.")
    apq_cache_size: int = Field(default=1024, ge=1, description="Registrations kept in process (LRU).")
    manifest: Path | None = Field(default=None, description="Persisted-documents manifest (Apollo/Guild).")
    safelist_only: bool = Field(
        default=False, description="Only operations in the manifest run (needs `manifest`; APQ off)."
    )

    @model_validator(mode="after")
    def _safelist_needs_manifest(self) -> PersistedQueriesSettings:
        if self.safelist_only and self.manifest is None:
            raise ValueError("safelist_only needs a manifest")
        return self


class BreakerSettings(Section):
    """A circuit breaker per subgraph: open after consecutive failures, one probe after the reset time."""

    enabled: bool = True
    failure_threshold: int = Field(default=5, ge=1)
    reset_seconds: float = Field(default=10.0, gt=0)


class RetrySettings(Section):
    """Retries of failed subgraph queries (never mutations), with jittered exponential backoff."""

    attempts: int = Field(default=1, ge=0, description="Retries after the first try (0: none).")
    backoff_seconds: float = Field(default=0.05, ge=0)
    max_backoff_seconds: float = Field(default=1.0, ge=0)


class TrafficSettings(Section):
    """How the router talks to one subgraph."""

    timeout_seconds: float = Field(default=30.0, gt=0)
    pool_size: int = Field(default=100, ge=1, description="Connections kept to this subgraph.")
    max_representations: int = Field(
        default=100, ge=1, description="Most representations in one `_entities` call; larger batches split."
    )
    breaker: BreakerSettings = BreakerSettings()
    retry: RetrySettings = RetrySettings()


_SectionT = TypeVar("_SectionT", bound=Section)


class TrafficShaping(Section):
    """`all` applies to every subgraph; what `subgraphs.<name>` sets overrides it for one subgraph
    (as in Apollo Router: `subgraphs.products.timeout_seconds` alone keeps the rest of `all`)."""

    all: TrafficSettings = TrafficSettings()
    subgraphs: dict[str, TrafficSettings] = Field(default_factory=dict)

    def for_subgraph(self, name: str) -> TrafficSettings:
        override = self.subgraphs.get(name)
        return self.all if override is None else _overlay(self.all, override)


def _overlay(base: _SectionT, override: _SectionT) -> _SectionT:
    """`base` with the fields `override` was given explicitly (nested sections field by field)."""
    updates: dict[str, Any] = {}
    for name in override.model_fields_set:
        value, under = getattr(override, name), getattr(base, name)
        updates[name] = _overlay(under, value) if isinstance(value, Section) else value
    return base.model_copy(update=updates)


class HotReloadSettings(Section):
    """Watch the supergraph file (and SIGHUP): a new supergraph that parses and plans replaces the old."""

    enabled: bool = True
    poll_seconds: float = Field(default=2.0, gt=0)


_HEADER_NAME = re.compile(r"[a-z0-9!#$%&'*+.^_`|~-]+")


class ProgressiveOverrideSettings(Section):
    """Which progressive `@override` labels are in force. `percent(x)` labels are drawn for each request
    (once per label, true x% of the time); custom labels are off unless enabled here."""

    enabled_labels: tuple[str, ...] = Field(
        default=(), description="Custom labels in force for every request."
    )
    header: str = Field(
        default="x-gocart-override-labels",
        description="Request header naming custom labels to enable (comma-separated), from `header_labels`.",
    )
    header_labels: tuple[str, ...] = Field(
        default=(), description="Custom labels the header may enable; others in it are ignored (none: off)."
    )
    seed: int | None = Field(
        default=None, description="Seed of the percentage draws (reproducible runs); none: OS entropy."
    )

    @model_validator(mode="after")
    def _labels_and_header_are_well_formed(self) -> ProgressiveOverrideSettings:
        for label in (*self.enabled_labels, *self.header_labels):
            if not CUSTOM_LABEL.fullmatch(label) or label.startswith("percent("):
                raise ValueError(
                    f"{label!r} is not a custom label (a letter, then letters, digits or _-:./); "
                    "percent(x) labels are drawn, not enabled"
                )
        if not _HEADER_NAME.fullmatch(self.header):
            raise ValueError(f"header {self.header!r} is not a lowercase HTTP header name")
        return self


class EntityCacheSettings(Section):
    """The entity cache in Redis (docs/router.md, "Entity cache"): `_entities` results and root-field
    query fetches kept for as long as each subgraph's `Cache-Control` allows, private data per caller.
    On by default, where there is a `redis_url`; the subgraphs' writes drop what they change, through
    mutation answers and through `POST /invalidation` (which needs `invalidation_secret`)."""

    enabled: bool = True
    max_ttl_seconds: int = Field(
        default=3_600, ge=1, description="Longest an entry is kept, whatever a subgraph allows."
    )
    invalidation_secret: SecretStr | None = Field(
        default=None,
        description="Bearer secret of POST /invalidation (dropping entities); the endpoint is off without.",
    )


class MetricsSettings(Section):
    """What `/metrics` exports (docs/operations.md, "Metrics")."""

    max_operation_names: int = Field(
        default=100,
        ge=0,
        description="Distinct operation names used as the `operation` label; later names count as `other`.",
    )


class RouterSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOCART_ROUTER_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    supergraph: Path = Field(default=Path("schema/supergraph.graphql"), description="Supergraph SDL file.")
    host: str = "127.0.0.1"
    port: int = 4000
    subgraph_urls: dict[str, str] = Field(
        default_factory=dict, description='Per-subgraph URL overrides, e.g. {"products": "http://..."}.'
    )
    plan_cache_size: int = Field(default=1024, ge=1)
    forward_headers: tuple[str, ...] = Field(
        default=("authorization", "x-request-id"),
        description="Request headers passed on to subgraphs (lowercase names; never connection headers).",
    )

    @field_validator("forward_headers")
    @classmethod
    def _forwardable(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            if not _HEADER_NAME.fullmatch(name):
                raise ValueError(f"forward_headers: {name!r} is not a lowercase HTTP header name")
            if name in CLIENT_OWNED_HEADERS:
                raise ValueError(f"forward_headers: {name!r} frames the request or the connection")
        return names

    expose_query_plan: bool = Field(
        default=False, description="Answer `x-gocart-query-plan: true` requests with the plan in a header."
    )
    graceful_shutdown_seconds: float = Field(default=3.0, ge=0)
    jwt_jwks_url: str | None = Field(
        default=None,
        description="The users subgraph's JWKS: when set, requests with a bad access token are refused here.",
    )
    jwt_issuer: str = "gocart-users"
    jwt_audience: str = "gocart"
    jwt_accepted_roles: tuple[str, ...] = Field(
        default=ACCEPTED_ROLES, min_length=1, description="Roles a token may carry here; others are refused."
    )
    jwt_max_token_lifetime_seconds: int = Field(
        default=DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
        ge=60,
        description="Tokens whose `exp - iat` is longer are refused.",
    )
    redis_url: SecretStr | None = Field(
        default=None, description="Redis shared by every replica (rate limits, APQ); in-process without."
    )
    redis_namespace: str = Field(default="gocart-router", description="Prefix of every Redis key.")
    trusted_proxies: tuple[IPvAnyNetwork, ...] = Field(
        default=(),
        description="Addresses or CIDR networks of proxies whose X-Forwarded-For is believed.",
    )
    trusted_proxy_secret: SecretStr | None = Field(
        default=None,
        description="A request carrying it in x-gocart-proxy-secret is from a trusted proxy (REST layer).",
    )
    subgraph_proxy_secret: SecretStr | None = Field(
        default=None,
        description="Sent to subgraphs in x-gocart-proxy-secret, so that they believe the router's hop.",
    )
    log_level: str = "INFO"
    log_json: bool = Field(default=True, description="JSON lines; console lines for people when false.")
    access_log: bool = Field(
        default=True,
        description="An access line per request (at debug only when off); benchmarks turn it off.",
    )
    metrics: MetricsSettings = MetricsSettings()
    limits: LimitsSettings = LimitsSettings()
    demand_control: DemandControlSettings = DemandControlSettings()
    rate_limit: RateLimitSettings = RateLimitSettings()
    cors: CorsSettings = CorsSettings()
    csrf: CsrfSettings = CsrfSettings()
    persisted_queries: PersistedQueriesSettings = PersistedQueriesSettings()
    traffic_shaping: TrafficShaping = TrafficShaping()
    hot_reload: HotReloadSettings = HotReloadSettings()
    progressive_override: ProgressiveOverrideSettings = ProgressiveOverrideSettings()
    tracing: TracingSettings = TracingSettings()
    entity_cache: EntityCacheSettings = EntityCacheSettings()


class SettingsInvalid(RouterError):
    """The configuration has mistakes; the message has one line per mistake."""


def _one_line(error: Mapping[str, Any]) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "(top level)"
    return f"{where}: {error['msg']}"


CONFIG_ENV = "GOCART_ROUTER_CONFIG"


def config_file_from_environment() -> Path | None:
    """The YAML file `$GOCART_ROUTER_CONFIG` names, if any (the CLI's `--config` wins over it)."""
    value = os.environ.get(CONFIG_ENV)
    return Path(value) if value else None


def load_settings(config_file: Path | None = None, **overrides: Any) -> RouterSettings:
    """Settings from the YAML file (when given), the environment, then `overrides`.

    Raises `SettingsInvalid` with one line per mistake, so the CLI can refuse to start with a clear reason.
    """

    class FromFile(RouterSettings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003  (not used: no .env files)
            file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
            if config_file is not None:
                sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=config_file))
            return tuple(sources)

    if config_file is not None and not config_file.is_file():
        raise SettingsInvalid(f"config file {config_file}: not found")
    try:
        loaded = FromFile(**overrides)
    except ValidationError as error:
        raise SettingsInvalid("\n".join(_one_line(item) for item in error.errors())) from error
    # Only what was given: defaults stay unset, so per-subgraph traffic settings can tell what they override.
    return RouterSettings.model_validate(loaded.model_dump(exclude_unset=True))
