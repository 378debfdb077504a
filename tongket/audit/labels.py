"""What the audit log shows a person: each action and each recorded field as Vietnamese words.

The codes (`awards.award.record`, `rows`) stay in the log and in a detail line for the office;
pages print these phrases. Every action the code records has a phrase here (a test reads the
source for `action="..."` and fails on one without), and every field a snapshot writes has a
label; an unknown key still reads as words, never as a code on its own.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tongket.audit.chain import canonical
from tongket.core.formatting import date_short, format_decimal

ACTIONS: dict[str, str] = {
    # accounts and security
    "user.create": "Tạo tài khoản",
    "user.link_member": "Gắn tài khoản với đảng viên",
    "user.deactivate": "Khóa tài khoản",
    "user.reactivate": "Mở lại tài khoản",
    "user.require_totp": "Bắt buộc xác thực hai lớp",
    "user.reset": "Cấp mã đăng nhập một lần",
    "user.set_password": "Đặt mật khẩu",
    "grant.create": "Giao quyền",
    "grant.revoke": "Thu hồi quyền",
    "login.code": "Đăng nhập bằng mã một lần",
    "login.code_failed": "Mã đăng nhập một lần sai",
    "token.issue": "Cấp khóa truy cập API",
    "login.failed": "Đăng nhập sai mật khẩu",
    "login.locked": "Tạm khóa đăng nhập",
    "login.totp": "Đăng nhập bằng mã xác thực hai lớp",
    "login.totp_failed": "Mã xác thực hai lớp sai",
    "login.recovery_code": "Đăng nhập bằng mã dự phòng",
    "totp.enrol_start": "Bắt đầu đăng ký xác thực hai lớp",
    "totp.enrolled": "Đăng ký xác thực hai lớp",
    "totp.reset": "Đặt lại xác thực hai lớp",
    "totp.recovery_codes": "Cấp mã dự phòng",
    # notifications
    "notifications.email_digest": "Bật/tắt thư tổng hợp hằng ngày",
    "notifications.digest.send": "Gửi thư tổng hợp thông báo",
    # people
    "organization.create": "Thêm tổ chức",
    "organization.update": "Sửa thông tin tổ chức",
    "organization.rename_code": "Đổi mã tổ chức",
    "member.create": "Thêm đảng viên",
    "member.update": "Sửa thông tin đảng viên",
    "member.transfer": "Chuyển sinh hoạt đảng",
    "party_role.assign": "Giao chức vụ trong Đảng",
    "party_role.end": "Thôi chức vụ trong Đảng",
    "post.assign": "Giao chức vụ chính quyền",
    "post.end": "Thôi chức vụ chính quyền",
    # evaluation
    "evaluation.cycle.open": "Mở kỳ đánh giá",
    "evaluation.cycle.add_subjects": "Thêm đối tượng vào kỳ đánh giá",
    "evaluation.cycle.close": "Đóng kỳ đánh giá",
    "evaluation.cycle.reopen": "Mở lại kỳ đánh giá",
    "evaluation.facts.record": "Ghi dữ kiện đánh giá",
    "evaluation.cycle.calendar": "Đặt lịch các bước của kỳ đánh giá",
    "dossier.document.add": "Thêm tài liệu vào hồ sơ đánh giá",
    "dossier.document.remove": "Gỡ tài liệu khỏi hồ sơ đánh giá",
    "evaluation.tasks.annex": "Ghi số liệu nhiệm vụ theo phụ lục kết quả",
    "criteria.set.save": "Soạn bộ tiêu chí chấm điểm",
    "criteria.set.publish": "Ban hành bộ tiêu chí chấm điểm",
    "criteria.set.bind": "Gắn bộ tiêu chí cho bản đánh giá",
    "criteria.appendix.override": "Chọn phụ lục chấm điểm cho đảng viên",
    "selfassessment.save": "Lưu nháp bản tự kiểm điểm",
    "selfassessment.submit": "Gửi bản tự kiểm điểm",
    "selfassessment.return": "Chi bộ trả lại bản tự kiểm điểm",
    "selfassessment.tasks.import": "Nhập phụ lục nhiệm vụ từ tệp",
    "evaluation.assessment.self": "Gửi bản tự đánh giá",
    "evaluation.assessment.cell": "Chi bộ nhận xét, đề xuất",
    "evaluation.assessment.committee": "Cấp ủy thẩm định",
    "evaluation.decision.decision": "Quyết định xếp loại",
    "evaluation.decision.correction": "Đính chính quyết định xếp loại",
    "evaluation.decision.reclassification": "Hủy và xếp loại lại",
    "evaluation.quota.groups": "Xác định nhóm tính tỷ lệ hoàn thành xuất sắc",
    "evaluation.quota.exception": "Quyết định nâng tỷ lệ hoàn thành xuất sắc (tối đa 25%)",
    "evaluation.quota.group_move": "Chuyển đối tượng sang nhóm tính tỷ lệ hoàn thành xuất sắc",
    # scoring
    "scoring.frame.create": "Ban hành khung chấm điểm",
    "scoring.frame.new_version": "Sửa khung chấm điểm (phiên bản mới)",
    "scoring.group.create": "Lập nhóm xếp hạng",
    "scoring.group.publish": "Công bố kết quả xếp hạng",
    "scoring.sheet.open": "Mở phiếu chấm điểm",
    "scoring.sheet.self_score": "Tự chấm điểm",
    "scoring.sheet.self_submit": "Gửi điểm tự chấm",
    "scoring.sheet.appraise": "Thẩm định điểm",
    "scoring.target.assign": "Giao chỉ tiêu",
    "scoring.target.change": "Cập nhật chỉ tiêu",
    # awards
    "awards.forms.sync": "Cập nhật danh mục hình thức khen thưởng",
    "awards.proposal.generate": "Lập danh sách đề nghị khen thưởng",
    "awards.proposal.adjust": "Sửa danh sách đề nghị khen thưởng",
    "awards.proposal.submit": "Trình danh sách đề nghị khen thưởng",
    "awards.proposal.decide": "Quyết định khen thưởng",
    "awards.decision.correct": "Đính chính quyết định khen thưởng",
    "awards.award.record": "Ghi nhận khen thưởng",
    "awards.history.record": "Nhập kết quả xếp loại các năm trước từ hồ sơ",
    "awards.exemplary.mark": "Chọn tập thể hoàn thành xuất sắc nhiệm vụ tiêu biểu",
    # programs
    "programs.create": "Lập chương trình",
    "programs.adopt": "Thông qua chương trình",
    "programs.item.add": "Thêm nội dung chương trình",
    "programs.item.update": "Sửa nội dung chương trình",
    "programs.item.status": "Cập nhật tiến độ nội dung",
    "programs.item.result": "Ghi kết quả, kết luận",
    "programs.item.remedied": "Ghi nhận đã khắc phục",
    # meetings
    "meetings.create": "Lập hội nghị",
    "meetings.secretary": "Cử thư ký hội nghị",
    "meetings.chair": "Cử chủ trì hội nghị",
    "meetings.guest": "Mời khách dự hội nghị",
    "meetings.convene": "Triệu tập đảng viên",
    "meetings.attendance": "Điểm danh",
    "meetings.attendance.all": "Điểm danh cả danh sách",
    "meetings.participant.flags": "Ghi tình trạng đại biểu",
    "meetings.agenda": "Thêm nội dung chương trình hội nghị",
    "meetings.discussion": "Ghi ý kiến thảo luận",
    "meetings.vote": "Ghi kết quả biểu quyết",
    "meetings.award": "Ghi khen thưởng tại hội nghị",
    "meetings.closing": "Ghi phát biểu bế mạc",
    "meetings.close": "Kết thúc hội nghị",
    # reports and documents
    "report.narrative.save": "Lưu nội dung báo cáo",
    "document.draft": "Lập dự thảo văn bản",
    "document.update_draft": "Sửa dự thảo văn bản",
    "document.issue": "Ban hành văn bản",
    # workbook, exports and downloads
    "import.workbook": "Nhập dữ liệu từ tệp Excel",
    "import.check": "Tải lên tệp Excel để kiểm tra",
    "import.apply": "Nhập tệp Excel đã kiểm tra",
    "import.cancel": "Hủy việc nhập tệp Excel",
    "job.start": "Yêu cầu một việc chạy nền",
    "job.cancel": "Hủy một việc chạy nền",
    "export.members": "Xuất danh sách đảng viên",
    "export.organizations": "Xuất danh sách tổ chức",
    "export.score_sheet": "Tải phiếu chấm điểm",
    "export.report": "Tải báo cáo",
    "export.document": "Tải văn bản",
    "export.awards": "Xuất danh sách khen thưởng",
    "export.award_certificate": "Tải giấy khen, bằng khen",
    "export.self_assessment_form": "Tải bản tự kiểm điểm (Mẫu 01, 2A, 2B, 2C)",
    # operations
    "synth.load": "Nạp dữ liệu tổng hợp",
}

# The first word of an action not listed above (a new one), so the page still says what area
# it is in: "Khen thưởng: …".
AREAS: dict[str, str] = {
    "accounts": "Tài khoản",
    "user": "Tài khoản",
    "grant": "Phân quyền",
    "token": "Khóa truy cập API",
    "login": "Đăng nhập",
    "totp": "Xác thực hai lớp",
    "organization": "Tổ chức",
    "member": "Đảng viên",
    "party_role": "Chức vụ trong Đảng",
    "post": "Chức vụ chính quyền",
    "evaluation": "Đánh giá, xếp loại",
    "scoring": "Chấm điểm",
    "awards": "Khen thưởng",
    "programs": "Chương trình",
    "meetings": "Hội nghị",
    "report": "Báo cáo",
    "document": "Văn bản",
    "import": "Nhập dữ liệu",
    "export": "Xuất dữ liệu",
    "notifications": "Thông báo",
    "backup": "Sao lưu",
    "audit": "Nhật ký",
    "synth": "Dữ liệu tổng hợp",
}

FIELDS: dict[str, str] = {
    "email_digest": "Nhận thư tổng hợp hằng ngày",
    "on_behalf": "Nhập thay",
    "day": "Ngày",
    "sent": "Số thư đã gửi",
    "basis": "Cách chia nhóm",
    "groups": "Các nhóm",
    "peer_group": "Nhóm tương đồng",
    "percent": "Tỷ lệ (%)",
    "replaces": "Thay thế quyết định nâng tỷ lệ",
    "subject_kind": "Loại đối tượng",
    "temporary_cell": "Chi bộ sinh hoạt tạm thời",
    "temporary_cell_comment": "Nhận xét của chi bộ sinh hoạt tạm thời",
    "abstain": "Không biểu quyết",
    "achieved_value": "Kết quả đạt",
    "achievement": "Thành tích",
    "adopted": "Thông qua",
    "adopted_at": "Nơi thông qua",
    "adopted_on": "Ngày thông qua",
    "agency": "Cơ quan",
    "amendment": "Sửa đổi",
    "attendance": "Điểm danh",
    "awards": "Khen thưởng",
    "birth_date": "Ngày sinh",
    "body_size": "Số đảng viên của tổ chức",
    "bytes": "Dung lượng (byte)",
    "candidates": "Người, tập thể được đề nghị",
    "card": "Số thẻ",
    "card_number": "Số thẻ đảng viên",
    "code": "Mã",
    "comment": "Nhận xét",
    "conclusions": "Kết luận",
    "correction_reason": "Lý do đính chính",
    "count": "Số lượng",
    "criteria": "Tiêu chí",
    "date": "Ngày",
    "deciding_body": "Cấp quyết định",
    "decision": "Quyết định",
    "direction": "Chiều đánh giá",
    "dry_run": "Chỉ kiểm tra",
    "email": "Thư điện tử",
    "ended_on": "Ngày thôi",
    "end_reason": "Lý do thôi",
    "evaluation": "Phiếu đánh giá",
    "evidence": "Minh chứng",
    "filename": "Tên tệp",
    "findings": "Kết quả kiểm tra quy tắc",
    "form": "Hình thức",
    "format": "Định dạng tệp",
    "frame": "Khung chấm điểm",
    "full_member_on": "Ngày chính thức",
    "full_name": "Họ và tên",
    "gender": "Giới tính",
    "grades": "Mức đạt từng tiêu chí",
    "held_on": "Ngày họp",
    "is_active": "Đang hoạt động",
    "issuer": "Cơ quan ban hành",
    "issuer_name": "Tên cơ quan ban hành",
    "joined_on": "Ngày vào Đảng",
    "justification": "Lý do",
    "kind": "Loại",
    "level": "Mức xếp loại",
    "max": "Điểm tối đa",
    "member": "Đảng viên",
    "met": "Đạt",
    "met_override": "Đạt (điều chỉnh)",
    "name": "Tên",
    "not_applicable": "Không áp dụng",
    "not_classified_reason": "Lý do không xếp loại",
    "number": "Số",
    "on": "Ngày",
    "organization": "Tổ chức",
    "override_reason": "Lý do điều chỉnh",
    "params": "Tham số",
    "quota_base": "Cách tính tỷ lệ",
    "quota_enforcement": "Cách áp dụng tỷ lệ",
    "parent": "Tổ chức cấp trên",
    "plan": "Kế hoạch",
    "activity": "Hoạt động",
    "content": "Nội dung",
    "in_charge_member": "Người phụ trách",
    "in_charge_organization": "Tổ chức phụ trách",
    "in_charge_text": "Phụ trách",
    "month": "Tháng",
    "subject_members": "Đảng viên là đối tượng",
    "subject_organizations": "Tổ chức là đối tượng",
    "points": "Điểm",
    "present": "Có mặt",
    "profile": "Quy định áp dụng",
    "program": "Chương trình",
    "quarter": "Quý",
    "ranking": "Xếp hạng",
    "reason": "Lý do",
    "recipient": "Người, tập thể được khen",
    "recipient_name": "Tên người, tập thể được khen",
    "remedies_required": "Yêu cầu khắc phục",
    "remedy_deadline": "Hạn khắc phục",
    "remedy_done_on": "Ngày khắc phục xong",
    "result": "Kết quả",
    "role": "Vai trò",
    "rows": "Số dòng",
    "scores": "Điểm",
    "short_name": "Tên viết tắt",
    "shortcomings": "Hạn chế, khuyết điểm",
    "sick_leave_months": "Số tháng nghỉ ốm",
    "signer_name": "Người ký",
    "signer_on_behalf": "Thẩm quyền ký",
    "signer_title": "Chức vụ người ký",
    "status": "Trạng thái",
    "subjects": "Đối tượng",
    "supersedes": "Thay thế quyết định",
    "superuser": "Quản trị hệ thống",
    "target_value": "Chỉ tiêu giao",
    "tasks_by_office": "Số liệu nhiệm vụ do văn phòng ghi nhận",
    "tasks_completed": "Số nhiệm vụ hoàn thành",
    "tasks_exceeded": "Số nhiệm vụ vượt",
    "tasks_late": "Số nhiệm vụ chậm",
    "tasks_on_time": "Số nhiệm vụ đúng hạn",
    "tasks_total": "Tổng số nhiệm vụ",
    "term": "Nhiệm kỳ",
    "text": "Nội dung",
    "tier": "Cấp",
    "title": "Tiêu đề",
    "unit_of_measure": "Đơn vị tính",
    "units": "Đơn vị",
    "user": "Tài khoản",
    "username": "Tên đăng nhập",
    "version": "Phiên bản",
    "votes_against": "Không tán thành",
    "votes_for": "Tán thành",
    "what": "Nội dung xuất",
    "year": "Năm",
    "giá trị": "Giá trị",
}

OBJECT_TYPES: dict[str, str] = {
    "people.Organization": "Tổ chức",
    "people.Member": "Đảng viên",
    "evaluation.Cycle": "Kỳ đánh giá",
    "evaluation.Evaluation": "Phiếu đánh giá",
    "evaluation.Decision": "Quyết định xếp loại",
    "awards.Award": "Khen thưởng",
    "awards.AwardDecision": "Quyết định khen thưởng",
    "awards.AwardProposal": "Đề nghị khen thưởng",
    "awards.PastResult": "Kết quả xếp loại các năm trước",
    "awards.ExemplaryChoice": "Chọn tập thể tiêu biểu",
    "export": "Tệp xuất",
    "notifications.Digest": "Thư tổng hợp thông báo",
}


def action_label(code: str) -> str:
    """`awards.award.record` → «Ghi nhận khen thưởng»; a new action → «Khen thưởng: thao tác
    khác» until it is named here (its code stays in the detail line)."""
    if code in ACTIONS:
        return ACTIONS[code]
    head = code.split(".", 1)[0]
    return f"{AREAS.get(head, 'Thao tác')}: thao tác khác"


def field_label(key: str) -> str:
    """`rows` → «Số dòng»; a nested key reads as its path of labels: `decision.number` →
    «Quyết định › Số»; a criterion code stays a code: `points.1.2` → «Điểm 1.2»."""
    if key in FIELDS:
        return FIELDS[key]
    head, _, rest = key.partition(".")
    if head in FIELDS and rest:
        if rest[:1].isdigit():
            return f"{FIELDS[head]} {rest}"
        return f"{FIELDS[head]} › {field_label(rest)}"
    return "Trường khác"


def object_type_label(code: str) -> str:
    """`awards.Award` → «Khen thưởng»; another model reads as its area."""
    if code in OBJECT_TYPES:
        return OBJECT_TYPES[code]
    head = code.split(".", 1)[0]
    return AREAS.get(head, code and "Đối tượng khác")


# --- values: a recorded value as the product shows it elsewhere --------------------------------

# Integer fields that are amounts (dot thousands: 1.250); other integers are ids, years, months.
COUNTS = frozenset(
    {
        "abstain", "body_size", "bytes", "count", "present", "rows", "sent", "tasks_completed",
        "tasks_exceeded", "tasks_late", "tasks_on_time", "tasks_total", "votes_against",
        "votes_for",
    }
)  # fmt: skip
# Fields whose text holds a decimal number (a score stored as "7.5" reads «7,5»).
DECIMALS = frozenset(
    {
        "achieved_value", "max", "percent", "points", "scores", "sick_leave_months",
        "target_value",
    }
)  # fmt: skip
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})")
_DECIMAL = re.compile(r"-?\d+(\.\d+)?")


@functools.cache
def _choices() -> tuple[dict[str, list[dict[str, str]]], dict[tuple[str, str], dict[str, str]]]:
    """The coded fields' labels, from the models' choices and the regulations' enums: by field
    (every set that field may hold, the first that knows a code wins), and by object type where
    one field name means different sets (`status` of a member, of a decision)."""
    from tongket.accounts.models import Role
    from tongket.evaluation.domain import Grade, Level, NotClassifiedReason
    from tongket.evaluation.models import (
        CycleStatus,
        DecisionKind,
        DecisionStatus,
        SubjectKind,
        Tier,
    )
    from tongket.meetings.models import Attendance, MeetingKind, MeetingStatus
    from tongket.people.models import (
        Gender,
        MemberStatus,
        OrganizationKind,
        PartyRoleKind,
        PostTitle,
    )
    from tongket.programs.models import Activity, ItemStatus, ProgramKind, ProgramStatus
    from tongket.reports.models import DocumentKind, DocumentStatus
    from tongket.scoring.models import Basis, Direction, SheetStatus

    def table(choices: Any) -> dict[str, str]:
        return {str(m.value): str(m.label) for m in choices}

    by_field = {
        "gender": [table(Gender)],
        "status": [
            table(MemberStatus),
            table(DecisionStatus),
            table(CycleStatus),
            table(DocumentStatus),
            table(ProgramStatus),
            table(ItemStatus),
            table(MeetingStatus),
            table(SheetStatus),
        ],
        "kind": [
            table(OrganizationKind),
            table(DecisionKind),
            table(DocumentKind),
            table(MeetingKind),
            table(ProgramKind),
        ],
        "level": [table(Level)],
        "grades": [table(Grade)],
        "not_classified_reason": [table(NotClassifiedReason)],
        "tier": [table(Tier)],
        "subject_kind": [table(SubjectKind)],
        "role": [table(PartyRoleKind), table(Role)],
        "title": [table(PostTitle)],
        "basis": [table(Basis)],
        "direction": [table(Direction)],
        "attendance": [table(Attendance)],
        "activity": [table(Activity)],
    }
    by_object = {
        ("people.Member", "status"): table(MemberStatus),
        ("people.Organization", "kind"): table(OrganizationKind),
        ("evaluation.Cycle", "status"): table(CycleStatus),
        ("evaluation.Decision", "status"): table(DecisionStatus),
        ("evaluation.Decision", "kind"): table(DecisionKind),
    }
    return by_field, by_object


def _choice_label(field: str, code: str, object_type: str) -> str | None:
    by_field, by_object = _choices()
    specific = by_object.get((object_type, field))
    if specific is not None and code in specific:
        return specific[code]
    for labels in by_field.get(field, ()):
        if code in labels:
            return labels[code]
    return None


def value_text(key: str, value: Any, object_type: str = "") -> str:
    """A recorded value in the product's words: «Nữ», «Chính thức», `05/01/2026`, `7,5`, «Có»;
    a nested record as «Số: 5-QĐ/ĐU; Ngày: 20/12/2026». Data (names, numbers of decisions,
    card numbers) stays as written."""
    field = key.rsplit(".", 1)[-1] if key.rsplit(".", 1)[-1] in FIELDS else key.split(".")[0]
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, Mapping):
        return "; ".join(
            f"{FIELDS.get(str(k), str(k))}: {value_text(f'{key}.{k}', v, object_type)}"
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return ", ".join(value_text(key, v, object_type) for v in value)
    if isinstance(value, float):
        return format_decimal(Decimal(repr(value)))
    if isinstance(value, int):
        return format_decimal(value) if field in COUNTS else str(value)
    if not isinstance(value, str):
        return canonical(value)
    label = _choice_label(field, value, object_type)
    if label is not None:
        return label
    moment = _ISO_DATETIME.match(value)
    try:
        if _ISO_DATE.fullmatch(value):
            return date_short(dt.date.fromisoformat(value))
        if moment is not None:
            day, hour, minute = moment.groups()
            return f"{date_short(dt.date.fromisoformat(day))} {hour}:{minute}"
    except ValueError:  # not a calendar date after all: shown as written
        return value
    if field in DECIMALS and _DECIMAL.fullmatch(value):
        return format_decimal(Decimal(value))
    return value
