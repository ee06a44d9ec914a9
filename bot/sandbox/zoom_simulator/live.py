"""The simulator's live-meeting script: start, join, leave, end, record and summarise a meeting."""

from __future__ import annotations

from typing import Any

from bot.sandbox.zoom_simulator.grants import SimGrants
from bot.sandbox.zoom_simulator.meetings import new_uuid
from bot.sandbox.zoom_simulator.model import (
    SimMeeting,
    SimParticipant,
    SimRecording,
    SimUser,
    zoom_time,
)


class SimLive(SimGrants):
    # -- a meeting as it happens (each returns what the webhook reports) ------------------

    def _live_meeting(self, meeting_id: str | int) -> SimMeeting:
        meeting = self.meeting_by_id(meeting_id)
        if meeting is None or meeting.deleted:
            raise KeyError(f"no simulated meeting {meeting_id}")
        return meeting

    def start_meeting(self, meeting_id: str | int, *, uuid: str | None = None) -> SimMeeting:
        """The host starts the meeting. A meeting that ran before gets a new instance UUID, as at Zoom."""
        with self.lock:
            meeting = self._live_meeting(meeting_id)
            if meeting.status == "started":
                raise ValueError(f"meeting {meeting.id} is already in progress")
            if meeting.started_at is not None:
                meeting.uuid = uuid or new_uuid(self.rng)
                meeting.participants = []
            elif uuid:
                meeting.uuid = uuid
            meeting.status, meeting.started_at, meeting.ended_at = "started", self.clock.now(), None
            return meeting

    def join_meeting(self, meeting_id: str | int, name: str) -> tuple[SimMeeting, SimParticipant]:
        """``name`` joins: a Zoom user of the host's account (by first name or e-mail) or a guest."""
        with self.lock:
            meeting = self._live_meeting(meeting_id)
            if meeting.status != "started":
                raise ValueError(f"meeting {meeting.id} has not started; start it first")
            if self._in_meeting(meeting, name) is not None:
                raise ValueError(f"{name} is already in meeting {meeting.id}")
            user = self._user_named(name, meeting.account_id)
            person = SimParticipant(
                name=f"{user.first_name} {user.last_name}".strip() if user else name,
                email=user.email if user else f"{name.lower().replace(' ', '.')}@guest.example.net",
                user_id=str(self.rng.randint(16_000_000, 4_000_000_000)),
                participant_uuid=new_uuid(self.rng),
                zoom_user_id=user.id if user else "",
                join_time=self.clock.now(),
                handle=name.lower(),
            )
            meeting.participants.append(person)
            return meeting, person

    def leave_meeting(self, meeting_id: str | int, name: str) -> tuple[SimMeeting, SimParticipant]:
        with self.lock:
            meeting = self._live_meeting(meeting_id)
            person = self._in_meeting(meeting, name)
            if person is None:
                raise ValueError(f"{name} is not in meeting {meeting.id}")
            person.leave_time = self.clock.now()
            return meeting, person

    def end_meeting_now(self, meeting_id: str | int) -> SimMeeting:
        """The host ends the meeting: everyone still in it leaves."""
        with self.lock:
            meeting = self._live_meeting(meeting_id)
            if meeting.status != "started":
                raise ValueError(f"meeting {meeting.id} is not in progress")
            now = self.clock.now()
            for person in meeting.participants:
                person.leave_time = person.leave_time or now
            meeting.status, meeting.ended_at = "waiting", now
            if meeting.type == 1:
                meeting.ended = True  # an instant meeting's id dies with it
            return meeting

    def in_meeting(self, meeting_id: str | int) -> list[SimParticipant]:
        with self.lock:
            return [p for p in self._live_meeting(meeting_id).participants if p.leave_time is None]

    def _in_meeting(self, meeting: SimMeeting, name: str) -> SimParticipant | None:
        wanted = name.lower()
        for person in meeting.participants:
            if person.leave_time is None and person.handle == wanted:
                return person
        return None

    def _user_named(self, name: str, account_id: str) -> SimUser | None:
        wanted = name.lower()
        for user in self.users.values():
            if user.account_id == account_id and wanted in (user.email.lower(), user.first_name.lower()):
                return user
        return None

    def record_meeting(self, meeting_id: str | int) -> SimRecording:
        """The cloud recording (video, audio, transcript) of the meeting's last instance."""
        with self.lock:
            meeting = self._live_meeting(meeting_id)
            found = next((r for r in self.recordings if r.uuid == meeting.uuid), None)
            if found is not None:
                return found
            start = meeting.started_at or meeting.start_time
            end = meeting.ended_at or self.clock.now()
            files = [
                self._recording_file(meeting.uuid, kind, start, end) for kind in ("MP4", "M4A", "TRANSCRIPT")
            ]
            recording = SimRecording(
                uuid=meeting.uuid,
                meeting_id=meeting.id,
                host_id=meeting.host_id,
                account_id=meeting.account_id,
                topic=meeting.topic,
                start_time=start.replace(microsecond=0),
                duration=max(1, int((end - start).total_seconds() // 60)),
                share_url=f"https://zoom.us/rec/share/{self._rng_token()}",
                files=files,
            )
            self.recordings.append(recording)
            return recording

    def summarize_meeting(self, meeting_id: str | int, *, content: str | None = None) -> dict[str, Any]:
        """AI Companion's summary of the meeting's last instance (what the summary API answers)."""
        with self.lock:
            meeting = self._live_meeting(meeting_id)
            host = self.users[meeting.host_id]
            now = zoom_time(self.clock.now())
            start = zoom_time(meeting.started_at or meeting.start_time)
            end = zoom_time(meeting.ended_at or self.clock.now())
            names = sorted({p.name for p in meeting.participants}) or [host.first_name]
            summary = {
                "meeting_host_id": host.id,
                "meeting_host_email": host.email,
                "meeting_uuid": meeting.uuid,
                "meeting_id": meeting.id,
                "meeting_topic": meeting.topic,
                "meeting_start_time": start,
                "meeting_end_time": end,
                "summary_start_time": start,
                "summary_end_time": end,
                "summary_created_time": now,
                "summary_last_modified_time": now,
                "summary_title": f"Meeting summary for {meeting.topic}",
                "summary_overview": f"{', '.join(names)} met about {meeting.topic}.",
                "summary_details": [{"label": "Discussion", "summary": f"{meeting.topic} was discussed."}],
                "next_steps": [f"{names[0]} shares the notes"],
                "summary_content": content
                or (
                    "## Key takeaways\n"
                    f"- {', '.join(names)} met about **{meeting.topic}**.\n"
                    "## Action items\n"
                    f"- **{names[0]}**\n  - Share the notes"
                ),
                "summary_doc_url": f"https://docs.zoom.us/doc/{self._rng_token()}",
            }
            self.summaries[meeting.uuid] = summary
            return summary
