"""Settings, read from the environment (and `.env`) in exactly one place.

Everything below `bot/` receives values, never reads `os.environ`, so tests build a `Settings(...)` with what
they need and two instances of the bot in one process don't fight over globals.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.civil import Window, read_window
from bot.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite:///quorum.db"


def parse_offsets(spec: str) -> tuple[timedelta, ...]:
    """Read "24h,15m" / "1d" / "90m" into timedeltas (largest first); raise ConfigError on anything else."""
    offsets: list[timedelta] = []
    units = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}
    for raw in spec.split(","):
        part = raw.strip().lower()
        if not part:
            continue
        unit = units.get(part[-1])
        if unit is None or not part[:-1].isdigit():
            raise ConfigError(f"cannot read {raw!r} as an offset; write e.g. 24h, 15m or 1d")
        offsets.append(int(part[:-1]) * unit)
    return tuple(sorted(offsets, reverse=True))


def parse_address(value: str) -> tuple[str, int] | None:
    """`host:port` → (host, port); "off" (or empty) → None; ValueError on anything else."""
    text = value.strip()
    if text.lower() in ("", "off"):
        return None
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"QUORUM_OPS_ADDRESS must look like 127.0.0.1:9102 (or off), not {value!r}")
    return host.strip("[]"), int(port)


class Settings(BaseSettings):
    """Every setting Quorum reads; `.env.example` documents each one."""

    # A setting left empty (`SLACK_APP_TOKEN=` as in .env.example, which docker compose passes on as "") is
    # unset, not an empty token that would pick Socket Mode.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      env_ignore_empty=True)

    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    timezone: str = Field(default="Asia/Shanghai", alias="QUORUM_TIMEZONE")
    language: Literal["en", "zh"] = Field(default="en", alias="QUORUM_LANGUAGE")
    meeting_reminders: str = Field(default="24h,15m", alias="QUORUM_MEETING_REMINDERS")
    rsvp_deadline_before: str = Field(default="1d", alias="QUORUM_RSVP_DEADLINE_BEFORE")
    rsvp_chase_before_deadline: str = Field(default="4h", alias="QUORUM_RSVP_CHASE_BEFORE_DEADLINE")
    default_duration_minutes: int = Field(default=60, alias="QUORUM_DEFAULT_DURATION_MINUTES", ge=5, le=24 * 60)
    tick_seconds: int = Field(default=30, alias="QUORUM_TICK_SECONDS", ge=1, le=3600)
    holidays: str = Field(default="CN", alias="QUORUM_HOLIDAYS")
    reminder_hour: int = Field(default=9, alias="QUORUM_REMINDER_HOUR", ge=0, le=23)
    civil_hours: str = Field(default="08:00-21:00", alias="QUORUM_CIVIL_HOURS")
    meeting_notice_hours: str = Field(default="07:00-23:00", alias="QUORUM_MEETING_NOTICE_HOURS")
    remind_before_workdays: int = Field(default=2, alias="QUORUM_REMIND_BEFORE_WORKDAYS", ge=0, le=20)
    escalate_after_workdays: int = Field(default=3, alias="QUORUM_ESCALATE_AFTER_WORKDAYS", ge=1, le=60)
    confirm_within_workdays: int = Field(default=1, alias="QUORUM_CONFIRM_WITHIN_WORKDAYS", ge=1, le=20)
    digest_cron: str = Field(default="0 9 * * mon", alias="QUORUM_DIGEST_CRON")
    claim_lease_seconds: int = Field(default=300, alias="QUORUM_CLAIM_LEASE_SECONDS", ge=1, le=86400)
    objection_hours: int = Field(default=12, alias="QUORUM_OBJECTION_HOURS", ge=1, le=24 * 14)
    admins: str = Field(default="", alias="QUORUM_ADMINS")  # platform user ids, comma-separated
    retention_months: int = Field(default=24, alias="QUORUM_RETENTION_MONTHS", ge=24)  # keep at least 2 years
    # several instances (bot.core): lines said before `end` but handled after it still join the meeting for
    # this long; an instance with more events than this waiting to be handled answers "busy" at once
    late_line_seconds: int = Field(default=60, alias="QUORUM_LATE_LINE_SECONDS", ge=0, le=3600)
    max_in_flight: int = Field(default=200, alias="QUORUM_MAX_IN_FLIGHT", ge=1, le=1_000_000)
    commands_burst: int = Field(default=30, alias="QUORUM_COMMANDS_BURST", ge=1, le=1_000_000)
    commands_per_minute: float = Field(default=20.0, alias="QUORUM_COMMANDS_PER_MINUTE", gt=0, le=1_000_000)
    ops_address: str = Field(default="127.0.0.1:9102", alias="QUORUM_OPS_ADDRESS")  # /healthz, /metrics; or off
    outbox_stale_seconds: int = Field(default=600, alias="QUORUM_OUTBOX_STALE_SECONDS", ge=1, le=7 * 86400)
    drain_seconds: float = Field(default=25.0, alias="QUORUM_DRAIN_SECONDS", gt=0, le=3600)
    # `quorum slack`: processes that do the work after each ack (adapters/workers.py); 0 keeps it in threads
    worker_processes: int = Field(default=1, alias="QUORUM_WORKER_PROCESSES", ge=0, le=64)
    slack_bot_token: SecretStr | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")
    slack_client_id: str | None = Field(default=None, alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(default=None, alias="SLACK_CLIENT_SECRET")
    slack_redirect_uri: str | None = Field(default=None, alias="SLACK_REDIRECT_URI")
    slack_authorize_url: str = Field(default="https://slack.com/oauth/v2/authorize", alias="SLACK_AUTHORIZE_URL")
    dingtalk_client_id: str | None = Field(default=None, alias="DINGTALK_CLIENT_ID")
    dingtalk_client_secret: SecretStr | None = Field(default=None, alias="DINGTALK_CLIENT_SECRET")
    dingtalk_robot_code: str | None = Field(default=None, alias="DINGTALK_ROBOT_CODE")
    dingtalk_openapi_endpoint: str = Field(default="https://api.dingtalk.com", alias="DINGTALK_OPENAPI_ENDPOINT")
    dingtalk_oapi_endpoint: str = Field(default="https://oapi.dingtalk.com", alias="DINGTALK_OAPI_ENDPOINT")

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError(f"DATABASE_URL must be sqlite:///… or postgresql+psycopg://…, not {value!r}")
        return value

    @field_validator("ops_address")
    @classmethod
    def _readable_address(cls, value: str) -> str:
        parse_address(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}; use an IANA name like Asia/Shanghai") from exc
        return value

    @field_validator("digest_cron")
    @classmethod
    def _readable_cron(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"QUORUM_DIGEST_CRON {value!r} is not a crontab line like '0 9 * * mon'") from exc
        return value

    @field_validator("civil_hours", "meeting_notice_hours")
    @classmethod
    def _readable_hours(cls, value: str) -> str:
        read_window(value)  # its ValueError says how to write it
        return value

    @field_validator("meeting_reminders", "rsvp_deadline_before", "rsvp_chase_before_deadline")
    @classmethod
    def _readable_offsets(cls, value: str) -> str:
        try:
            parse_offsets(value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @property
    def slack_oauth(self) -> bool:
        """Install-anywhere mode: the app's client id and secret are set, so any workspace installs it through
        `/slack/install` and each gets its own bot token; without them, one workspace with `SLACK_BOT_TOKEN`."""
        has_id = bool(self.slack_client_id)
        has_secret = self.slack_client_secret is not None and bool(self.slack_client_secret.get_secret_value())
        if has_id != has_secret:
            raise ConfigError("set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth install), or neither")
        return has_id

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def civil_window(self) -> Window:
        """When private notices may reach a person, in their own timezone (`bot.civil`)."""
        return read_window(self.civil_hours)

    @property
    def meeting_notice_window(self) -> Window:
        """When a reminder just before a meeting the person attends may reach them (`bot.civil`)."""
        return read_window(self.meeting_notice_hours)

    @property
    def reminder_offsets(self) -> tuple[timedelta, ...]:
        return parse_offsets(self.meeting_reminders)

    @property
    def rsvp_deadline_offset(self) -> timedelta:
        return parse_offsets(self.rsvp_deadline_before)[0]

    @property
    def admin_ids(self) -> frozenset[str]:
        """The people named in `QUORUM_ADMINS`, besides the platform's own admins."""
        return frozenset(part.strip() for part in self.admins.split(",") if part.strip())

    @property
    def ops_endpoint(self) -> tuple[str, int] | None:
        """Where `/healthz` and `/metrics` listen in Socket Mode and Stream mode (None: nowhere)."""
        return parse_address(self.ops_address)

    @property
    def rsvp_chase_offset(self) -> timedelta:
        return parse_offsets(self.rsvp_chase_before_deadline)[0]
