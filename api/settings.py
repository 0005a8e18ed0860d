"""Settings from environment variables (and an optional .env file), validated at start."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ledger.persistence.config import DEFAULT_DATABASE_URL
from providers.secret_cipher import SecretsKeyInvalid, parse_keys


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    max_query_depth: int = 10
    max_query_tokens: int = 2000
    max_query_aliases: int = 30
    body_read_timeout_seconds: float = 10.0
    # Encrypts provider secrets at rest: Fernet keys, comma-separated, the current one first (README, "Secrets").
    secrets_key: str | None = field(default=None, repr=False)
    # Trigger overrides, as (job, spec) pairs from SCHEDULE_<JOB>; see scheduler/schedule.py.
    schedules: tuple[tuple[str, str], ...] = ()
    sync_first_delay_seconds: float | None = None
    # Live updates (GraphQL subscriptions): see README "Live updates".
    event_channel_prefix: str = "reward-ledger:events:"
    subscriptions_per_connection: int = 20
    connections_per_credential: int = 50
    subscription_queue_size: int = 500
    connection_init_timeout_seconds: float = 10.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
        values = dict(_read_dotenv(dotenv)) if dotenv else {}
        values.update(os.environ if env is None else env)
        try:
            settings = cls(
                database_url=values.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
                redis_url=values.get("REDIS_URL") or None,
                host=values.get("HOST", cls.host),
                port=int(values.get("PORT", cls.port)),
                log_level=values.get("LOG_LEVEL", cls.log_level).upper(),
                max_query_depth=int(values.get("MAX_QUERY_DEPTH", cls.max_query_depth)),
                max_query_tokens=int(values.get("MAX_QUERY_TOKENS", cls.max_query_tokens)),
                max_query_aliases=int(values.get("MAX_QUERY_ALIASES", cls.max_query_aliases)),
                body_read_timeout_seconds=float(values.get("BODY_READ_TIMEOUT_SECONDS",
                                                           cls.body_read_timeout_seconds)),
                secrets_key=values.get("SECRETS_KEY") or None,
                schedules=_schedules(values),
                sync_first_delay_seconds=(float(values["SYNC_FIRST_DELAY_SECONDS"])
                                          if values.get("SYNC_FIRST_DELAY_SECONDS") else None),
                event_channel_prefix=values.get("EVENT_CHANNEL_PREFIX") or cls.event_channel_prefix,
                subscriptions_per_connection=int(values.get("SUBSCRIPTIONS_PER_CONNECTION",
                                                            cls.subscriptions_per_connection)),
                connections_per_credential=int(values.get("CONNECTIONS_PER_CREDENTIAL",
                                                          cls.connections_per_credential)),
                subscription_queue_size=int(values.get("SUBSCRIPTION_QUEUE_SIZE", cls.subscription_queue_size)),
                connection_init_timeout_seconds=float(values.get("CONNECTION_INIT_TIMEOUT_SECONDS",
                                                                 cls.connection_init_timeout_seconds)),
            )
        except SettingsError:
            raise
        except ValueError as exc:
            raise SettingsError(f"a numeric setting is not a number: {exc}") from exc
        settings.validate()
        return settings

    def validate(self) -> None:
        if not self.database_url.startswith(("sqlite://", "postgres://", "asyncpg://", "psql://")):
            raise SettingsError("DATABASE_URL must start with sqlite://, postgres:// or asyncpg://")
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError("REDIS_URL must start with redis://, rediss:// or unix://")
        if not 0 < self.port < 65536:
            raise SettingsError("PORT must be 1-65535")
        if not 0 < self.body_read_timeout_seconds <= 600:
            raise SettingsError("BODY_READ_TIMEOUT_SECONDS must be more than 0 and at most 600")
        if self.sync_first_delay_seconds is not None and not 0 <= self.sync_first_delay_seconds <= 86400:
            raise SettingsError("SYNC_FIRST_DELAY_SECONDS must be 0-86400")
        if self.log_level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise SettingsError("LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
        if self.secrets_key is not None:
            try:
                parse_keys(self.secrets_key)
            except SecretsKeyInvalid as exc:
                raise SettingsError(str(exc)) from None
        self._validate_live_updates()

    def _validate_live_updates(self) -> None:
        if not 1 <= self.subscriptions_per_connection <= 1000:
            raise SettingsError("SUBSCRIPTIONS_PER_CONNECTION must be 1-1000")
        if not 1 <= self.connections_per_credential <= 100_000:
            raise SettingsError("CONNECTIONS_PER_CREDENTIAL must be 1-100000")
        if not 1 <= self.subscription_queue_size <= 100_000:
            raise SettingsError("SUBSCRIPTION_QUEUE_SIZE must be 1-100000")
        if not 0 < self.connection_init_timeout_seconds <= 600:
            raise SettingsError("CONNECTION_INIT_TIMEOUT_SECONDS must be more than 0 and at most 600")
        if not self.event_channel_prefix.strip() or len(self.event_channel_prefix) > 200:
            raise SettingsError("EVENT_CHANNEL_PREFIX must be 1-200 characters")


def _schedules(values: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """SCHEDULE_<JOB> overrides, each checked now so a typo stops the start with a clear message."""
    from scheduler.schedule import JOBS, setting_name
    from scheduler.triggers import TriggerInvalid, parse_trigger

    names = {setting_name(job): job for job in JOBS}
    chosen = []
    for variable, spec in sorted(values.items()):
        if not variable.startswith("SCHEDULE_"):
            continue
        if variable not in names:
            raise SettingsError(f"{variable} names no job; the jobs' variables are {', '.join(sorted(names))}")
        try:
            parse_trigger(spec)
        except TriggerInvalid as exc:
            raise SettingsError(f"{variable}: {exc}") from None
        chosen.append((names[variable], spec.strip()))
    return tuple(chosen)


def _read_dotenv(path: Path) -> list[tuple[str, str]]:
    if not path.is_file():
        return []
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            pairs.append((name.strip(), value.strip().strip("'\"")))
    return pairs
