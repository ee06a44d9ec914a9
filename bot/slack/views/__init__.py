"""Pure Block Kit builders: data in, Slack payload dicts out. No I/O, no clock unless passed."""

from bot.slack.views._blocks import SlackMessage
from bot.slack.views.account_figures import live_meetings, usage_report
from bot.slack.views.attendance import attendance_report
from bot.slack.views.home import ACTION_HOME_LINK, ACTION_HOME_NEW_MEETING, ACTION_HOME_UNLINK, home_view
from bot.slack.views.link_previews import link_to_preview_prompt, meeting_unfurl, personal_room_card
from bot.slack.views.meetings import (
    ACTION_CANCEL_ABORT,
    ACTION_CANCEL_CONFIRM,
    ACTION_CANCEL_OCCURRENCE,
    ACTION_JOIN,
    ACTION_START,
    cancel_confirm,
    meeting_card,
    meeting_details,
    meeting_list,
    meeting_list_title,
    start_link_ephemeral,
)
from bot.slack.views.people import scheduler_list, user_card, user_list
from bot.slack.views.recordings import (
    ACTION_RECORDING_RECOVER,
    ACTION_RECORDING_TRASH,
    recording_moved,
    recordings_list,
    trash_list,
)
from bot.slack.views.reminders import reminder_list
from bot.slack.views.replies import (
    ACTION_LINK_OPEN,
    help_blocks,
    help_message,
    hint_blocks,
    hint_message,
    link_prompt,
)
from bot.slack.views.schedule_form import BLOCK_HOST as SCHEDULE_BLOCK_HOST
from bot.slack.views.schedule_form import CALLBACK_ID as SCHEDULE_CALLBACK_ID
from bot.slack.views.schedule_form import (
    ScheduleForm,
    host_anyone,
    host_choices,
    parse_schedule_submission,
    schedule_modal,
)
from bot.slack.views.slack_calls import with_call
from bot.slack.views.time_question import ACTION_TIME_CHOICE, time_question
from bot.slack.views.user_admin import (
    ACTION_USER_CHANGE_ABORT,
    ACTION_USER_CHANGE_CONFIRM,
    audit_list,
    user_change_question,
    user_changed,
)

__all__ = [
    "ACTION_RECORDING_RECOVER",
    "ACTION_RECORDING_TRASH",
    "recording_moved",
    "trash_list",
    "attendance_report",
    "live_meetings",
    "usage_report",
    "ACTION_CANCEL_ABORT",
    "ACTION_CANCEL_CONFIRM",
    "ACTION_CANCEL_OCCURRENCE",
    "ACTION_HOME_LINK",
    "ACTION_HOME_NEW_MEETING",
    "ACTION_HOME_UNLINK",
    "ACTION_JOIN",
    "ACTION_LINK_OPEN",
    "ACTION_START",
    "ACTION_TIME_CHOICE",
    "SCHEDULE_BLOCK_HOST",
    "SCHEDULE_CALLBACK_ID",
    "host_anyone",
    "host_choices",
    "ScheduleForm",
    "SlackMessage",
    "with_call",
    "cancel_confirm",
    "help_blocks",
    "help_message",
    "hint_blocks",
    "hint_message",
    "home_view",
    "link_prompt",
    "link_to_preview_prompt",
    "meeting_card",
    "meeting_details",
    "meeting_list",
    "meeting_list_title",
    "meeting_unfurl",
    "parse_schedule_submission",
    "personal_room_card",
    "recordings_list",
    "reminder_list",
    "time_question",
    "schedule_modal",
    "scheduler_list",
    "start_link_ephemeral",
    "user_card",
    "user_list",
    "ACTION_USER_CHANGE_ABORT",
    "ACTION_USER_CHANGE_CONFIRM",
    "audit_list",
    "user_change_question",
    "user_changed",
]
