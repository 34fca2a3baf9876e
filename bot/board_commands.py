"""The Commands of an event's execution: the task board, incidents, sign-in, the agenda countdown, outcomes and
the monitoring report (apart from `bot.command_types`, which is long enough; its `Command` union includes the
wrappers here: `Task`, `IncidentCommand`, … — each a single registration whose handler reads `op`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # a mention is the grammar's; only its type is needed here
    from bot.command_types import Mention

Phase = Literal["pre", "during", "post"]
Priority = Literal["high", "medium", "low"]
TaskStatus = Literal["not_started", "in_progress", "done", "delayed"]
IncidentKind = Literal["equipment", "venue", "catering", "people", "other"]
IncidentStatus = Literal["in_progress", "handled", "outside"]


@dataclass(frozen=True)
class AddTask:
    """`task 3 book the hall @bob by Dec 3 17:00 phase pre priority high after 2 deliverable: contract`."""

    number: int  # the meeting's
    text: str
    owner: Mention
    deadline: datetime
    phase: Phase = "pre"
    priority: Priority = "medium"
    after: int | None = None  # the task number it waits for
    deliverable: str | None = None
    assumed: tuple[str, ...] = ()  # what the deadline's reading assumed, to say back


@dataclass(frozen=True)
class TaskDone:
    task: int


@dataclass(frozen=True)
class SetTaskStatus:
    task: int
    status: TaskStatus


@dataclass(frozen=True)
class Task:
    """Every form of `task` (任务): one registration, one handler that reads `op`."""

    op: AddTask | TaskDone | SetTaskStatus


@dataclass(frozen=True)
class ShowBoard:
    number: int


@dataclass(frozen=True)
class ReportIncident:
    number: int  # the meeting's
    text: str
    kind: IncidentKind = "other"
    impact: str | None = None
    severity: Priority = "medium"


@dataclass(frozen=True)
class AckIncident:
    incident: int


@dataclass(frozen=True)
class SetIncidentStatus:
    incident: int
    status: IncidentStatus


@dataclass(frozen=True)
class CloseIncident:
    incident: int
    cause: str
    fix: str


@dataclass(frozen=True)
class IncidentCommand:
    """Every form of `incident` (异常上报)."""

    op: ReportIncident | AckIncident | SetIncidentStatus | CloseIncident


@dataclass(frozen=True)
class RecordOutcome:
    """`outcome 3 48 new dealers against 50`: the numbers, when both are said, give the share achieved."""

    number: int
    text: str
    achieved: float | None = None
    target: float | None = None
    target_text: str | None = None


@dataclass(frozen=True)
class SignIn:
    """`signin 3 department Sales contact 138-0000-0000`: present, with where they are from and how to reach them."""

    number: int
    department: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class ShowSignIns:
    number: int


@dataclass(frozen=True)
class ChaseSignIns:
    number: int


@dataclass(frozen=True)
class Countdown:
    number: int


@dataclass(frozen=True)
class MonitorReport:
    """`monitor 3` shows the report; `monitor 3 send` (its requester, once reviewed) sends it to management."""

    number: int
    send: bool = False
