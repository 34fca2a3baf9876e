"""A calendar invitation (iCalendar, RFC 5545/5546) for a meeting, so any calendar can hold it.

Calendar addresses: Quorum knows people by their platform account, never by e-mail. Organizer and
attendees are named with `CN=` and get a placeholder `mailto:` built from the platform user id under the
reserved `.invalid` domain, so no calendar ever tries to mail anyone; answers stay in the chat.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

import icalendar

from bot.exports.minutes import agenda_line
from bot.exports.record import MeetingRecord, Person
from bot.i18n import t

_PARTSTAT = {"yes": "ACCEPTED", "no": "DECLINED", "maybe": "TENTATIVE", None: "NEEDS-ACTION"}
_ICS_ROLE = {"host": "CHAIR", "optional": "OPT-PARTICIPANT"}  # recorder, required: REQ-PARTICIPANT


def _address(person: Person, domain: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{quote(person.platform_user_id, safe='')}@{domain}")
    address.params["CN"] = person.name
    return address


def _description(record: MeetingRecord) -> str:
    lang = record.language
    lines = [t(lang, "exports.ics.meeting", number=record.number)]
    if record.cancel_reason:
        lines.append(t(lang, "exports.status_reason", status=t(lang, "status.cancelled"), reason=record.cancel_reason))
    for key, value in (("field.goal", record.goal), ("field.outcome", record.expected_outcome)):
        if value:
            lines.append(t(lang, "exports.field", label=t(lang, key), value=value))
    if record.agenda:
        lines.append(t(lang, "heading.agenda"))
        lines += [f"{i}. {agenda_line(a, lang)}" for i, a in enumerate(record.agenda, 1)]
    if record.location:
        lines.append(t(lang, "exports.field", label=t(lang, "field.where"), value=record.location))
    if record.link:
        lines.append(t(lang, "exports.field", label=t(lang, "field.link"), value=record.link))
    return "\n".join(lines)


def meeting_ics(record: MeetingRecord, sequence: int, *, stamp: datetime) -> bytes:
    """An iTIP invitation (RFC 5545/5546) for the meeting, one VEVENT in UTC.

    The UID never changes for a meeting; pass a `sequence` that grows with every change people are told of,
    so calendars update the event they already have instead of adding a second one. A cancelled meeting is
    `METHOD:CANCEL` with `STATUS:CANCELLED`; anything else `METHOD:REQUEST`. `stamp` (DTSTAMP: when this
    invitation was made) is the caller's clock."""
    if sequence < 0:
        raise ValueError("sequence must be >= 0")
    cancelled = record.status == "cancelled"
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Quorum//Quorum meeting bot//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", record.uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", record.start_at.astimezone(UTC))
    event.add("dtend", record.end_at.astimezone(UTC))
    event.add("summary", record.title)
    event.add("description", _description(record))
    if record.location:
        event.add("location", record.location)
    if record.link:
        event.add("url", record.link)
    elif record.location and record.location.startswith(("https://", "http://")):
        event.add("url", record.location)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("class", "CONFIDENTIAL" if record.confidential else "PUBLIC")
    event.add("organizer", _address(record.organizer, record.address_domain))
    for a in record.attendees:
        address = _address(a.person, record.address_domain)
        address.params["CUTYPE"] = "INDIVIDUAL"
        address.params["ROLE"] = "CHAIR" if a.is_chair else _ICS_ROLE.get(a.role, "REQ-PARTICIPANT")
        address.params["PARTSTAT"] = _PARTSTAT[a.rsvp]
        event.add("attendee", address)
    calendar.add_component(event)
    data: bytes = calendar.to_ical()  # typed Any by icalendar
    return data
