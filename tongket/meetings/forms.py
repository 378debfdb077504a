"""Forms of the meeting screens: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from tongket.meetings.models import Attendance, MeetingKind
from tongket.people.models import Member, Organization
from tongket.people.pickers import (
    MemberChoiceField,
    OrganizationChoiceField,
    OrganizationChoiceForm,
)
from tongket.programs.models import Program


class _PicksAMember(forms.Form):
    """A form with one member picker (`member_field`), offered `members` (none when not given)
    of the organization `within`."""

    member_field = "member"

    def __init__(
        self, *args: Any, members: Any = None, within: Organization | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields[self.member_field]
        assert isinstance(field, MemberChoiceField)
        field.set_members(members if members is not None else Member.objects.none(), within=within)


class MeetingForm(OrganizationChoiceForm):
    organization = OrganizationChoiceField(label="Tổ chức", purpose="write")
    kind = forms.ChoiceField(label="Loại hội nghị", choices=MeetingKind.choices)
    title = forms.CharField(label="Tên hội nghị", max_length=255)
    held_on = forms.DateField(label="Ngày họp", widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(
        label="Giờ bắt đầu", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label="Địa điểm", max_length=255, required=False)


class ChairForm(_PicksAMember):
    member = MemberChoiceField(label="Đồng chí chủ trì")
    title_at_time = forms.CharField(label="Chức vụ khi chủ trì", max_length=255)


class SecretaryForm(_PicksAMember):
    member = MemberChoiceField(label="Thư ký")
    title = forms.CharField(label="Ghi chú chức danh", max_length=255, required=False)


class GuestForm(forms.Form):
    name = forms.CharField(label="Họ và tên khách mời", max_length=120)
    title = forms.CharField(label="Chức vụ, đơn vị", max_length=255, required=False)


class AgendaForm(_PicksAMember):
    member_field = "presenter"
    title = forms.CharField(label="Nội dung", max_length=255)
    presenter = MemberChoiceField(label="Người trình bày", required=False)
    presenter_title = forms.CharField(label="Chức vụ người trình bày", required=False)
    document_title = forms.CharField(label="Tài liệu trình bày", required=False)
    program = forms.ModelChoiceField(
        label="Chương trình trình hội nghị thông qua",
        queryset=Program.objects.none(),
        required=False,
        empty_label="— không trình chương trình nào —",
    )

    def __init__(self, *args: Any, programs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(choices=Attendance.choices)
    reason = forms.CharField(max_length=255, required=False)


class DiscussionForm(_PicksAMember):
    member_field = "speaker"
    speaker = MemberChoiceField(label="Đảng viên phát biểu", required=False)
    speaker_name = forms.CharField(
        label="Hoặc người phát biểu khác (khách mời)", max_length=255, required=False
    )
    summary = forms.CharField(label="Tóm tắt ý kiến", widget=forms.Textarea(attrs={"rows": 3}))


CLAIM_CHOICES = (
    ("", "Để phần mềm tính theo quy định"),
    ("adopted", "Thông qua"),
    ("rejected", "Không thông qua"),
)


class VoteForm(forms.Form):
    motion = forms.CharField(label="Nội dung biểu quyết", max_length=255)
    program = forms.ModelChoiceField(
        label="Chương trình được biểu quyết thông qua",
        queryset=Program.objects.none(),
        required=False,
    )
    votes_for = forms.IntegerField(label="Tán thành", min_value=0)
    votes_against = forms.IntegerField(label="Không tán thành", min_value=0, initial=0)
    abstain = forms.IntegerField(label="Không biểu quyết", min_value=0, initial=0)
    claimed = forms.ChoiceField(
        label="Kết quả ghi trong biên bản",
        choices=CLAIM_CHOICES,
        required=False,
        help_text="Nếu ghi, phần mềm kiểm tra lại và từ chối kết quả không đúng quy định.",
    )

    def __init__(self, *args: Any, programs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]

    def claimed_adopted(self) -> bool | None:
        value = self.cleaned_data.get("claimed") or ""
        return None if not value else value == "adopted"


class AwardForm(forms.Form):
    text = forms.CharField(label="Khen thưởng được trao", widget=forms.Textarea(attrs={"rows": 2}))
    link = forms.CharField(label="Liên kết sổ khen thưởng (nếu có)", max_length=255, required=False)


class ClosingForm(forms.Form):
    text = forms.CharField(
        label="Kết luận, chỉ đạo bế mạc", widget=forms.Textarea(attrs={"rows": 5})
    )
