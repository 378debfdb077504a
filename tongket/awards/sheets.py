"""The workbook sheet «Khen thưởng»: awards as decided, one row per award.

Rows are recorded through `tongket.awards.services.record_award`, with its checks: eligibility for
the form (the decided Party classification where the form reads it), the recipient kind, and one
achievement, one award (`awards.achievement.not_rewarded_twice`, Luật Thi đua, khen thưởng 2022,
Điều 5). The key is the recipient, the year and the achievement (compared as the register compares
it: case, spacing, punctuation and Unicode composition ignored): a row matching an award with the
same form and the same decision in force is unchanged; any other award of that achievement is a
second award and is refused. Decisions are sealed: corrections go through the award's page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from tongket.accounts.scope import scope_for
from tongket.awards import domain, selectors, services
from tongket.awards.models import AwardForm
from tongket.core.errors import DomainError
from tongket.core.text import fold
from tongket.exchange.rows import (
    SubjectRow,
    chunks,
    read_subject,
    read_year,
    refuse_row,
    refuse_row_error,
)
from tongket.exchange.workbook import (
    Action,
    Column,
    ColumnKind,
    ImportContext,
    RowReader,
    SheetHandler,
)
from tongket.people.models import Organization
from tongket.people.selectors import visible_members, visible_organizations


@dataclass
class AwardRow(SubjectRow):
    row: int
    letters: dict[str, str]
    card_number: str
    org_code: str
    year: int
    form: str  # as written: a code or a name
    issuer_code: str
    number: str
    date: dt.date
    signer_on_behalf: str
    signer_title: str
    signer_name: str
    achievement: str
    justification: str = ""
    form_code: str = ""
    action: Action = Action.CREATE

    @property
    def achievement_key(self) -> str:
        return domain.normalize_text(self.achievement)[:500]

    @property
    def natural_key(self) -> tuple[str, str, int, str]:
        return (self.subject_kind, self.subject, self.year, self.achievement_key)

    def value(self, key: str, _row: int | None = None) -> Any:
        return getattr(self, key, "")


def _forms() -> dict[str, str]:
    """Folded code and folded name of every form → its code."""
    table: dict[str, str] = {}
    for code, name in AwardForm.objects.values_list("code", "name"):
        table[fold(code)] = code
        table[fold(name)] = code
    return table


class AwardSheet(SheetHandler[AwardRow]):
    key = "awards"
    title = "Khen thưởng"
    description = (
        "Khen thưởng đã quyết định, mỗi dòng một người hoặc tập thể được khen; khóa là số thẻ "
        "(hoặc mã tổ chức), năm và thành tích. Một thành tích chỉ được khen một lần, một hình "
        "thức."
    )
    order = 80
    columns = (
        Column("card_number", "Số thẻ", False, "Với cá nhân; để trống với tập thể.", "45.000002"),
        Column("org_code", "Mã tổ chức", False, "Với tập thể; để trống với cá nhân.", "", 22),
        Column(
            "name", "Người, tập thể được khen", False, "Chỉ để dễ đọc; không được nhập.", "", 28
        ),
        Column("year", "Năm", True, "Năm của thành tích.", "2020", 8),
        Column(
            "form",
            "Hình thức",
            True,
            "Tên hoặc mã hình thức khen thưởng (xem trang Khen thưởng).",
            "Bằng khen của Ban Thường vụ Tỉnh ủy tặng cá nhân (chuyên đề, đột xuất)",
            40,
        ),
        Column("issuer_code", "Mã cơ quan khen thưởng", True, "Mã tổ chức ra quyết định.", "QT"),
        Column("number", "Số quyết định", True, "", "30-QĐ/TU", 16),
        Column("date", "Ngày quyết định", True, "ngày/tháng/năm", "24/02/2021"),
        Column("signer_on_behalf", "Thẩm quyền ký", False, "", "T/M Ban Thường vụ", 18),
        Column("signer_title", "Chức vụ người ký", True, "", "Bí thư", 16),
        Column("signer_name", "Người ký", False, "", "", 20),
        Column(
            "achievement",
            "Thành tích",
            True,
            "Thành tích được khen; là khóa cùng người được khen và năm.",
            "trong công tác cộng tác viên dư luận xã hội năm 2020",
            40,
        ),
        Column(
            "justification",
            "Lý do (nếu giống khen thưởng đã có)",
            False,
            "Bắt buộc khi năm đó người, tập thể này đã có cùng hình thức của cùng cơ quan, hoặc "
            "một thành tích diễn đạt gần giống: ghi vì sao đây là thành tích khác.",
            "",
            30,
        ),
    )
    kinds = {
        "card_number": ColumnKind.CARD,
        "org_code": ColumnKind.ORGANIZATION,
        "year": ColumnKind.NUMBER,
        "form": ColumnKind.CHOICE,
        "issuer_code": ColumnKind.ORGANIZATION,
        "date": ColumnKind.DATE,
    }
    field_columns = {
        "recipient": "card_number",
        "form": "form",
        "issuer": "issuer_code",
        "achievement": "achievement",
        "number": "number",
        "date": "date",
        "signer_title": "signer_title",
        "signer_name": "signer_name",
        "justification": "justification",
    }

    def choice_labels(self, key: str) -> Sequence[str]:
        if key == "form":  # the award forms of the database (each year's regulations)
            return list(AwardForm.objects.order_by("name").values_list("name", flat=True))
        return super().choice_labels(key)

    def parse(self, reader: RowReader) -> AwardRow | None:
        card, org = read_subject(
            reader,
            rule="import.award.recipient",
            message="Ghi số thẻ (cá nhân) hoặc mã tổ chức (tập thể), một trong hai.",
        )
        row = AwardRow(
            row=reader.row.number,
            letters=reader.row.letters,
            card_number=card,
            org_code=org,
            year=read_year(reader, "year") or 0,
            form=reader.text("form", required=True),
            issuer_code=reader.text("issuer_code", required=True, max_length=64),
            number=reader.text("number", required=True, max_length=60),
            date=reader.date("date", required=True) or dt.date.min,
            signer_on_behalf=reader.text("signer_on_behalf", max_length=80),
            signer_title=reader.text("signer_title", required=True, max_length=80),
            signer_name=reader.text("signer_name", max_length=120),
            achievement=reader.text("achievement", required=True, max_length=4000),
            justification=reader.text("justification", max_length=2000),
        )
        return row if reader.ok else None

    def plan(self, records: list[AwardRow], ctx: ImportContext) -> list[AwardRow]:
        forms = _forms()
        scope = scope_for(ctx.actor)
        members = self._members(ctx, records)
        orgs = self._organizations(ctx, records)
        file_members: set[str] = set(ctx.shared.get("file_members", set()))
        file_orgs: dict[str, str] = dict(ctx.shared.get("file_organizations", {}))
        existing = self._existing(ctx, records)
        # The issuer is often above the importer's view (the Tỉnh ủy): any organization.
        issuers = set(
            Organization.objects.filter(code__in={r.issuer_code for r in records}).values_list(
                "code", flat=True
            )
        )
        seen: dict[tuple[str, str, int, str], int] = {}
        todo: list[AwardRow] = []
        for r in records:
            if r.natural_key in seen:
                refuse_row(
                    self,
                    ctx,
                    r,
                    "achievement",
                    domain.RULE_NOT_REWARDED_TWICE,
                    f"Thành tích này của «{r.subject}» năm {r.year} đã có ở dòng "
                    f"{seen[r.natural_key]}: không khen thưởng nhiều lần, nhiều hình thức cho một "
                    "thành tích.",
                )
                continue
            seen[r.natural_key] = r.row
            code = forms.get(fold(r.form))
            if code is None:
                refuse_row(
                    self,
                    ctx,
                    r,
                    "form",
                    services.RULE_UNKNOWN,
                    f"Không có hình thức khen thưởng «{r.form}».",
                )
            else:
                r.form_code = code
            if r.issuer_code not in issuers:
                refuse_row(
                    self,
                    ctx,
                    r,
                    "issuer_code",
                    services.RULE_UNKNOWN,
                    f"Không có tổ chức mã «{r.issuer_code}».",
                )
            path = members.get(r.card_number) if r.is_member else orgs.get(r.org_code)
            declared = r.card_number in file_members if r.is_member else r.org_code in file_orgs
            if path is None and not declared:
                refuse_row(
                    self,
                    ctx,
                    r,
                    "card_number" if r.is_member else "org_code",
                    "import.member.unknown_card"
                    if r.is_member
                    else "people.organization.unknown_code",
                    f"Không có đảng viên số thẻ «{r.card_number}»."
                    if r.is_member
                    else f"Không có tổ chức mã «{r.org_code}».",
                )
            if r.action is Action.REFUSE:
                continue
            same = existing.get(r.natural_key)
            if same is not None:
                if self._same_award(same, r):
                    r.action = Action.UNCHANGED
                    ctx.record(self, r.row, self._label(r), Action.UNCHANGED)
                    continue
                refuse_row(
                    self,
                    ctx,
                    r,
                    "achievement",
                    domain.RULE_NOT_REWARDED_TWICE,
                    f"Thành tích «{r.achievement}» năm {r.year} đã được khen thưởng bằng "
                    f"{same.form_name} (Quyết định số {same.decision_number} ngày "
                    f"{same.decision_date:%d/%m/%Y}): không khen thưởng nhiều lần, nhiều hình "
                    "thức cho một thành tích.",
                )
                continue
            if path is not None and not scope.writes(path):
                refuse_row(
                    self,
                    ctx,
                    r,
                    "card_number" if r.is_member else "org_code",
                    "access.denied",
                    "Bạn không có quyền ghi khen thưởng của người, tập thể này.",
                )
                continue
            todo.append(r)
        return todo

    def _members(self, ctx: ImportContext, records: list[AwardRow]) -> dict[str, str]:
        cards = sorted({r.card_number for r in records if r.is_member})
        found: dict[str, str] = {}
        for chunk in chunks(cards):
            found.update(
                visible_members(ctx.actor)
                .filter(card_number__in=chunk)
                .values_list("card_number", "org_path")
            )
        return found

    def _organizations(self, ctx: ImportContext, records: list[AwardRow]) -> dict[str, str]:
        codes = sorted({r.org_code for r in records if not r.is_member})
        found: dict[str, str] = {}
        for chunk in chunks(codes):
            found.update(
                visible_organizations(ctx.actor).filter(code__in=chunk).values_list("code", "path")
            )
        return found

    def _existing(
        self, ctx: ImportContext, records: list[AwardRow]
    ) -> dict[tuple[str, str, int, str], selectors.AwardRow]:
        """Awards already given to the file's recipients in the file's years, by natural key,
        each with its decision in force."""
        years = {r.year for r in records}
        cards = sorted({r.card_number for r in records if r.is_member})
        codes = sorted({r.org_code for r in records if not r.is_member})
        queries = [Q(member__card_number__in=c) for c in chunks(cards)]
        queries += [Q(organization__code__in=c) for c in chunks(codes)]
        found: dict[tuple[str, str, int, str], selectors.AwardRow] = {}
        for query in queries:
            awards = selectors.visible_awards(ctx.actor).filter(query, year__in=years)
            keys = {a.pk: a.achievement_key for a in awards}
            for row in selectors.award_rows(awards):
                found[(row.recipient_kind, row.recipient, row.year, keys[row.award_id])] = row
        return found

    def _same_award(self, award: selectors.AwardRow, r: AwardRow) -> bool:
        return (
            award.form_code == r.form_code
            and award.issuer_code == r.issuer_code
            and award.decision_number == r.number
            and award.decision_date == r.date
        )

    def _label(self, r: AwardRow) -> str:
        return f"{r.subject} · {r.year} · {r.form_code}"

    def apply(self, record: AwardRow, ctx: ImportContext) -> None:
        try:
            services.record_award(
                actor=ctx.actor,
                data=services.RecordInput(
                    form_code=record.form_code,
                    issuer_code=record.issuer_code,
                    year=record.year,
                    achievement=record.achievement,
                    member_card=record.card_number,
                    organization_code=record.org_code,
                    justification=record.justification,
                    decision=services.DecisionInput.sent(vars(record)),
                ),
            )
        except DomainError as exc:
            refuse_row_error(self, ctx, record, exc, default_key="achievement")
            return
        ctx.record(self, record.row, self._label(record), Action.CREATE, record.number)

    def export_rows(self, user: Any) -> Iterator[list[Any]]:
        awards = list(
            selectors.visible_awards(user).order_by(
                "year", "form__sort_order", "decision__issuer__path", "member__sort_name", "pk"
            )
        )
        # The decision in force (the latest correction), as the register shows it.
        in_force = selectors._decisions_in_force(a.decision for a in awards)
        for a in awards:
            decision = in_force.get(a.decision.original_id or a.decision.pk, a.decision)
            yield [
                a.member.card_number if a.member is not None else "",
                a.organization.code if a.organization is not None else "",
                a.recipient_name,
                a.year,
                a.form.name,
                decision.issuer.code,
                decision.number,
                decision.date,
                decision.signer_on_behalf,
                decision.signer_title,
                decision.signer_name,
                a.achievement,
                a.justification,
            ]
