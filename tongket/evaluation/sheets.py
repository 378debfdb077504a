"""The workbook sheet «Kết quả xếp loại»: decided yearly results of members and organizations.

Each row is one sealed decision (tongket.evaluation.services): the subjects without a current
decision are decided, each cycle's rows in one batch (`services.decide_many`, after opening the
deciding body's cycle when a row names a body that has none for the year); a subject whose current
decision says the same (result, number, date, body) is unchanged; a different result is a correction
(`supersede_decision`) or, when the row names the body directly above the cycle's organization, a
cancellation and reclassification (`cancel_and_reclassify`), and both need «Lý do điều chỉnh» —
without it the row is refused with `evaluation.already_decided`. Every rule of the services runs
(conditions of each level, order of decisions, the quota on «Hoàn thành xuất sắc nhiệm vụ»); each
refusal names the rule's id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q

from tongket.accounts.scope import Scope, scope_for
from tongket.core.errors import DomainError
from tongket.core.rules import Severity
from tongket.core.text import is_digits
from tongket.evaluation import leaders, selectors, services
from tongket.evaluation.domain import DisciplineForm, Level, NotClassifiedReason
from tongket.evaluation.models import Cycle, Decision, DecisionStatus, Evaluation, SubjectKind
from tongket.evaluation.regulations import profile_for_year, qd366
from tongket.evaluation.selectors import DecisionTerms, Outcome, parse_outcome
from tongket.exchange.rows import (
    BATCH,
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
    choice_lookup,
    clean_text,
)
from tongket.people.selectors import visible_members, visible_organizations

LEVELS = choice_lookup(
    [(lv.value, lv.label) for lv in Level] + [(lv.value, lv.short_label) for lv in Level]
)
REASONS = choice_lookup([(r.value, r.label) for r in NotClassifiedReason])
LEVEL_HELP = ", ".join(f"«{lv.label}» ({lv.short_label})" for lv in Level.descending())
REASON_HELP = ", ".join(f"«{r.label}»" for r in NotClassifiedReason)


def _subject_cells(ev: Evaluation) -> list[Any]:
    """The first cells of an exported row, whose it is: the card number (a member) or the
    organization's code, the name (only to read) and the year."""
    is_member = ev.subject_kind == SubjectKind.MEMBER
    return [
        ev.member.card_number if is_member and ev.member else "",
        ev.organization.code if not is_member and ev.organization else "",
        selectors.subject_name(ev),
        ev.cycle.year,
    ]


def _read_subject(reader: RowReader) -> tuple[str, str]:
    """Whose result or facts a row is (see `read_subject`)."""
    return read_subject(
        reader,
        rule="import.evaluation.subject",
        message="Ghi số thẻ (đảng viên) hoặc mã tổ chức (tổ chức đảng), một trong hai.",
    )


@dataclass
class ResultRow(SubjectRow):
    row: int
    letters: dict[str, str]
    card_number: str
    org_code: str
    year: int
    outcome: str  # a Level or NotClassifiedReason value
    deciding_body: str
    number: str
    date: dt.date
    justification: str
    correction_reason: str
    action: Action = Action.UNCHANGED
    evaluation_id: int | None = None
    decision_id: int | None = None
    open_cycle: bool = False
    reclassify: bool = False
    depth: int = 0

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.subject_kind, self.subject, self.year)

    def terms(self) -> DecisionTerms:
        return DecisionTerms(
            outcome=_outcome(self.outcome),
            number=self.number,
            date=self.date,
            justification=self.justification,
        )

    def value(self, key: str, _row: int | None = None) -> Any:
        if key in ("level", "reason"):
            return _outcome(self.outcome).label if self.outcome else ""
        return getattr(self, key, "")


def _outcome(value: str) -> Outcome:
    return parse_outcome(value)


class EvaluationResultSheet(SheetHandler[ResultRow]):
    key = "evaluation_results"
    title = "Kết quả xếp loại"
    description = (
        "Kết quả xếp loại hằng năm đã quyết định của đảng viên và tổ chức đảng, mỗi dòng một "
        "quyết định; khóa là số thẻ (hoặc mã tổ chức) và năm. Quyết định đã ban hành không sửa "
        "được: kết quả khác là quyết định điều chỉnh, phải ghi lý do điều chỉnh."
    )
    order = 50
    columns = (
        Column("card_number", "Số thẻ", False, "Với đảng viên; để trống với tổ chức.", "45.000001"),
        Column(
            "org_code",
            "Mã tổ chức",
            False,
            "Với tổ chức đảng (chi bộ, đảng bộ); để trống với đảng viên.",
            "",
            22,
        ),
        Column("name", "Họ và tên / Tên tổ chức", False, "Chỉ để dễ đọc; không được nhập.", "", 28),
        Column("year", "Năm", True, "Năm được đánh giá, xếp loại.", "2020", 8),
        Column("level", "Xếp loại", False, LEVEL_HELP, "Hoàn thành tốt nhiệm vụ", 30),
        Column(
            "reason",
            "Lý do không xếp loại",
            False,
            f"Chỉ ghi khi không xếp loại: {REASON_HELP}.",
            "",
            26,
        ),
        Column(
            "deciding_body",
            "Cấp quyết định",
            False,
            "Mã tổ chức ra quyết định. Để trống: kỳ đánh giá đã có của năm đó. Tổ chức chưa có kỳ "
            "đánh giá năm đó thì kỳ được mở khi nhập.",
            "QT.KCQDN.SGDDT",
            22,
        ),
        Column("number", "Số quyết định", True, "", "125-QĐ/ĐU", 16),
        Column("date", "Ngày quyết định", True, "ngày/tháng/năm", "15/01/2021"),
        Column(
            "justification",
            "Lý do của cấp quyết định",
            False,
            "Bắt buộc khi vượt tỷ lệ (nơi quy định cho phép) hoặc không xếp loại vì trường hợp "
            "khác.",
            "",
            30,
        ),
        Column(
            "correction_reason",
            "Lý do điều chỉnh",
            False,
            "Chỉ ghi khi thay kết quả đã quyết định bằng quyết định điều chỉnh.",
            "",
            30,
        ),
    )
    kinds = {
        "card_number": ColumnKind.CARD,
        "org_code": ColumnKind.ORGANIZATION,
        "year": ColumnKind.NUMBER,
        "level": ColumnKind.CHOICE,
        "reason": ColumnKind.CHOICE,
        "deciding_body": ColumnKind.ORGANIZATION,
        "date": ColumnKind.DATE,
    }
    choices = {
        "level": [lv.label for lv in Level.descending()],
        "reason": [r.label for r in NotClassifiedReason],
    }
    field_columns = {
        "level": "level",
        "outcomes": "level",
        "evaluation": "level",
        "decision": "level",
        "justification": "justification",
        "number": "number",
        "date": "date",
        "reason": "correction_reason",
        "cycle": "year",
        "year": "year",
        "quarter": "year",
        "organization": "deciding_body",
    }

    def parse(self, reader: RowReader) -> ResultRow | None:
        card, org = _read_subject(reader)
        level = reader.choice("level", LEVELS, LEVEL_HELP)
        reason = reader.choice("reason", REASONS, REASON_HELP)
        if reader.ok and bool(level) == bool(reason):
            reader.problem(
                "level",
                "import.evaluation.outcome",
                "Ghi mức xếp loại hoặc lý do không xếp loại, một trong hai.",
            )
        year = read_year(reader, "year")
        number = reader.text("number", required=True, max_length=40)
        date = reader.date("date", required=True)
        row = ResultRow(
            row=reader.row.number,
            letters=reader.row.letters,
            card_number=card,
            org_code=org,
            year=year or 0,
            outcome=level or reason,
            deciding_body=reader.text("deciding_body", max_length=64),
            number=number,
            date=date or dt.date.min,
            justification=reader.text("justification", max_length=4000),
            correction_reason=reader.text("correction_reason", max_length=4000),
        )
        return row if reader.ok else None

    def plan(self, records: list[ResultRow], ctx: ImportContext) -> list[ResultRow]:
        seen: dict[tuple[str, str, int], int] = {}
        live: list[ResultRow] = []
        for r in records:
            if r.key in seen:
                refuse_row(
                    self,
                    ctx,
                    r,
                    "card_number" if r.is_member else "org_code",
                    "import.evaluation.duplicate",
                    f"Trùng với dòng {seen[r.key]}: mỗi đối tượng một kết quả một năm.",
                )
                continue
            seen[r.key] = r.row
            live.append(r)
        evaluations = self._evaluations(ctx, live)
        current = self._current_decisions([ev.pk for evs in evaluations.values() for ev in evs])
        known_cards, known_orgs = self._visible_subjects(ctx, live)
        bodies = self._bodies(ctx, live)
        scope = scope_for(ctx.actor)
        todo: list[ResultRow] = []
        declared = set(ctx.shared.get("file_members", set())) | set(
            ctx.shared.get("file_organizations", {})
        )
        for r in live:
            subject_key = "card_number" if r.is_member else "org_code"
            known = r.subject in (known_cards if r.is_member else known_orgs)
            if not known and r.subject in declared:
                # Added by an earlier sheet of the same file: no cycle lists it yet.
                refuse_row(
                    self,
                    ctx,
                    r,
                    subject_key,
                    "import.evaluation.not_in_cycle",
                    f"«{r.subject}» mới có trong tệp này, chưa thuộc kỳ đánh giá nào; hãy nhập "
                    "kết quả sau khi kỳ đánh giá liệt kê đối tượng này.",
                )
                continue
            if not known:
                message = (
                    f"Không có đảng viên số thẻ «{r.card_number}»."
                    if r.is_member
                    else f"Không có tổ chức mã «{r.org_code}»."
                )
                rule = (
                    "import.member.unknown_card"
                    if r.is_member
                    else "people.organization.unknown_code"
                )
                refuse_row(self, ctx, r, subject_key, rule, message)
                continue
            found = evaluations.get(r.key, [])
            if len(found) > 1:
                found = [ev for ev in found if ev.cycle.organization.code == r.deciding_body]
            if not found:
                r.depth = len(known_orgs.get(r.org_code, ""))
                self._plan_new_cycle(ctx, r, bodies, scope)
            else:
                self._plan_existing(ctx, r, found[0], current.get(found[0].pk), scope)
            if r.action is not Action.REFUSE and r.action is not Action.UNCHANGED:
                todo.append(r)
        # Organizations before members (the collective is decided first), deepest first (the
        # subordinates before their committee); the quota counts each cycle's rows at once.
        # Under qd366 (Điều 12) ordinary members come before their Party organization and only
        # the members of a unit's committee after it.
        members_first = {
            r.evaluation_id
            for r in todo
            if r.is_member
            and r.evaluation_id is not None
            and profile_for_year(r.year).id == qd366.ID
        }
        seated = leaders.on_committee_among(members_first) if members_first else set()

        def rank(r: ResultRow) -> tuple[int, int, int]:
            if not r.is_member:
                tier = 1
            elif r.evaluation_id in members_first and r.evaluation_id not in seated:
                tier = 0
            else:
                tier = 2
            return (tier, -r.depth, r.row)

        return sorted(todo, key=rank)

    def _evaluations(
        self, ctx: ImportContext, rows: list[ResultRow]
    ) -> dict[tuple[str, str, int], list[Evaluation]]:
        years = sorted({r.year for r in rows})
        cards = sorted({r.card_number for r in rows if r.is_member})
        codes = sorted({r.org_code for r in rows if not r.is_member})
        base = (
            selectors.visible_evaluations(ctx.actor)
            .filter(cycle__year__in=years, cycle__quarter__isnull=True)
            .select_related("cycle__organization__parent", "member", "organization")
        )
        found: dict[tuple[str, str, int], list[Evaluation]] = {}
        batches = [Q(member__card_number__in=c) for c in chunks(cards)]
        batches += [Q(organization__code__in=c) for c in chunks(codes)]
        for query in batches:
            for ev in base.filter(query).order_by("pk"):
                if ev.member is not None:
                    key = ("member", ev.member.card_number, ev.cycle.year)
                else:
                    assert ev.organization is not None
                    key = ("organization", ev.organization.code, ev.cycle.year)
                found.setdefault(key, []).append(ev)
        return found

    def _visible_subjects(
        self, ctx: ImportContext, rows: list[ResultRow]
    ) -> tuple[set[str], dict[str, str]]:
        cards = sorted({r.card_number for r in rows if r.is_member})
        codes = sorted({r.org_code for r in rows if not r.is_member})
        known_cards: set[str] = set()
        known_orgs: dict[str, str] = {}
        for chunk in chunks(cards):
            known_cards.update(
                visible_members(ctx.actor)
                .filter(card_number__in=chunk)
                .values_list("card_number", flat=True)
            )
        for chunk in chunks(codes):
            known_orgs.update(
                visible_organizations(ctx.actor).filter(code__in=chunk).values_list("code", "path")
            )
        return known_cards, known_orgs

    def _bodies(self, ctx: ImportContext, rows: list[ResultRow]) -> dict[str, tuple[str, str]]:
        """Deciding bodies named in the file that the actor sees: code → (path, kind)."""
        codes = sorted({r.deciding_body for r in rows if r.deciding_body})
        out: dict[str, tuple[str, str]] = {}
        for chunk in chunks(codes):
            for code, path, kind in (
                visible_organizations(ctx.actor)
                .filter(code__in=chunk)
                .values_list("code", "path", "kind")
            ):
                out[code] = (path, kind)
        return out

    def _plan_new_cycle(
        self,
        ctx: ImportContext,
        r: ResultRow,
        bodies: dict[str, tuple[str, str]],
        scope: Scope,
    ) -> None:
        if not r.deciding_body:
            refuse_row(
                self,
                ctx,
                r,
                "year",
                "import.evaluation.no_cycle",
                f"Chưa có kỳ đánh giá năm {r.year} nào liệt kê «{r.subject}». Hãy ghi «Cấp quyết "
                "định» để mở kỳ đánh giá của tổ chức đó.",
            )
            return
        body = bodies.get(r.deciding_body)
        if body is None:
            refuse_row(
                self,
                ctx,
                r,
                "deciding_body",
                "people.organization.unknown_code",
                f"Không có tổ chức mã «{r.deciding_body}».",
            )
            return
        path, _kind = body
        existing = Cycle.objects.filter(
            organization__code=r.deciding_body, year=r.year, quarter__isnull=True
        ).exists()
        if existing:
            refuse_row(
                self,
                ctx,
                r,
                "deciding_body",
                "import.evaluation.not_in_cycle",
                f"Kỳ đánh giá năm {r.year} của «{r.deciding_body}» không có «{r.subject}».",
            )
            return
        if not scope.writes(path):
            refuse_row(
                self,
                ctx,
                r,
                "deciding_body",
                "access.denied",
                "Bạn không có quyền mở kỳ đánh giá này.",
            )
            return
        r.open_cycle = True
        r.action = Action.CREATE

    def _current_decisions(self, ids: list[int]) -> dict[int, Decision]:
        found: dict[int, Decision] = {}
        for start in range(0, len(ids), BATCH):
            for d in Decision.objects.filter(
                evaluation_id__in=ids[start : start + BATCH], status=DecisionStatus.CURRENT
            ).select_related("deciding_body"):
                found[d.evaluation_id] = d
        return found

    def _plan_existing(
        self,
        ctx: ImportContext,
        r: ResultRow,
        ev: Evaluation,
        current: Decision | None,
        scope: Scope,
    ) -> None:
        cycle = ev.cycle
        r.evaluation_id = ev.pk
        r.depth = len(ev.subject_path)
        parent = cycle.organization.parent
        if current is None:
            if r.deciding_body and r.deciding_body != cycle.organization.code:
                refuse_row(
                    self,
                    ctx,
                    r,
                    "deciding_body",
                    "import.evaluation.deciding_body",
                    f"Kết quả năm {r.year} của «{r.subject}» do «{cycle.organization.code}» "
                    "quyết định.",
                )
                return
            if not scope.writes(cycle.organization.path):
                self._deny(ctx, r)
                return
            r.action = Action.CREATE
            return
        outcome = current.level or current.not_classified_reason
        same = (
            outcome == r.outcome
            and current.number == r.number
            and current.date == r.date
            and r.deciding_body in ("", current.deciding_body.code)
        )
        if same:
            if r.justification and clean_text(current.justification) != r.justification:
                ctx.refuse(
                    self,
                    r.row,
                    "justification",
                    r.justification,
                    "import.evaluation.sealed_text",
                    "Quyết định đã ban hành không sửa được; lý do của cấp quyết định được giữ "
                    "nguyên.",
                    letters=r.letters,
                    severity=Severity.WARNING,
                )
            ctx.record(self, r.row, f"{r.subject} · {r.year}", Action.UNCHANGED)
            return
        if not r.correction_reason:
            refuse_row(
                self,
                ctx,
                r,
                "level",
                "evaluation.already_decided",
                f"«{r.subject}» đã có Quyết định số {current.number} ngày "
                f"{current.date:%d/%m/%Y} ({selectors.outcome_label(_outcome(outcome))}); "
                "quyết định đã ban hành không sửa được. Muốn thay kết quả, hãy ghi «Lý do điều "
                "chỉnh» để ban hành quyết định điều chỉnh.",
            )
            return
        r.decision_id = current.pk
        if (
            r.deciding_body
            and r.deciding_body != current.deciding_body.code
            and parent is not None
            and r.deciding_body == parent.code
        ):
            r.reclassify = True
            allowed = scope.writes(parent.path)
        elif r.deciding_body in ("", current.deciding_body.code):
            allowed = scope.writes(cycle.organization.path)
        else:
            refuse_row(
                self,
                ctx,
                r,
                "deciding_body",
                "import.evaluation.deciding_body",
                f"Quyết định điều chỉnh do «{current.deciding_body.code}» ban hành, hoặc do cấp "
                "trên trực tiếp hủy kết quả và xếp loại lại.",
            )
            return
        if not allowed:
            self._deny(ctx, r)
            return
        r.action = Action.UPDATE

    def _deny(self, ctx: ImportContext, r: ResultRow) -> None:
        refuse_row(
            self,
            ctx,
            r,
            "card_number" if r.is_member else "org_code",
            "access.denied",
            "Bạn không có quyền ghi quyết định xếp loại của đối tượng này.",
        )

    def apply_all(
        self, records: list[ResultRow], ctx: ImportContext, advance: Callable[[int], None]
    ) -> bool:
        """The new decisions of each cycle through one `services.decide_many` (the quota counted
        on the cycle's rows as their result would stand, as on the decision page and in the API),
        at the place of the cycle's first row; corrections row by row through `apply`."""
        groups: dict[int, list[tuple[ResultRow, int]]] = {}
        steps: list[ResultRow | int] = []
        for record in records:
            if record.action is not Action.CREATE:
                steps.append(record)
                continue
            try:
                evaluation_id = record.evaluation_id or self._open(record, ctx)
            except DomainError as exc:
                self._refuse_exc(ctx, record, exc)
                advance(1)
                continue
            cycle_id = Evaluation.objects.filter(pk=evaluation_id).values_list(
                "cycle_id", flat=True
            )[0]
            if cycle_id not in groups:
                groups[cycle_id] = []
                steps.append(cycle_id)
            groups[cycle_id].append((record, evaluation_id))
        for step in steps:
            if isinstance(step, ResultRow):
                try:
                    self.apply(step, ctx)
                except DomainError as exc:
                    ctx.refuse_error(self, step, exc)
                advance(1)
            else:
                self._decide_new(ctx, step, groups[step])
                advance(len(groups[step]))
        return True

    def _decide_new(
        self, ctx: ImportContext, cycle_id: int, rows: list[tuple[ResultRow, int]]
    ) -> None:
        """One batch for the cycle; when refused, the refused rows are reported and the others
        are decided again without them, so each row's own problems are listed."""
        by_evaluation = {evaluation_id: record for record, evaluation_id in rows}
        pending = list(rows)
        while pending:
            items = [
                services.DecisionItem(
                    evaluation_id,
                    _outcome(record.outcome),
                    justification=record.justification,
                    number=record.number,
                    date=record.date,
                )
                for record, evaluation_id in pending
            ]
            try:
                services.decide_many(
                    actor=ctx.actor,
                    cycle_id=cycle_id,
                    items=items,
                    number=pending[0][0].number,
                    date=pending[0][0].date,
                )
            except services.BatchRefused as refused:
                failed: set[int] = set()
                for refusal in refused.refusals:
                    failed.add(refusal.evaluation_id)
                    finding = refusal.finding
                    self._refuse_exc(
                        ctx,
                        by_evaluation[refusal.evaluation_id],
                        DomainError(
                            finding.message,
                            field=refusal.field,
                            rule=finding.rule,
                            citation=finding.citation,
                        ),
                    )
                pending = [(r, pk) for r, pk in pending if pk not in failed]
                continue
            for record, _pk in pending:
                outcome = _outcome(record.outcome)
                detail = f"{selectors.outcome_label(outcome)}, Quyết định số {record.number}"
                ctx.record(
                    self, record.row, f"{record.subject} · {record.year}", record.action, detail
                )
            return

    def _refuse_exc(self, ctx: ImportContext, record: ResultRow, exc: DomainError) -> None:
        refuse_row_error(self, ctx, record, exc, default_key="level")

    def apply(self, record: ResultRow, ctx: ImportContext) -> None:
        """A correction, or a cancellation and reclassification by the superior (new decisions
        go through `apply_all`'s batches)."""
        assert record.decision_id is not None
        outcome = _outcome(record.outcome)
        change = (
            services.cancel_and_reclassify if record.reclassify else services.supersede_decision
        )
        try:
            change(
                actor=ctx.actor,
                decision_id=record.decision_id,
                reason=record.correction_reason,
                **record.terms(),
            )
        except DomainError as exc:
            self._refuse_exc(ctx, record, exc)
            return
        what = "hủy và xếp loại lại" if record.reclassify else "điều chỉnh"
        detail = f"{what}: {selectors.outcome_label(outcome)}, số {record.number}"
        ctx.record(self, record.row, f"{record.subject} · {record.year}", record.action, detail)

    def _open(self, record: ResultRow, ctx: ImportContext) -> int:
        opened: dict[tuple[str, int], int] = ctx.shared.setdefault("evaluation_cycles_opened", {})
        cycle_id = opened.get((record.deciding_body, record.year))
        if cycle_id is None:
            try:
                cycle = services.open_cycle(
                    actor=ctx.actor, organization_code=record.deciding_body, year=record.year
                )
            except DomainError as exc:
                raise DomainError(
                    exc.message, field="organization", rule=exc.rule, findings=exc.findings
                ) from None
            cycle_id = opened[(record.deciding_body, record.year)] = cycle.pk
        subject = (
            Q(member__card_number=record.card_number)
            if record.is_member
            else Q(organization__code=record.org_code)
        )
        ev = Evaluation.objects.filter(subject, cycle_id=cycle_id).first()
        if ev is None:
            raise DomainError(
                f"Kỳ đánh giá năm {record.year} của «{record.deciding_body}» không có "
                f"«{record.subject}».",
                field="organization",
                rule="import.evaluation.not_in_cycle",
            )
        return ev.pk

    def export_rows(self, user: Any) -> Iterator[list[Any]]:
        decisions = (
            Decision.objects.filter(
                status=DecisionStatus.CURRENT,
                evaluation__in=selectors.visible_evaluations(user),
                evaluation__cycle__quarter__isnull=True,
            )
            .select_related("evaluation__member", "evaluation__organization", "deciding_body")
            .select_related("evaluation__cycle")
            .order_by(
                "evaluation__cycle__year",
                "-evaluation__subject_kind",
                "evaluation__subject_path",
                "evaluation__member__sort_name",
                "evaluation__member__card_number",
            )
        )
        for d in decisions.iterator(chunk_size=2000):
            ev = d.evaluation
            yield [
                *_subject_cells(ev),
                Level(d.level).label if d.level else "",
                NotClassifiedReason(d.not_classified_reason).label
                if d.not_classified_reason
                else "",
                d.deciding_body.code,
                d.number,
                d.date,
                d.justification,
                d.reason,
            ]


# --- «Dữ kiện đánh giá»: the facts the rules read (issue 24, item 5) -----------------------------

YES_NO = choice_lookup([("1", "Có"), ("0", "Không")])
DISCIPLINE_FORMS = choice_lookup([(f.value, f.label) for f in DisciplineForm])
FACT_BOOLS = (
    ("disciplined", "Bị kỷ luật trong năm"),
    ("discipline_duty_related", "Vi phạm liên quan chức trách, nhiệm vụ"),
    ("discipline_self_remedied", "Tự phát hiện, khắc phục"),
    ("degradation_concluded", "Có kết luận suy thoái"),
    ("prohibitions_breached", "Vi phạm điều đảng viên không được làm"),
    ("corruption_under_management", "Tham nhũng, lãng phí ở đơn vị trực tiếp quản lý"),
    ("maternity_leave", "Nghỉ thai sản"),
    ("outside_political_system", "Ngoài hệ thống chính trị"),
)
FACT_INTS = (
    ("tasks_total", "Tổng số nhiệm vụ"),
    ("tasks_completed", "Số nhiệm vụ hoàn thành"),
    ("tasks_on_time", "Số nhiệm vụ đúng hạn, bảo đảm chất lượng"),
    ("tasks_late", "Số nhiệm vụ chậm"),
    ("tasks_exceeded", "Số nhiệm vụ vượt yêu cầu"),
    ("confidence_votes", "Số phiếu lấy tín nhiệm"),
    ("low_confidence_votes", "Số phiếu tín nhiệm thấp"),
)


FACT_KEYS = (
    *(key for key, _header in FACT_INTS),
    *(key for key, _header in FACT_BOOLS),
    "discipline_form",
    "discipline_date",
    "discipline_unit",
    "sick_leave_months",
    "temporary_cell",
    "temporary_cell_comment",
    "civil_service_level",
    "competent_justification",
)


@dataclass
class FactsRow(SubjectRow):
    row: int
    letters: dict[str, str]
    card_number: str
    org_code: str
    year: int
    values: dict[str, Any]
    evaluation_id: int | None = None
    action: Action = Action.UPDATE

    def value(self, key: str, _row: int | None = None) -> Any:
        return self.values.get(key, getattr(self, key, ""))


class EvaluationFactsSheet(SheetHandler[FactsRow]):
    key = "evaluation_facts"
    title = "Dữ kiện đánh giá"
    description = (
        "Dữ kiện các quy tắc xếp loại đọc (số nhiệm vụ, kỷ luật, suy thoái, tín nhiệm, nghỉ, sinh "
        "hoạt tạm thời, xếp loại công chức) của kỳ đánh giá cả năm chưa quyết định; khóa là số "
        "thẻ (hoặc mã tổ chức) và năm. Ô để trống giữ nguyên dữ kiện đã có. Theo Quy định 366 "
        "tỷ lệ được tính từ số nhiệm vụ, không nhập tỷ lệ."
    )
    order = 45
    columns = (
        Column("card_number", "Số thẻ", False, "Với đảng viên; để trống với tổ chức.", "45.000001"),
        Column("org_code", "Mã tổ chức", False, "Với tổ chức đảng; trống với đảng viên.", "", 22),
        Column("name", "Họ và tên / Tên tổ chức", False, "Chỉ để dễ đọc; không được nhập.", "", 28),
        Column("year", "Năm", True, "Năm của kỳ đánh giá (cả năm) đang mở.", "2026", 8),
        *(Column(key, header, False, "Số nguyên không âm.", "", 12) for key, header in FACT_INTS),
        *(Column(key, header, False, "«Có» hoặc «Không».", "", 12) for key, header in FACT_BOOLS),
        Column(
            "discipline_form",
            "Hình thức kỷ luật",
            False,
            ", ".join(f"«{f.label}»" for f in DisciplineForm),
            "",
            14,
        ),
        Column("discipline_date", "Ngày xảy ra vi phạm", False, "ngày/tháng/năm", ""),
        Column(
            "discipline_unit",
            "Nơi xảy ra vi phạm",
            False,
            "Mã đơn vị nơi vi phạm xảy ra; để trống: đơn vị này.",
            "",
            20,
        ),
        Column("sick_leave_months", "Số tháng nghỉ ốm", False, "Ví dụ 3,5.", "", 10),
        Column("temporary_cell", "Chi bộ sinh hoạt tạm thời", False, "", "", 24),
        Column(
            "temporary_cell_comment", "Nhận xét của chi bộ sinh hoạt tạm thời", False, "", "", 30
        ),
        Column("civil_service_level", "Xếp loại công chức, viên chức", False, LEVEL_HELP, "", 24),
        Column(
            "competent_justification",
            "Lý do cấp có thẩm quyền xem xét",
            False,
            "Vi phạm tự phát hiện, khắc phục; bất khả kháng (QĐ 366, Điều 11.4).",
            "",
            30,
        ),
    )
    kinds = {
        "card_number": ColumnKind.CARD,
        "org_code": ColumnKind.ORGANIZATION,
        "year": ColumnKind.NUMBER,
        **{key: ColumnKind.NUMBER for key, _header in FACT_INTS},
        **{key: ColumnKind.CHOICE for key, _header in FACT_BOOLS},
        "discipline_form": ColumnKind.CHOICE,
        "discipline_date": ColumnKind.DATE,
        "discipline_unit": ColumnKind.ORGANIZATION,
        "civil_service_level": ColumnKind.CHOICE,
    }
    choices = {
        **{key: ["Có", "Không"] for key, _header in FACT_BOOLS},
        "discipline_form": [f.label for f in DisciplineForm],
        "civil_service_level": [lv.label for lv in Level.descending()],
    }
    field_columns = {"facts": "tasks_total", "year": "year", "evaluation": "year"}

    def parse(self, reader: RowReader) -> FactsRow | None:
        card, org = _read_subject(reader)
        year = read_year(reader, "year")
        values: dict[str, Any] = {}
        for key, _header in FACT_INTS:
            text = reader.text(key, max_length=9)
            if text and not is_digits(text):  # «²» passes isdigit, not int
                reader.problem(key, "import.cell.integer", "Phải là số nguyên không âm.")
            elif text:
                values[key] = int(text)
        for key, _header in FACT_BOOLS:
            flag = reader.choice(key, YES_NO, "«Có» hoặc «Không»")
            if flag:
                values[key] = flag == "1"
        form = reader.choice("discipline_form", DISCIPLINE_FORMS, "hình thức kỷ luật")
        if form:
            values["discipline_form"] = form
        when = reader.date("discipline_date")
        if when is not None:
            values["discipline_date"] = when
        months = reader.text("sick_leave_months", max_length=6).replace(",", ".")
        if months:
            try:
                values["sick_leave_months"] = Decimal(months)
            except InvalidOperation:
                reader.problem("sick_leave_months", "import.cell.number", "Phải là một số.")
        level = reader.choice("civil_service_level", LEVELS, LEVEL_HELP)
        if level:
            values["civil_service_level"] = Level(level)
        for key in (
            "discipline_unit",
            "temporary_cell",
            "temporary_cell_comment",
            "competent_justification",
        ):
            text = reader.text(key, max_length=4000)
            if text:
                values[key] = text
        record = FactsRow(reader.row.number, reader.row.letters, card, org, year or 0, values)
        return record if reader.ok else None

    def plan(self, records: list[FactsRow], ctx: ImportContext) -> list[FactsRow]:
        """Each row to the yearly evaluation of its subject the user may see (one query per
        batch of rows); a subject twice, or without such an evaluation, is refused."""
        seen: set[tuple[str, int]] = set()
        live: list[FactsRow] = []
        for batch in chunks(records, BATCH):
            wanted = Q(member__card_number__in=[r.card_number for r in batch if r.card_number])
            wanted |= Q(organization__code__in=[r.org_code for r in batch if r.org_code])
            found: dict[tuple[str, int], list[int]] = {}
            rows = (
                selectors.visible_evaluations(ctx.actor)
                .filter(wanted, cycle__quarter__isnull=True)
                .values_list("id", "cycle__year", "member__card_number", "organization__code")
            )
            for pk, year, card, code in rows:
                found.setdefault((card or code, year), []).append(pk)
            for r in batch:
                key = (r.subject, r.year)
                ids = found.get(key, [])
                if key in seen or len(ids) != 1:
                    r.action = Action.REFUSE
                    message = (
                        "Đối tượng này đã có ở dòng trên."
                        if key in seen
                        else f"Không có kỳ đánh giá năm {r.year} (cả năm) của «{r.subject}»."
                        if not ids
                        else f"«{r.subject}» có trong nhiều kỳ đánh giá năm {r.year}."
                    )
                    ctx.refuse(
                        self,
                        r.row,
                        "card_number" if r.card_number else "org_code",
                        r.subject,
                        "import.evaluation.not_in_cycle",
                        message,
                        letters=r.letters,
                    )
                    continue
                seen.add(key)
                r.evaluation_id = ids[0]
            stored = {
                row["id"]: row
                for row in Evaluation.objects.filter(
                    pk__in=[r.evaluation_id for r in batch if r.action is not Action.REFUSE]
                ).values("id", *FACT_KEYS)
            }
            for r in batch:
                if r.action is Action.REFUSE:
                    continue
                current = stored[r.evaluation_id]
                if all(current[k] == v for k, v in r.values.items()):
                    r.action = Action.UNCHANGED
                    ctx.record(self, r.row, f"{r.subject} · {r.year}", r.action)
                else:
                    live.append(r)
        return live

    def apply(self, record: FactsRow, ctx: ImportContext) -> None:
        """`services.record_facts`: the same checks and audit as the facts page and the API."""
        assert record.evaluation_id is not None
        values = dict(record.values)
        try:
            services.record_facts(
                actor=ctx.actor,
                evaluation_id=record.evaluation_id,
                facts=services.FactsInput(**values),
            )
        except DomainError as exc:
            refuse_row_error(self, ctx, record, exc, default_key="tasks_total")
            return
        ctx.record(
            self,
            record.row,
            f"{record.subject} · {record.year}",
            record.action,
            f"{len(values)} dữ kiện",
        )

    def export_rows(self, user: Any) -> Iterator[list[Any]]:
        """The facts of the yearly evaluations whose cycle the user's office manages (as the
        facts page shows them only to that office)."""
        scope = scope_for(user)
        rows = (
            Evaluation.objects.filter(
                scope.path_q("cycle__org_path", write=True), cycle__quarter__isnull=True
            )
            .select_related("member", "organization", "cycle")
            .order_by("cycle__year", "-subject_kind", "subject_path", "id")
        )
        for ev in rows.iterator(chunk_size=2000):
            yield [
                *_subject_cells(ev),
                *(getattr(ev, key) for key, _header in FACT_INTS),
                *("Có" if getattr(ev, key) else "Không" for key, _header in FACT_BOOLS),
                DisciplineForm(ev.discipline_form).label if ev.discipline_form else "",
                ev.discipline_date,
                ev.discipline_unit,
                ev.sick_leave_months,
                ev.temporary_cell,
                ev.temporary_cell_comment,
                Level(ev.civil_service_level).label if ev.civil_service_level else "",
                ev.competent_justification,
            ]
