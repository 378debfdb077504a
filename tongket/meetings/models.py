"""Schema of meetings: chairs, guests, convened members, attendance, agenda, discussion, votes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tongket.meetings.domain import Attendance as DomainAttendance


class MeetingKind(models.TextChoices):
    YEAR_END = "year_end", "Hội nghị tổng kết năm"
    CELL_REGULAR = "cell_regular", "Sinh hoạt chi bộ thường kỳ"
    COMMITTEE = "committee", "Hội nghị cấp ủy"
    THEMATIC = "thematic", "Sinh hoạt chuyên đề"


class MeetingStatus(models.TextChoices):
    PREPARING = "preparing", "Đang chuẩn bị"
    HELD = "held", "Đang họp"
    CLOSED = "closed", "Đã kết thúc"


class Attendance(models.TextChoices):
    PRESENT = DomainAttendance.PRESENT.value, DomainAttendance.PRESENT.label
    ABSENT_EXCUSED = DomainAttendance.ABSENT_EXCUSED.value, DomainAttendance.ABSENT_EXCUSED.label
    ABSENT_UNEXCUSED = (
        DomainAttendance.ABSENT_UNEXCUSED.value,
        DomainAttendance.ABSENT_UNEXCUSED.label,
    )


class Meeting(models.Model):
    """A meeting of a Party organization. Once closed its record is sealed."""

    organization = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name="tổ chức",
    )
    kind = models.CharField("loại", max_length=20, choices=MeetingKind.choices)
    title = models.CharField("tên hội nghị", max_length=255)
    held_on = models.DateField("ngày họp")
    starts_at = models.TimeField("giờ bắt đầu", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=255, blank=True)
    status = models.CharField(
        "tình trạng",
        max_length=20,
        choices=MeetingStatus.choices,
        default=MeetingStatus.PREPARING,
    )
    secretary = models.ForeignKey(
        "people.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings_as_secretary",
        verbose_name="thư ký",
    )
    secretary_title = models.CharField("chức vụ thư ký", max_length=255, blank=True)
    closing_directions = models.TextField("kết luận, chỉ đạo bế mạc", blank=True)
    # The awards app is built separately: each entry is {"text": ..., "link": ...}, the link
    # optional (a URL or reference into the award register once it exists).
    handed_out_awards = models.JSONField("khen thưởng được trao", default=list, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-held_on", "organization__path"]
        indexes = [models.Index(fields=["organization", "held_on"], name="meeting_org_date")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == MeetingStatus.CLOSED


class Chair(models.Model):
    """A member chairing the meeting, with the title they held on the day."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="chairs")
    member = models.ForeignKey("people.Member", on_delete=models.PROTECT, related_name="+")
    title_at_time = models.CharField("chức vụ khi chủ trì", max_length=255)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="unique_meeting_chair")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} ({self.title_at_time})"


class Guest(models.Model):
    """An invited guest who is not convened as a member: name and title as written."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField("họ và tên", max_length=120)
    title = models.CharField("chức vụ, đơn vị", max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} - {self.title}" if self.title else self.name

    @property
    def label(self) -> str:
        return str(self)


class Participant(models.Model):
    """A member officially convened, the organization they attend for, and their attendance
    (blank until marked); the flags are what point 9.3 of QĐ 24 needs to count the body."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(
        "people.Member", on_delete=models.PROTECT, related_name="meeting_participations"
    )
    organization = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="chi bộ"
    )
    attendance = models.CharField(
        "điểm danh", max_length=20, choices=Attendance.choices, blank=True
    )
    absence_reason = models.CharField("lý do vắng mặt", max_length=255, blank=True)
    exempted = models.BooleanField("miễn công tác và sinh hoạt đảng", default=False)
    suspended = models.BooleanField("đình chỉ sinh hoạt đảng", default=False)
    prosecuted_or_detained = models.BooleanField("bị khởi tố, truy tố, tạm giam", default=False)

    class Meta:
        ordering = ["meeting", "organization__sort_order", "member__sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="unique_meeting_participant"
            ),
            models.CheckConstraint(
                condition=~Q(attendance=Attendance.ABSENT_EXCUSED) | ~Q(absence_reason=""),
                name="excused_absence_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.member_id}"


class AgendaItem(models.Model):
    """A point of the agenda, who presents it and the document presented (a program, a report)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField("nội dung", max_length=255)
    presenter = models.ForeignKey(
        "people.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    presenter_title = models.CharField("chức vụ người trình bày", max_length=255, blank=True)
    document_title = models.CharField("tài liệu trình bày", max_length=255, blank=True)
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
        verbose_name="chương trình trình hội nghị",
    )

    class Meta:
        ordering = ["meeting", "position", "id"]

    def __str__(self) -> str:
        return self.title


class DiscussionEntry(models.Model):
    """One speaker's contribution: a convened member, or anyone else by name."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="discussion")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="discussion"
    )
    position = models.PositiveSmallIntegerField(default=0)
    speaker = models.ForeignKey(
        "people.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    speaker_name = models.CharField("người phát biểu", max_length=255, blank=True)
    summary = models.TextField("tóm tắt ý kiến")

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(speaker__isnull=False) | ~Q(speaker_name=""),
                name="discussion_has_speaker",
            )
        ]

    def __str__(self) -> str:
        return self.summary[:60]


class Vote(models.Model):
    """A motion put to the vote, the counts, and the outcome the rules gave. The body's size,
    the members present and the votes needed are stored as counted at the time of the vote."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="votes"
    )
    position = models.PositiveSmallIntegerField(default=0)
    motion = models.CharField("nội dung biểu quyết", max_length=255)
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="votes",
        verbose_name="chương trình được biểu quyết thông qua",
    )
    votes_for = models.PositiveIntegerField("tán thành")
    votes_against = models.PositiveIntegerField("không tán thành")
    abstain = models.PositiveIntegerField("không biểu quyết")
    convened = models.PositiveIntegerField("số được triệu tập")
    body_size = models.PositiveIntegerField("tổng số tính biểu quyết")
    present = models.PositiveIntegerField("số có mặt")
    needed = models.PositiveIntegerField("số phiếu cần để thông qua")
    quorum_met = models.BooleanField("đủ số lượng tiến hành")
    adopted = models.BooleanField("được thông qua")
    findings = models.JSONField(default=list)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(present__lte=models.F("body_size")), name="vote_present_within_body"
            ),
            models.CheckConstraint(
                condition=Q(
                    votes_for__lte=models.F("present")
                    - models.F("votes_against")
                    - models.F("abstain")
                ),
                name="vote_ballots_within_present",
            ),
            models.CheckConstraint(
                condition=Q(adopted=False) | Q(votes_for__gte=models.F("needed"), quorum_met=True),
                name="vote_adopted_only_with_majority",
            ),
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(adopted=True),
                name="one_adopting_vote_per_program",
            ),
        ]

    def __str__(self) -> str:
        return self.motion

    @property
    def outcome_label(self) -> str:
        return "Được thông qua" if self.adopted else "Không được thông qua"
