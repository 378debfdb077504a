"""Every write to frames, peer groups, score sheets and targets: one transaction each, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tongket.accounts.scope import User
from tongket.audit.recorders import EventRecorder
from tongket.audit.services import record_event
from tongket.core.errors import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from tongket.core.locking import locked
from tongket.core.lookups import first_or_not_found, one_or_not_found
from tongket.core.required import require_text
from tongket.core.rules import Finding, Severity, Verdict
from tongket.people.models import Organization, OrganizationKind
from tongket.scoring import domain, permissions, selectors
from tongket.scoring.models import (
    Frame,
    PeerGroup,
    ScoreLine,
    ScoreSheet,
    SheetStatus,
    Target,
)

SEALED_RULE = "scoring.sheet.sealed"


def _user(actor: User | None) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _agency(code: str, field: str) -> Organization:
    org = Organization.objects.filter(code=code.strip()).first()
    if org is None or org.kind != OrganizationKind.AGENCY:
        raise DomainError(
            f"Không có cơ quan mã «{code}».", field=field, rule="scoring.unit.unknown_agency"
        )
    return org


def _require_issuer(actor: User | None, issuer: Organization) -> None:
    if not permissions.can_act_for_issuer(selectors.access_for(actor), issuer.path):
        if permissions.can_read_unit(selectors.access_for(actor), issuer.path):
            raise PermissionDenied("Chỉ cơ quan ban hành khung chấm điểm mới thực hiện được.")
        raise NotFound("Không tìm thấy khung chấm điểm.")


def _frame_errors(frame: domain.Frame) -> None:
    errors = [f for f in frame.validate() if f.severity is Severity.ERROR]
    if errors:
        raise DomainError.from_findings(errors, field="criteria")


# --- frames ------------------------------------------------------------------------------------


@transaction.atomic
def create_frame(
    *, actor: User | None, issuer_code: str, series: str, frame: domain.Frame
) -> Frame:
    """Store a frame (version 1 of its code and year); its structure must pass Frame.validate."""
    issuer = _agency(issuer_code, "issuer")
    _require_issuer(actor, issuer)
    require_text(series, "Chưa nêu loại chấm điểm.", field="series", rule="scoring.required")
    _frame_errors(frame)
    if Frame.objects.filter(issuer=issuer, code=frame.code, year=frame.year).exists():
        raise DomainError(
            f"Khung {frame.code} năm {frame.year} đã có: sửa khung bằng cách tạo phiên bản mới.",
            field="code",
            rule="scoring.frame.exists",
        )
    row = _store_frame(issuer, series.strip(), replace(frame, version=1), supersedes=None)
    record_event(
        actor=actor,
        action="scoring.frame.create",
        object_type="scoring_frame",
        object_id=row.pk,
        org_path=issuer.path,
        summary=f"Tạo khung chấm điểm {row.code} năm {row.year}",
        after={"code": row.code, "year": row.year, "version": 1, "criteria": row.criteria},
    )
    return row


def _store_frame(
    issuer: Organization, series: str, frame: domain.Frame, supersedes: Frame | None
) -> Frame:
    tie = frame.tie_break
    return Frame.objects.create(
        issuer=issuer,
        series=series,
        code=frame.code,
        year=frame.year,
        version=frame.version,
        title=frame.title,
        criteria=[domain.criterion_to_data(c) for c in frame.criteria],
        bands=domain.bands_to_data(frame.bands),
        band_basis=str(frame.band_basis),
        rank_basis=str(frame.rank_basis),
        tie_break_by=str(tie.by) if tie else "",
        tie_break_criterion=tie.criterion if tie else "",
        citation=frame.citation,
        supersedes=supersedes,
        is_sample=frame.is_sample,
    )


@transaction.atomic
def new_frame_version(
    *, actor: User | None, frame_id: int, reason: str, frame: domain.Frame | None = None
) -> Frame:
    """A frame is never edited: the next version copies it (or takes the corrected `frame`).
    Sheets stay on the version they were scored on."""
    old = locked(Frame, frame_id, "issuer", missing="Không tìm thấy khung chấm điểm.")
    _require_issuer(actor, old.issuer)
    require_text(
        reason, "Phải nêu lý do tạo phiên bản mới.", field="reason", rule="scoring.frame.reason"
    )
    if hasattr(old, "superseded_by"):
        raise DomainError(
            "Khung này đã có phiên bản mới hơn: tạo phiên bản từ bản mới nhất.",
            field="frame",
            rule="scoring.frame.not_latest",
        )
    base = frame or selectors.domain_frame(old)
    if (base.code, base.year) != (old.code, old.year):
        raise DomainError(
            "Phiên bản mới phải giữ mã khung và năm.", field="code", rule="scoring.frame.identity"
        )
    new = replace(base, version=old.version + 1)
    _frame_errors(new)
    row = _store_frame(old.issuer, old.series, new, supersedes=old)
    record_event(
        actor=actor,
        action="scoring.frame.new_version",
        object_type="scoring_frame",
        object_id=row.pk,
        org_path=old.issuer.path,
        summary=f"Phiên bản {row.version} của khung {row.code} năm {row.year}: {reason}"[:255],
        before={"version": old.version, "criteria": old.criteria},
        after={"version": row.version, "criteria": row.criteria, "reason": reason},
    )
    return row


@transaction.atomic
def create_peer_group(
    *,
    actor: User | None,
    frame_id: int,
    name: str,
    unit_codes: Iterable[str],
    is_sample: bool = False,
) -> PeerGroup:
    frame = one_or_not_found(
        Frame.objects.select_related("issuer"),
        frame_id,
        "Không tìm thấy khung chấm điểm.",
    )
    _require_issuer(actor, frame.issuer)
    require_text(name, "Chưa đặt tên nhóm.", field="name", rule="scoring.required")
    units = [_agency(code, "units") for code in unit_codes]
    if not units:
        raise DomainError(
            "Nhóm phải có ít nhất một đơn vị.", field="units", rule="scoring.required"
        )
    if PeerGroup.objects.filter(frame=frame, name=name.strip()).exists():
        raise DomainError(
            f"Nhóm «{name}» đã có trong khung này.", field="name", rule="scoring.group.exists"
        )
    taken = PeerGroup.objects.filter(frame=frame, units__in=units).values_list(
        "units__code", flat=True
    )
    overlap = sorted(set(taken) & {u.code for u in units})
    if overlap:
        raise DomainError(
            f"Đơn vị {', '.join(overlap)} đã thuộc một nhóm xếp hạng khác của khung này.",
            field="units",
            rule="scoring.group.unit_in_two_groups",
        )
    group = PeerGroup.objects.create(
        frame=frame, year=frame.year, name=name.strip(), is_sample=is_sample
    )
    group.units.set(units)
    ScoreSheet.objects.filter(frame=frame, unit__in=units).update(peer_group=group)
    record_event(
        actor=actor,
        action="scoring.group.create",
        object_type="scoring_peer_group",
        object_id=group.pk,
        org_path=frame.issuer.path,
        summary=f"Tạo nhóm xếp hạng {group.name} ({group.year})",
        after={"frame": frame.code, "units": sorted(u.code for u in units)},
    )
    return group


# --- sheets ------------------------------------------------------------------------------------


def _locked_sheet(sheet_id: int) -> ScoreSheet:
    return first_or_not_found(
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("unit", "frame", "frame__issuer")
        .filter(pk=sheet_id)
        .order_by(),
        "Không tìm thấy phiếu chấm điểm.",
    )


def _expect_version(sheet: ScoreSheet, expected_version: int | None) -> None:
    """Optimistic locking: the locked sheet must still be at the version the caller read
    (None: the caller read no version)."""
    if expected_version is not None and sheet.version != expected_version:
        raise ConcurrentEdit()


def _refuse_sealed(sheet: ScoreSheet) -> None:
    if sheet.status == SheetStatus.SEALED:
        raise DomainError(
            "Phiếu chấm điểm đã được công bố kết quả nên không sửa được.",
            field="status",
            rule=SEALED_RULE,
        )


def _check_codes(frame: domain.Frame, codes: Iterable[str], field: str) -> None:
    known = {p.criterion.code for p in frame.walk()}
    unknown = sorted(set(codes) - known)
    if unknown:
        raise DomainError(
            f"Không có tiêu chí mã {', '.join(unknown)} trong khung {frame.code}.",
            field=field,
            rule="scoring.score.unknown_criterion",
        )


@transaction.atomic
def open_sheet(*, actor: User | None, unit_code: str, frame_id: int) -> ScoreSheet:
    """The unit's sheet on the frame, created with one line per criterion when missing."""
    unit = _agency(unit_code, "unit")
    frame_row = one_or_not_found(
        Frame.objects.select_related("issuer"),
        frame_id,
        "Không tìm thấy khung chấm điểm.",
    )
    if not (
        permissions.can_write_unit(selectors.access_for(actor), unit.path)
        or permissions.can_act_for_issuer(selectors.access_for(actor), frame_row.issuer.path)
    ):
        raise NotFound("Không tìm thấy đơn vị.")
    existing = ScoreSheet.objects.filter(unit=unit, frame=frame_row).first()
    if existing is not None:
        return existing
    group = PeerGroup.objects.filter(frame=frame_row, units=unit).first()
    sheet = ScoreSheet.objects.create(
        unit=unit,
        frame=frame_row,
        peer_group=group,
        is_sample=unit.is_sample or frame_row.is_sample,
    )
    frame = selectors.domain_frame(frame_row)
    ScoreLine.objects.bulk_create(
        ScoreLine(sheet=sheet, code=p.criterion.code, position=i)
        for i, p in enumerate(frame.walk())
    )
    record_event(
        actor=actor,
        action="scoring.sheet.open",
        object_type="scoring_sheet",
        object_id=sheet.pk,
        org_path=unit.path,
        summary=f"Mở phiếu chấm điểm {frame_row.code} của {unit.name}",
    )
    return sheet


_SHEETS = EventRecorder[ScoreSheet]("scoring_sheet", lambda sheet: sheet.unit.path)


def _save_sheet(
    actor: User | None,
    sheet: ScoreSheet,
    action: str,
    summary: str,
    *,
    after: dict[str, Any],
    before: dict[str, Any] | None = None,
) -> None:
    """Save a changed sheet under its next version (the optimistic check of the next write) and
    audit the change on the sheet's unit."""
    sheet.version += 1
    sheet.save()
    _SHEETS.record(actor, action, sheet, summary, before=before, after=after)


def _verdict_error(verdict: Verdict[Any], field: str) -> None:
    if not verdict.ok:
        raise DomainError.from_findings(verdict.errors, field=field)


@dataclass(frozen=True)
class LineInput:
    """What a unit enters on a criterion (self) or an appraiser writes (appraisal)."""

    score: Decimal | None = None
    text: str = ""  # evidence (self) or comment (appraisal)


@transaction.atomic
def enter_self_scores(
    *,
    actor: User | None,
    sheet_id: int,
    lines: Mapping[str, LineInput],
    not_applicable: Collection[str] = (),
    files: Mapping[str, UploadedFile] | None = None,
    submit: bool = False,
    expected_version: int | None = None,
) -> ScoreSheet:
    """Record the unit's self scores and evidence (replacing the draft's). With `submit` the
    sheet goes to the issuer, and then every applicable criterion must be scored validly.
    `expected_version`: the version the form or client read; another version is ConcurrentEdit."""
    sheet = _locked_sheet(sheet_id)
    if not permissions.can_write_unit(selectors.access_for(actor), sheet.unit.path):
        if permissions.can_read_unit(selectors.access_for(actor), sheet.unit.path):
            raise PermissionDenied()
        raise NotFound("Không tìm thấy phiếu chấm điểm.")
    _expect_version(sheet, expected_version)
    _refuse_sealed(sheet)
    if sheet.status != SheetStatus.DRAFT:
        raise DomainError(
            "Phiếu đã gửi thẩm định: đơn vị không sửa điểm tự chấm được nữa.",
            field="status",
            rule="scoring.sheet.self_closed",
        )
    frame = selectors.domain_frame(sheet.frame)
    _check_codes(frame, [*lines, *not_applicable, *(files or {})], "scores")
    rows = list(sheet.lines.all())
    for row in rows:
        entry = lines.get(row.code, LineInput())
        row.self_score = entry.score
        row.evidence = entry.text.strip()
        row.not_applicable = row.code in not_applicable
        # The appraiser starts from the unit's view of applicability.
        row.appraised_not_applicable = row.not_applicable
    verdict = selectors.compute_self(frame, rows)
    if submit:
        _verdict_error(verdict, "scores")
    else:
        # A draft may be incomplete, never wrong: only missing scores are allowed.
        blocking = [f for f in verdict.errors if f.rule != "scoring.score.missing"]
        if blocking:
            raise DomainError.from_findings(blocking, field="scores")
    ScoreLine.objects.bulk_update(
        rows, ["self_score", "evidence", "not_applicable", "appraised_not_applicable"]
    )
    for row in rows:
        upload = (files or {}).get(row.code)
        if upload is not None:
            row.evidence_file.save(upload.name or "minh-chung", upload, save=True)
    total = verdict.value
    sheet.self_points = total.points
    sheet.self_max = total.max_points
    if submit:
        sheet.status = SheetStatus.SELF_SUBMITTED
        sheet.self_submitted_at = timezone.now()
    _save_sheet(
        actor,
        sheet,
        "scoring.sheet.self_submit" if submit else "scoring.sheet.self_score",
        f"Tự chấm {sheet.frame.code}: {total.points}/{total.max_points}",
        after={
            "scores": {r.code: _s(r.self_score) for r in rows if r.self_score is not None},
            "not_applicable": sorted(not_applicable),
            "points": str(total.points),
            "max": str(total.max_points),
        },
    )
    return sheet


@transaction.atomic
def appraise_sheet(
    *,
    actor: User | None,
    sheet_id: int,
    lines: Mapping[str, LineInput],
    not_applicable: Collection[str] | None = None,
    expected_version: int | None = None,
) -> ScoreSheet:
    """The issuer's appraised score per criterion with its comment; totals and level computed by
    domain.compute_sheet. Allowed after the unit submitted, again until the results are sealed.
    `not_applicable` None keeps the unit's own N/A marks. `expected_version`: the version the form
    or client read; another version is ConcurrentEdit."""
    sheet = _locked_sheet(sheet_id)
    if not permissions.can_act_for_issuer(selectors.access_for(actor), sheet.frame.issuer.path):
        if permissions.can_read_unit(selectors.access_for(actor), sheet.unit.path):
            raise PermissionDenied("Chỉ cơ quan ban hành khung chấm điểm mới thẩm định được.")
        raise NotFound("Không tìm thấy phiếu chấm điểm.")
    _expect_version(sheet, expected_version)
    _refuse_sealed(sheet)
    if sheet.status == SheetStatus.DRAFT:
        raise DomainError(
            "Đơn vị chưa gửi phiếu tự chấm.", field="status", rule="scoring.sheet.not_submitted"
        )
    frame = selectors.domain_frame(sheet.frame)
    _check_codes(frame, [*lines, *(not_applicable or ())], "scores")
    rows = list(sheet.lines.all())
    before = {r.code: _s(r.appraised_score) for r in rows if r.appraised_score is not None}
    for row in rows:
        entry = lines.get(row.code, LineInput())
        row.appraised_score = entry.score
        row.appraiser_comment = entry.text.strip()
        if not_applicable is not None:
            row.appraised_not_applicable = row.code in not_applicable
    verdict = selectors.compute_appraised(frame, rows)
    _verdict_error(verdict, "scores")
    ScoreLine.objects.bulk_update(
        rows, ["appraised_score", "appraiser_comment", "appraised_not_applicable"]
    )
    total = verdict.value
    sheet.appraised_points = total.points
    sheet.appraised_max = total.max_points
    sheet.level_code = total.band.code if total.band else ""
    sheet.level_label = total.band.label if total.band else ""
    sheet.status = SheetStatus.APPRAISED
    sheet.appraised_at = timezone.now()
    _save_sheet(
        actor,
        sheet,
        "scoring.sheet.appraise",
        f"Thẩm định {sheet.frame.code} của {sheet.unit.name}: {total.points}/{total.max_points}",
        before=before or None,
        after={
            "scores": {
                r.code: _s(r.appraised_score) for r in rows if r.appraised_score is not None
            },
            "not_applicable": sorted(r.code for r in rows if r.appraised_not_applicable),
            "points": str(total.points),
            "max": str(total.max_points),
            "level": sheet.level_code,
        },
    )
    return sheet


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def publish_results(*, actor: User | None, group_id: int) -> PeerGroup:
    """The issuer publishes a peer group's results: every unit must have an appraised sheet;
    ranks are computed (domain.rank_sheets) and every sheet is sealed, never to be edited."""
    group = locked(
        PeerGroup, group_id, "frame", "frame__issuer", missing="Không tìm thấy nhóm xếp hạng."
    )
    _require_issuer(actor, group.frame.issuer)
    if group.published_at is not None:
        raise DomainError("Kết quả của nhóm này đã được công bố.", field="group", rule=SEALED_RULE)
    # Lock the group's sheets (only their rows: no ordering joins) before ranking them.
    list(
        ScoreSheet.objects.select_for_update(of=("self",)).filter(frame=group.frame).order_by("pk")
    )
    ranked, sheets = selectors.rank_group(group)
    missing = sorted(
        group.units.exclude(pk__in=[s.unit_id for s in sheets.values()]).values_list(
            "name", flat=True
        )
    )
    if missing:
        raise DomainError.from_findings(
            [
                Finding(
                    rule="scoring.publish.not_appraised",
                    citation=domain.RANKING_CITATION,
                    message=f"{name} chưa có phiếu đã thẩm định.",
                    subject=name,
                )
                for name in missing
            ],
            field="group",
        )
    now = timezone.now()
    for entry in ranked:
        sheet = sheets[entry.key]
        sheet.rank = entry.rank
        sheet.rank_of = len(ranked)
        sheet.status = SheetStatus.SEALED
        sheet.sealed_at = now
        sheet.peer_group = group
        sheet.version += 1
    ScoreSheet.objects.bulk_update(
        list(sheets.values()), ["rank", "rank_of", "status", "sealed_at", "peer_group", "version"]
    )
    group.published_at = now
    group.published_by = _user(actor)
    group.save(update_fields=["published_at", "published_by"])
    record_event(
        actor=actor,
        action="scoring.group.publish",
        object_type="scoring_peer_group",
        object_id=group.pk,
        org_path=group.frame.issuer.path,
        summary=f"Công bố kết quả {group.name} ({group.year})",
        after={
            "ranking": [
                {
                    "unit": sheets[e.key].unit.code,
                    "points": str(sheets[e.key].appraised_points),
                    "max": str(sheets[e.key].appraised_max),
                    "rank": e.rank,
                }
                for e in ranked
            ]
        },
    )
    return group


# --- targets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetInput:
    name: str
    unit_of_measure: str
    target_value: Decimal
    achieved_value: Decimal | None = None
    direction: str = str(domain.TargetDirection.HIGHER_IS_BETTER)
    met_override: bool | None = None
    override_reason: str = ""
    evidence: str = ""
    sort_order: int = 0


def _target_snapshot(t: Target) -> dict[str, Any]:
    return {
        "name": t.name,
        "unit_of_measure": t.unit_of_measure,
        "direction": t.direction,
        "target_value": str(t.target_value),
        "achieved_value": _s(t.achieved_value),
        "met": t.met,
        "met_override": t.met_override,
        "override_reason": t.override_reason,
        "evidence": t.evidence,
        "version": t.version,
    }


@transaction.atomic
def set_target(
    *,
    actor: User | None,
    unit_code: str,
    issuer_code: str,
    year: int,
    data: TargetInput,
    replaces: int | None = None,
    reason: str = "",
    is_sample: bool = False,
) -> Target:
    """Assign a target, or change one (`replaces` = the current version's id, with a reason):
    a change adds the next version and keeps the previous one as history. `met` is computed by
    domain.Target.is_met (an override needs its reason)."""
    unit = _agency(unit_code, "unit")
    issuer = _agency(issuer_code, "issuer")
    _require_issuer(actor, issuer)
    require_text(data.name, "Chưa nêu tên chỉ tiêu.", field="name", rule="scoring.required")
    require_text(
        data.unit_of_measure,
        "Chưa nêu đơn vị tính.",
        field="unit_of_measure",
        rule="scoring.required",
    )
    if year < 1945 or year > dt.date.today().year + 5:
        raise DomainError(f"Năm {year} không hợp lệ.", field="year", rule="scoring.target.year")
    try:
        direction = domain.TargetDirection(data.direction)
    except ValueError as exc:
        raise DomainError(
            "Chiều đánh giá chỉ tiêu không hợp lệ.", field="direction", rule="scoring.target"
        ) from exc
    rule = domain.Target(
        name=data.name.strip(),
        unit_of_measure=data.unit_of_measure.strip(),
        target_value=data.target_value,
        achieved_value=data.achieved_value,
        direction=direction,
        met_override=data.met_override,
        override_reason=data.override_reason.strip(),
    )
    previous: Target | None = None
    if replaces is not None:
        previous = first_or_not_found(
            Target.objects.select_for_update()
            .filter(pk=replaces, unit=unit, issuer=issuer, year=year)
            .order_by("pk"),
            "Không tìm thấy chỉ tiêu.",
        )
        if not previous.is_current:
            raise DomainError(
                "Chỉ tiêu này đã có phiên bản mới hơn.",
                field="replaces",
                rule="scoring.target.not_current",
            )
        require_text(
            reason,
            "Phải nêu lý do thay đổi chỉ tiêu.",
            field="reason",
            rule="scoring.target.reason",
        )
    clash = Target.objects.filter(
        unit=unit, issuer=issuer, year=year, name=rule.name, is_current=True
    )
    if previous is not None:
        clash = clash.exclude(pk=previous.pk)
    if clash.exists():
        raise DomainError(
            f"Chỉ tiêu «{rule.name}» năm {year} đã được giao cho đơn vị.",
            field="name",
            rule="scoring.target.exists",
        )
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    target = Target.objects.create(
        lineage=previous.lineage if previous else Target._meta.get_field("lineage").default(),
        version=previous.version + 1 if previous else 1,
        unit=unit,
        issuer=issuer,
        year=year,
        name=rule.name,
        unit_of_measure=rule.unit_of_measure,
        direction=str(direction),
        target_value=rule.target_value,
        achieved_value=rule.achieved_value,
        met=rule.is_met(),
        met_override=rule.met_override,
        override_reason=rule.override_reason,
        evidence=data.evidence.strip(),
        change_reason=reason.strip(),
        changed_by=_user(actor),
        sort_order=data.sort_order,
        is_sample=is_sample,
    )
    record_event(
        actor=actor,
        action="scoring.target.change" if previous else "scoring.target.assign",
        object_type="scoring_target",
        object_id=target.pk,
        org_path=unit.path,
        summary=f"{'Sửa' if previous else 'Giao'} chỉ tiêu {target.name} năm {year}",
        before=_target_snapshot(previous) if previous else None,
        after=_target_snapshot(target),
    )
    return target
