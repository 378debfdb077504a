"""The workbook sheets «Bảng điểm» (score sheet lines) and «Chỉ tiêu» (targets).

«Bảng điểm» is the row-per-criterion form of the score sheets of docs/import-scores.md: the same
column headings, the same number and «x» parsing (tongket.scoring.excel), the same rules
(`domain.compute_sheet`), written through the same services. Rows of one unit on one frame form
one sheet; criteria the file does not list keep their values, and a column group left out of
the header (the self-score columns or the appraisal columns) is not touched. Self scores are
entered as a draft (`enter_self_scores`, the unit then submits on the sheet's page); appraised
scores go through `appraise_sheet` (the issuer, after the unit submitted). A sealed sheet is never
written: a file that would change it is refused with `scoring.sheet.sealed`.

«Chỉ tiêu» upserts targets by unit, issuer, year and name through `set_target`: a changed target
becomes its next version and needs «Lý do thay đổi» (`scoring.target.reason`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tongket.core.errors import DomainError
from tongket.core.text import is_digits
from tongket.exchange.rows import chunks, read_year, refuse_findings, refuse_row, refuse_row_error
from tongket.exchange.workbook import (
    Action,
    Column,
    ColumnKind,
    ImportContext,
    RowReader,
    SheetHandler,
    choice_lookup,
    clean_text,
)
from tongket.people.models import Organization, OrganizationKind
from tongket.scoring import domain, permissions, selectors, services
from tongket.scoring.excel import COLUMNS, YES
from tongket.scoring.excel import _number as parse_number
from tongket.scoring.models import Direction, Frame, ScoreLine, ScoreSheet, SheetStatus, Target

HEADING = dict(COLUMNS)  # column letter of the per-unit layout → its heading
SELF_KEYS = ("not_applicable", "self_score", "evidence")
APPRAISAL_KEYS = ("appraised_not_applicable", "appraised_score", "comment")


def read_number(reader: RowReader, key: str, *, required: bool = False) -> Decimal | None:
    value = reader.row.values.get(key)
    try:
        number = parse_number(value)
    except ValueError:
        reader.problem(
            key,
            "import.cell.number",
            f"«{clean_text(value)}» không phải là một số (dấu thập phân là dấu phẩy: 19,5).",
        )
        return None
    if number is None and required:
        reader.problem(key, "import.cell.required", "Ô này không được để trống.")
    return number


def read_mark(reader: RowReader, key: str) -> bool:
    text = reader.text(key, max_length=10).lower()
    if text and text not in YES:
        reader.problem(key, "import.cell.choice", "Ghi «x» nếu không áp dụng, để trống nếu có.")
    return bool(text) and text in YES


def _same_text(stored: str, given: str) -> bool:
    return clean_text(stored) == given


def _agencies(codes: set[str]) -> dict[str, Organization]:
    found: dict[str, Organization] = {}
    for chunk in chunks(sorted(codes)):
        for org in Organization.objects.filter(code__in=chunk, kind=OrganizationKind.AGENCY):
            found[org.code] = org
    return found


# --- Score sheet lines -------------------------------------------------------------------------


@dataclass
class LineRow:
    row: int
    letters: dict[str, str]
    unit_code: str
    year: int
    frame_code: str
    version: int
    criterion: str
    not_applicable: bool
    self_score: Decimal | None
    evidence: str
    appraised_not_applicable: bool
    appraised_score: Decimal | None
    comment: str
    group: ScoreGroup | None = None

    @property
    def has_self(self) -> bool:
        return any(k in self.letters for k in SELF_KEYS)

    @property
    def has_appraisal(self) -> bool:
        return any(k in self.letters for k in APPRAISAL_KEYS)

    @property
    def sheet_key(self) -> tuple[str, str, int, int]:
        return (self.unit_code, self.frame_code, self.year, self.version)

    def value(self, key: str, _row: int | None = None) -> Any:
        return getattr(self, key, "")


@dataclass
class ScoreGroup:
    """The rows of one unit on one frame: the sheet they write, merged with what is stored."""

    rows: list[LineRow]
    unit: Organization
    frame: Frame
    sheet: ScoreSheet | None
    self_values: dict[str, tuple[bool, Decimal | None, str]] = field(default_factory=dict)
    appraisal_values: dict[str, tuple[bool, Decimal | None, str]] = field(default_factory=dict)
    self_changed: bool = False
    appraisal_changed: bool = False
    changed_rows: set[int] = field(default_factory=set)

    @property
    def rows_by_code(self) -> dict[str, int]:
        return {r.criterion: r.row for r in self.rows}


class ScoreLineSheet(SheetHandler[LineRow]):
    key = "score_lines"
    title = "Bảng điểm"
    description = (
        "Điểm chấm từng tiêu chí của đơn vị theo khung chấm điểm, mỗi dòng một tiêu chí; khóa là "
        "mã đơn vị, mã khung, năm, phiên bản và mã tiêu chí. Điểm tự chấm được ghi như bản nháp "
        "(đơn vị gửi thẩm định trên trang phiếu); điểm thẩm định do cơ quan ban hành khung ghi."
    )
    order = 60
    columns = (
        Column("unit_code", "Mã đơn vị", True, "Mã cơ quan được chấm điểm.", "UBND.QT.SGDDT", 18),
        Column("year", "Năm", True, "Năm của khung chấm điểm.", "2020", 8),
        Column("frame_code", "Khung chấm điểm", True, "Mã khung.", "QT-HTNV-SBN-2020", 22),
        Column("version", "Phiên bản", False, "Phiên bản khung; để trống là 1.", "1", 10),
        Column("criterion", HEADING["A"], True, "Mã tiêu chí trong khung.", "1.1", 12),
        Column("title", HEADING["B"], False, "Chỉ để dễ đọc; không được nhập.", "", 40),
        Column("not_applicable", HEADING["D"], False, "Ghi «x» nếu không áp dụng.", "", 12),
        Column("self_score", HEADING["E"], False, "Số; dấu thập phân là dấu phẩy.", "19,5", 12),
        Column("evidence", HEADING["F"], False, "", "Báo cáo kết quả năm.", 30),
        Column("appraised_not_applicable", HEADING["G"], False, "Ghi «x» nếu không áp dụng.", ""),
        Column("appraised_score", HEADING["H"], False, "Số; do cơ quan ban hành khung ghi.", ""),
        Column("comment", HEADING["I"], False, "", "", 30),
    )
    kinds = {
        "unit_code": ColumnKind.ORGANIZATION,
        "year": ColumnKind.NUMBER,
        "frame_code": ColumnKind.CODE,
        "criterion": ColumnKind.CODE,
    }
    field_columns = {
        "unit": "unit_code",
        "frame": "frame_code",
        "scores": "self_score",
        "status": "criterion",
    }

    def parse(self, reader: RowReader) -> LineRow | None:
        version_text = reader.text("version", max_length=6)
        version = 1
        if version_text:
            if is_digits(version_text) and int(version_text) >= 1:
                version = int(version_text)
            else:
                reader.problem(
                    "version", "import.cell.number", "Phiên bản phải là số nguyên dương."
                )
        row = LineRow(
            row=reader.row.number,
            letters=reader.row.letters,
            unit_code=reader.text("unit_code", required=True, max_length=64),
            year=read_year(reader, "year") or 0,
            frame_code=reader.text("frame_code", required=True, max_length=64),
            version=version,
            criterion=reader.text("criterion", required=True, max_length=32),
            not_applicable=read_mark(reader, "not_applicable"),
            self_score=read_number(reader, "self_score"),
            evidence=reader.text("evidence", max_length=4000),
            appraised_not_applicable=read_mark(reader, "appraised_not_applicable"),
            appraised_score=read_number(reader, "appraised_score"),
            comment=reader.text("comment", max_length=4000),
        )
        return row if reader.ok else None

    def _refuse_rows(
        self, ctx: ImportContext, rows: list[LineRow], key: str, rule: str, message: str
    ) -> None:
        for r in rows:
            ctx.refuse(self, r.row, key, r.value(key), rule, message, letters=r.letters)

    def plan(self, records: list[LineRow], ctx: ImportContext) -> list[LineRow]:
        by_sheet: dict[tuple[str, str, int, int], list[LineRow]] = {}
        for r in records:
            by_sheet.setdefault(r.sheet_key, []).append(r)
        units = _agencies({r.unit_code for r in records})
        todo: list[LineRow] = []
        for (unit_code, code, year, version), rows in by_sheet.items():
            group = self._group(ctx, rows, units.get(unit_code), code, year, version)
            if group is None:
                continue
            if not (group.self_changed or group.appraisal_changed):
                for r in rows:
                    ctx.record(self, r.row, self._key(r), Action.UNCHANGED)
                continue
            if self._check(ctx, group):
                rows[0].group = group
                todo.append(rows[0])
        return todo

    def _key(self, r: LineRow) -> str:
        return f"{r.unit_code} · {r.frame_code} · {r.criterion}"

    def _group(
        self,
        ctx: ImportContext,
        rows: list[LineRow],
        unit: Organization | None,
        code: str,
        year: int,
        version: int,
    ) -> ScoreGroup | None:
        frames = list(Frame.objects.filter(code=code, year=year, version=version)[:2])
        if len(frames) != 1:
            self._refuse_rows(
                ctx,
                rows,
                "frame_code",
                "scoring.frame.unknown",
                f"Không có khung chấm điểm {code} năm {year} phiên bản {version}."
                if not frames
                else f"Có nhiều khung mã {code} năm {year}: liên hệ quản trị.",
            )
            return None
        frame = frames[0]
        if unit is None or not (
            permissions.can_read_unit(selectors.access_for(ctx.actor), unit.path)
            or permissions.can_act_for_issuer(selectors.access_for(ctx.actor), frame.issuer.path)
        ):
            self._refuse_rows(
                ctx,
                rows,
                "unit_code",
                "scoring.unit.unknown_agency",
                f"Không có cơ quan mã «{rows[0].unit_code}».",
            )
            return None
        known = {p.criterion.code for p in selectors.domain_frame(frame).walk()}
        seen: dict[str, int] = {}
        ok = True
        for r in rows:
            if r.criterion not in known:
                ok = False
                self._refuse_rows(
                    ctx,
                    [r],
                    "criterion",
                    "scoring.score.unknown_criterion",
                    f"Không có tiêu chí mã «{r.criterion}» trong khung {code}.",
                )
            elif r.criterion in seen:
                ok = False
                self._refuse_rows(
                    ctx,
                    [r],
                    "criterion",
                    "import.score.duplicate_criterion",
                    f"Tiêu chí {r.criterion} đã có ở dòng {seen[r.criterion]}.",
                )
            else:
                seen[r.criterion] = r.row
        if not ok:
            return None
        sheet = ScoreSheet.objects.filter(unit=unit, frame=frame).first()
        stored: dict[str, ScoreLine] = {ln.code: ln for ln in sheet.lines.all()} if sheet else {}
        group = ScoreGroup(rows, unit, frame, sheet)
        for code_ in known:
            line = stored.get(code_)
            group.self_values[code_] = (
                (line.not_applicable, line.self_score, line.evidence) if line else (False, None, "")
            )
            group.appraisal_values[code_] = (
                (line.appraised_not_applicable, line.appraised_score, line.appraiser_comment)
                if line
                else (False, None, "")
            )
        for r in rows:
            if r.has_self:
                na, score, text = group.self_values[r.criterion]
                if (na, score, clean_text(text)) != (r.not_applicable, r.self_score, r.evidence):
                    group.self_changed = True
                    group.changed_rows.add(r.row)
                    group.self_values[r.criterion] = (r.not_applicable, r.self_score, r.evidence)
            if r.has_appraisal:
                na, score, text = group.appraisal_values[r.criterion]
                given = (r.appraised_not_applicable, r.appraised_score, r.comment)
                if (na, score, clean_text(text)) != given:
                    group.appraisal_changed = True
                    group.changed_rows.add(r.row)
                    group.appraisal_values[r.criterion] = given
        return group

    def _check(self, ctx: ImportContext, group: ScoreGroup) -> bool:
        """Permission, status and the rules of the sheet, before anything is written."""
        before = len(ctx.problems)
        changed = [r for r in group.rows if r.row in group.changed_rows]
        status = group.sheet.status if group.sheet else SheetStatus.DRAFT
        if status == SheetStatus.SEALED:
            self._refuse_rows(
                ctx,
                changed,
                "criterion",
                services.SEALED_RULE,
                "Phiếu chấm điểm đã được công bố kết quả nên không sửa được.",
            )
            return False
        pure = selectors.domain_frame(group.frame)
        rows = group.rows_by_code
        if group.self_changed:
            if not permissions.can_write_unit(selectors.access_for(ctx.actor), group.unit.path):
                self._refuse_rows(
                    ctx,
                    changed[:1],
                    "unit_code",
                    "access.denied",
                    "Bạn không có quyền nhập điểm tự chấm của đơn vị này.",
                )
            elif status != SheetStatus.DRAFT:
                self._refuse_rows(
                    ctx,
                    changed[:1],
                    "self_score",
                    "scoring.sheet.self_closed",
                    "Phiếu đã gửi thẩm định: đơn vị không sửa điểm tự chấm được nữa.",
                )
            else:
                self._rule_check(ctx, group, pure, group.self_values, rows, "self_score", True)
        if group.appraisal_changed:
            if not permissions.can_act_for_issuer(
                selectors.access_for(ctx.actor), group.frame.issuer.path
            ):
                self._refuse_rows(
                    ctx,
                    changed[:1],
                    "appraised_score",
                    "access.denied",
                    "Chỉ cơ quan ban hành khung chấm điểm mới thẩm định được.",
                )
            elif status == SheetStatus.DRAFT:
                self._refuse_rows(
                    ctx,
                    changed[:1],
                    "appraised_score",
                    "scoring.sheet.not_submitted",
                    "Đơn vị chưa gửi phiếu tự chấm.",
                )
            else:
                self._rule_check(
                    ctx, group, pure, group.appraisal_values, rows, "appraised_score", False
                )
        return len(ctx.problems) == before

    def _rule_check(
        self,
        ctx: ImportContext,
        group: ScoreGroup,
        pure: domain.Frame,
        values: dict[str, tuple[bool, Decimal | None, str]],
        rows: dict[str, int],
        key: str,
        draft: bool,
    ) -> None:
        na = sorted(c for c, (mark, _s, _t) in values.items() if mark)
        scores = {c: s for c, (mark, s, _t) in values.items() if not mark and s is not None}
        verdict = domain.compute_sheet(pure, scores, na)
        first = group.rows[0]
        for finding in verdict.errors:
            if draft and finding.rule == "scoring.score.missing":
                continue
            at = rows.get(finding.subject)
            row = next((r for r in group.rows if r.row == at), first)
            ctx.refuse(
                self,
                row.row,
                key,
                row.value(key),
                finding.rule,
                finding.message,
                letters=row.letters,
            )

    def apply(self, record: LineRow, ctx: ImportContext) -> None:
        group = record.group
        assert group is not None
        rows = group.rows_by_code
        stage = "self_score"
        try:
            sheet = group.sheet
            if group.self_changed:
                sheet = services.open_sheet(
                    actor=ctx.actor, unit_code=group.unit.code, frame_id=group.frame.pk
                )
                lines, na = self._inputs(group.self_values)
                services.enter_self_scores(
                    actor=ctx.actor, sheet_id=sheet.pk, lines=lines, not_applicable=na
                )
            if group.appraisal_changed:
                stage = "appraised_score"
                assert sheet is not None
                lines, na = self._inputs(group.appraisal_values)
                services.appraise_sheet(
                    actor=ctx.actor, sheet_id=sheet.pk, lines=lines, not_applicable=na
                )
        except DomainError as exc:
            refuse_findings(
                self,
                ctx,
                record.row,
                record.letters,
                exc,
                default_key=stage,
                rows_by_subject=rows,
            )
            return
        action = Action.CREATE if group.sheet is None else Action.UPDATE
        for r in group.rows:
            ctx.record(
                self,
                r.row,
                self._key(r),
                action if r.row in group.changed_rows else Action.UNCHANGED,
            )

    def _inputs(
        self, values: dict[str, tuple[bool, Decimal | None, str]]
    ) -> tuple[dict[str, services.LineInput], set[str]]:
        lines = {
            code: services.LineInput(score, text)
            for code, (_na, score, text) in values.items()
            if score is not None or text
        }
        return lines, {code for code, (na, _s, _t) in values.items() if na}

    def export_rows(self, user: Any) -> Iterator[list[Any]]:
        lines = (
            ScoreLine.objects.filter(sheet__in=selectors.visible_sheets(user))
            .select_related("sheet__unit", "sheet__frame__issuer")
            .order_by(
                "sheet__frame__year",
                "sheet__frame__code",
                "sheet__frame__version",
                "sheet__unit__path",
                "position",
            )
        )
        titles: dict[int, dict[str, str]] = {}
        for ln in lines.iterator(chunk_size=2000):
            sheet = ln.sheet
            if sheet.frame_id not in titles:
                titles[sheet.frame_id] = {
                    p.criterion.code: "    " * p.depth + p.criterion.title
                    for p in selectors.domain_frame(sheet.frame).walk()
                }
            yield [
                sheet.unit.code,
                sheet.frame.year,
                sheet.frame.code,
                sheet.frame.version,
                ln.code,
                titles[sheet.frame_id].get(ln.code, ""),
                "x" if ln.not_applicable else "",
                ln.self_score,
                ln.evidence,
                "x" if ln.appraised_not_applicable else "",
                ln.appraised_score,
                ln.appraiser_comment,
            ]


# --- Targets -----------------------------------------------------------------------------------

DIRECTIONS = choice_lookup(Direction.choices)
DIRECTION_HELP = ", ".join(f"«{label}»" for _v, label in Direction.choices)
OVERRIDES = choice_lookup([("met", "Đạt"), ("not_met", "Không đạt")])


@dataclass
class TargetRow:
    row: int
    letters: dict[str, str]
    unit_code: str
    issuer_code: str
    year: int
    name: str
    unit_of_measure: str
    direction: str
    target_value: Decimal
    achieved_value: Decimal | None
    met_override: bool | None
    override_reason: str
    evidence: str
    change_reason: str
    action: Action = Action.UNCHANGED
    replaces: int | None = None
    sort_order: int = 0

    @property
    def natural_key(self) -> tuple[str, str, int, str]:
        return (self.unit_code, self.issuer_code, self.year, self.name)

    def value(self, key: str, _row: int | None = None) -> Any:
        return getattr(self, key, "")


class TargetSheet(SheetHandler[TargetRow]):
    key = "targets"
    title = "Chỉ tiêu"
    description = (
        "Chỉ tiêu giao cho đơn vị và kết quả thực hiện, mỗi dòng một chỉ tiêu; khóa là mã đơn "
        "vị, mã cơ quan giao, năm và tên chỉ tiêu. Sửa chỉ tiêu đã có là tạo phiên bản mới, phải "
        "ghi lý do thay đổi."
    )
    order = 70
    columns = (
        Column("unit_code", "Mã đơn vị", True, "Mã cơ quan được giao chỉ tiêu.", "UBND.QT.SGDDT"),
        Column("issuer_code", "Mã cơ quan giao", True, "Cơ quan giao chỉ tiêu.", "UBND.QT"),
        Column("year", "Năm", True, "", "2020", 8),
        Column("name", "Chỉ tiêu", True, "Tên chỉ tiêu; là khóa để cập nhật.", "", 40),
        Column("unit_of_measure", "Đơn vị tính", True, "", "%", 12),
        Column("direction", "Chiều đánh giá", False, DIRECTION_HELP, "Càng cao càng tốt", 20),
        Column("target_value", "Chỉ tiêu giao", True, "Số.", "95", 12),
        Column("achieved_value", "Kết quả đạt", False, "Số; để trống khi chưa có.", "97,5", 12),
        Column(
            "met_override",
            "Ghi nhận đạt/không đạt",
            False,
            "«Đạt» hoặc «Không đạt» khi cơ quan giao ghi nhận khác với so sánh số liệu.",
            "",
            14,
        ),
        Column("override_reason", "Lý do ghi nhận", False, "Bắt buộc khi có ghi nhận.", "", 24),
        Column("evidence", "Minh chứng", False, "", "", 24),
        Column(
            "change_reason",
            "Lý do thay đổi",
            False,
            "Bắt buộc khi sửa chỉ tiêu đã có (tạo phiên bản mới).",
            "",
            24,
        ),
        Column("met", "Kết quả", False, "Chỉ để đọc: «Đạt» hoặc «Không đạt».", "", 12),
    )
    kinds = {
        "unit_code": ColumnKind.ORGANIZATION,
        "issuer_code": ColumnKind.ORGANIZATION,
        "year": ColumnKind.NUMBER,
        "direction": ColumnKind.CHOICE,
        "target_value": ColumnKind.NUMBER,
        "achieved_value": ColumnKind.NUMBER,
        "met_override": ColumnKind.CHOICE,
    }
    choices = {
        "direction": [label for _value, label in Direction.choices],
        "met_override": ["Đạt", "Không đạt"],
    }
    field_columns = {
        "unit": "unit_code",
        "issuer": "issuer_code",
        "name": "name",
        "unit_of_measure": "unit_of_measure",
        "year": "year",
        "direction": "direction",
        "reason": "change_reason",
        "override_reason": "override_reason",
        "replaces": "name",
    }

    def parse(self, reader: RowReader) -> TargetRow | None:
        override = reader.choice("met_override", OVERRIDES, "«Đạt», «Không đạt»")
        row = TargetRow(
            row=reader.row.number,
            letters=reader.row.letters,
            unit_code=reader.text("unit_code", required=True, max_length=64),
            issuer_code=reader.text("issuer_code", required=True, max_length=64),
            year=read_year(reader, "year") or 0,
            name=reader.text("name", required=True, max_length=400),
            unit_of_measure=reader.text("unit_of_measure", required=True, max_length=40),
            direction=reader.choice("direction", DIRECTIONS, DIRECTION_HELP)
            or Direction.HIGHER_IS_BETTER.value,
            target_value=read_number(reader, "target_value", required=True) or Decimal(0),
            achieved_value=read_number(reader, "achieved_value"),
            met_override=None if not override else override == "met",
            override_reason=reader.text("override_reason", max_length=4000),
            evidence=reader.text("evidence", max_length=4000),
            change_reason=reader.text("change_reason", max_length=400),
        )
        return row if reader.ok else None

    def plan(self, records: list[TargetRow], ctx: ImportContext) -> list[TargetRow]:
        agencies = _agencies({r.unit_code for r in records} | {r.issuer_code for r in records})
        current: dict[tuple[str, str, int, str], Target] = {}
        units = sorted({r.unit_code for r in records})
        for chunk in chunks(units):
            for t in Target.objects.filter(
                unit__code__in=chunk, is_current=True, year__in={r.year for r in records}
            ).select_related("unit", "issuer"):
                current[(t.unit.code, t.issuer.code, t.year, clean_text(t.name))] = t
        next_order: dict[tuple[str, str, int], int] = {}
        seen: dict[tuple[str, str, int, str], int] = {}
        todo: list[TargetRow] = []
        for r in records:
            if r.natural_key in seen:
                refuse_row(
                    self,
                    ctx,
                    r,
                    "name",
                    "import.target.duplicate",
                    f"Chỉ tiêu trùng với dòng {seen[r.natural_key]} của cùng trang.",
                )
                continue
            seen[r.natural_key] = r.row
            unit = agencies.get(r.unit_code)
            if unit is None or not permissions.can_read_unit(
                selectors.access_for(ctx.actor), unit.path
            ):
                refuse_row(
                    self,
                    ctx,
                    r,
                    "unit_code",
                    "scoring.unit.unknown_agency",
                    f"Không có cơ quan mã «{r.unit_code}».",
                )
                continue
            issuer = agencies.get(r.issuer_code)
            if issuer is None:
                refuse_row(
                    self,
                    ctx,
                    r,
                    "issuer_code",
                    "scoring.unit.unknown_agency",
                    f"Không có cơ quan mã «{r.issuer_code}».",
                )
                continue
            now = current.get(r.natural_key)
            if now is not None and self._same(now, r):
                ctx.record(self, r.row, self._label(r), Action.UNCHANGED)
                continue
            if not permissions.can_act_for_issuer(selectors.access_for(ctx.actor), issuer.path):
                refuse_row(
                    self,
                    ctx,
                    r,
                    "issuer_code",
                    "access.denied",
                    "Chỉ cơ quan giao chỉ tiêu mới sửa được.",
                )
                continue
            if now is not None:
                if not r.change_reason:
                    refuse_row(
                        self,
                        ctx,
                        r,
                        "change_reason",
                        "scoring.target.reason",
                        "Chỉ tiêu đã có: phải nêu lý do thay đổi (sẽ tạo phiên bản mới).",
                    )
                    continue
                r.replaces, r.sort_order, r.action = now.pk, now.sort_order, Action.UPDATE
            else:
                scope_key = (r.unit_code, r.issuer_code, r.year)
                if scope_key not in next_order:
                    next_order[scope_key] = Target.objects.filter(
                        unit=unit, issuer=issuer, year=r.year, is_current=True
                    ).count()
                r.sort_order = next_order[scope_key]
                next_order[scope_key] += 1
                r.action = Action.CREATE
            todo.append(r)
        return todo

    def _same(self, t: Target, r: TargetRow) -> bool:
        return (
            clean_text(t.unit_of_measure) == r.unit_of_measure
            and t.direction == r.direction
            and t.target_value == r.target_value
            and t.achieved_value == r.achieved_value
            and t.met_override == r.met_override
            and _same_text(t.override_reason, r.override_reason)
            and _same_text(t.evidence, r.evidence)
        )

    def _label(self, r: TargetRow) -> str:
        return f"{r.unit_code} · {r.year} · {r.name}"

    def apply(self, record: TargetRow, ctx: ImportContext) -> None:
        try:
            services.set_target(
                actor=ctx.actor,
                unit_code=record.unit_code,
                issuer_code=record.issuer_code,
                year=record.year,
                data=services.TargetInput(
                    name=record.name,
                    unit_of_measure=record.unit_of_measure,
                    target_value=record.target_value,
                    achieved_value=record.achieved_value,
                    direction=record.direction,
                    met_override=record.met_override,
                    override_reason=record.override_reason,
                    evidence=record.evidence,
                    sort_order=record.sort_order,
                ),
                replaces=record.replaces,
                reason=record.change_reason,
            )
        except DomainError as exc:
            refuse_row_error(self, ctx, record, exc, default_key="name")
            return
        detail = "phiên bản mới" if record.action is Action.UPDATE else ""
        ctx.record(self, record.row, self._label(record), record.action, detail)

    def export_rows(self, user: Any) -> Iterator[list[Any]]:
        targets = (
            selectors.visible_targets(user)
            .filter(is_current=True)
            .order_by("unit__path", "year", "issuer__path", "sort_order", "name")
        )
        for t in targets.iterator(chunk_size=2000):
            override = "" if t.met_override is None else ("Đạt" if t.met_override else "Không đạt")
            yield [
                t.unit.code,
                t.issuer.code,
                t.year,
                t.name,
                t.unit_of_measure,
                t.get_direction_display(),
                t.target_value,
                t.achieved_value,
                override,
                t.override_reason,
                t.evidence,
                "",
                "Đạt" if t.met else "Không đạt",
            ]
