"""A short account of the protections in force, for the dev banner and the router's startup log, so
whoever starts the router sees which limits are on without reading its configuration."""

from __future__ import annotations

from router.config import RouterSettings


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


def describe_protections(settings: RouterSettings) -> list[str]:
    """One line per kind of protection, each saying what is on (or that it is off)."""
    limits = settings.limits
    shape = ", ".join(
        f"{name} {value}"
        for name, value in (
            ("depth", limits.max_depth),
            ("aliases", limits.max_aliases),
            ("root fields", limits.max_root_fields),
        )
        if value is not None
    )
    lines = [
        f"limits     {shape}; {limits.max_tokens} tokens, {limits.max_operation_characters} characters; "
        f"body {_megabytes(limits.max_request_bytes)}; batches of {limits.max_batch_size}",
    ]
    demand = settings.demand_control
    lines.append(
        f"cost       at most {demand.max_cost_anonymous} anonymous, {demand.max_cost_authenticated} signed in"
        if demand.enabled
        else "cost       not checked"
    )
    rate = settings.rate_limit
    if rate.enabled:
        where = "in Redis, shared by replicas" if settings.redis_url else "in-process, per replica"
        lines.append(
            f"rate       {rate.per_address_per_second:g}/s per address (burst {rate.per_address_burst}), "
            f"{rate.per_subject_per_second:g}/s per user (burst {rate.per_subject_burst}), {where}"
        )
    else:
        lines.append("rate       unlimited")
    origins = list(settings.cors.allow_origins) + (
        [settings.cors.allow_origin_regex] if settings.cors.allow_origin_regex else []
    )
    lines.append(
        f"browsers   CSRF prevention {'on' if settings.csrf.enabled else 'OFF'}; "
        f"CORS origins: {', '.join(origins) if origins else 'none'}"
    )
    return lines
