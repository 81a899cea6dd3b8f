"""SQLModel tables. Importing this package registers every table on the metadata."""

from icrm_cli.storage.models.escalation import Escalation
from icrm_cli.storage.models.event import Event
from icrm_cli.storage.models.feedback import Feedback, Survey, SurveyInvitation
from icrm_cli.storage.models.meeting import Meeting, MeetingAttendee, MeetingDepartment
from icrm_cli.storage.models.notice import Notice, NotifyState
from icrm_cli.storage.models.org import Department, Person, Setting
from icrm_cli.storage.models.request import Request

__all__ = [
    "Department",
    "Escalation",
    "Event",
    "Feedback",
    "Meeting",
    "MeetingAttendee",
    "MeetingDepartment",
    "Notice",
    "NotifyState",
    "Person",
    "Request",
    "Setting",
    "Survey",
    "SurveyInvitation",
]
