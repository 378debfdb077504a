"""The people app's sheets of the import workbook (registered in apps.py): organizations, members,
Party roles and government posts: columns, parsing, batch planning against the database, and
writes through tongket.people.services (one record) or tongket.people.bulk (a whole sheet)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tongket.accounts.scope import Scope, scope_for
from tongket.core.errors import DomainError
from tongket.core.rules import Severity
from tongket.core.text import normalize_name
from tongket.exchange.rows import chunks, keys_per_query, one_of
from tongket.exchange.workbook import (
    Action,
    Column,
    ColumnKind,
    ImportContext,
    RowReader,
    SheetHandler,
    choice_lookup,
)
from tongket.people import bulk, services
from tongket.people.bulk import TRANSFER_NOTE
from tongket.people.models import (
    Gender,
    Member,
    MemberStatus,
    Organization,
    OrganizationKind,
    PartyRole,
    PartyRoleKind,
    Post,
    PostTitle,
)
from tongket.people.permissions import can_see_member, can_see_organization
from tongket.people.selectors import (
    AGENCY_KIND_MESSAGES,
    Reach,
    agency_for_user,
    visible_members,
    visible_organizations,
    visible_party_roles,
    visible_posts,
)


def _allowed(choices: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"«{label}»" for _code, label in choices)


KINDS = choice_lookup(OrganizationKind.choices)
GENDERS = choice_lookup([*Gender.choices, ("male", "nam"), ("female", "nu")])
STATUSES = choice_lookup(MemberStatus.choices)
ROLES = choice_lookup([*PartyRoleKind.choices, ("standing_committee", "Ủy viên BTV")])
TITLES = choice_lookup(PostTitle.choices)
# What a refused choice cell says it accepts (built once, not per row).
KINDS_ALLOWED = _allowed(OrganizationKind.choices)
STATUSES_ALLOWED = _allowed(MemberStatus.choices)
ROLES_ALLOWED = _allowed(PartyRoleKind.choices)
TITLES_ALLOWED = _allowed(PostTitle.choices)


def _spaces(text: str) -> str:
    return " ".join(text.split())


def _chunks(items: list[str]) -> Iterator[list[str]]:
    return chunks(items, keys_per_query())


@dataclass(frozen=True)
class OrgInfo:
    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str
    agency_code: str
    path: str
    issuer_code: str
    place: str
    founded_on: dt.date | None


_ORG_INFO_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "parent__code",
    "agency__code",
    "path",
    "issuer_code",
    "place",
    "founded_on",
)


class OrgIndex:
    """The organizations an import names, by code: read in batches as the sheets ask for them
    and kept for the import, never the whole table (a national database holds 370,000
    organizations: as objects, hundreds of megabytes). Unknown codes are remembered too."""

    def __init__(self) -> None:
        self._found: dict[str, OrgInfo | None] = {}

    def load(self, codes: Iterable[str]) -> None:
        """Read the codes not asked for yet, a batch of keys per query."""
        wanted = sorted({c for c in codes if c and c not in self._found})
        for chunk in _chunks(wanted):
            rows = Organization.objects.filter(code__in=chunk).values_list(*_ORG_INFO_FIELDS)
            for r in rows:
                self._found[r[0]] = OrgInfo(
                    r[0], r[1], r[2], r[3], r[4] or "", r[5] or "", r[6], r[7], r[8], r[9]
                )
        for code in wanted:
            self._found.setdefault(code, None)

    def load_ancestors(self) -> None:
        """Read the ancestors of every organization read so far (one query per batch), so that
        walking up from any of them asks nothing more."""
        ids = sorted(
            {
                int(segment)
                for info in self._found.values()
                if info is not None
                for segment in info.path.split("/")[:-2]
            }
        )
        for chunk in chunks(ids, keys_per_query()):
            rows = Organization.objects.filter(pk__in=chunk).values_list(*_ORG_INFO_FIELDS)
            for r in rows:
                self._found.setdefault(
                    r[0],
                    OrgInfo(r[0], r[1], r[2], r[3], r[4] or "", r[5] or "", r[6], r[7], r[8], r[9]),
                )

    def get(self, code: str) -> OrgInfo | None:
        if code not in self._found:
            self.load([code])
        return self._found.get(code)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def __getitem__(self, code: str) -> OrgInfo:
        info = self.get(code)
        if info is None:
            raise KeyError(code)
        return info


class _Parents:
    """Parent codes: the file's where it declares one, else the database's (read as needed)."""

    def __init__(self, index: OrgIndex, declared: Mapping[str, str]) -> None:
        self.index = index
        self.declared = declared

    def get(self, code: str, default: str = "") -> str:
        if code in self.declared:
            return self.declared[code]
        info = self.index.get(code)
        return info.parent_code if info is not None else default


def organization_index(ctx: ImportContext) -> OrgIndex:
    """The import's organizations by code (`OrgIndex`), one per import."""
    index: OrgIndex | None = ctx.shared.get("organizations")
    if index is None:
        index = ctx.shared["organizations"] = OrgIndex()
    return index


def _scope(ctx: ImportContext) -> Scope:
    return scope_for(ctx.actor)


def _sees_member(scope: Scope, row: dict[str, Any]) -> bool:
    return can_see_member(scope, org_path=row["org_path"], member_id=row["id"])


def _file_orgs(ctx: ImportContext) -> dict[str, str]:
    """Codes the organizations sheet declares (and did not refuse) → their kind."""
    found: dict[str, str] = ctx.shared.get("file_organizations", {})
    return found


def _visible_org_kind(ctx: ImportContext, code: str) -> str | None:
    """The kind of an organization the actor may name: declared in the file or visible."""
    declared = _file_orgs(ctx).get(code)
    if declared is not None:
        return declared
    info = organization_index(ctx).get(code)
    if info is not None and can_see_organization(_scope(ctx), info.path):
        return info.kind
    return None


class _Outcomes:
    """What the set-based writes tell of each input, reported on its sheet row."""

    def __init__(self, sheet: Any, records: list[Any], ctx: ImportContext) -> None:
        self.sheet, self.records, self.ctx = sheet, records, ctx

    def refused(self, index: int, error: DomainError) -> None:
        self.ctx.refuse_error(self.sheet, self.records[index], error)

    def written(self, index: int, action: str, edited: bool) -> None:
        self.sheet.written(self.records[index], action, edited, self.ctx)


# --- Organizations -----------------------------------------------------------------------------


@dataclass
class OrganizationRow:
    row: int
    letters: dict[str, str]
    code: str
    name: str
    kind: str
    parent_code: str
    agency_code: str
    short_name: str
    issuer_code: str
    place: str
    founded_on: dt.date | None
    action: Action = Action.UNCHANGED
    changes: dict[str, str] = field(default_factory=dict)


class OrganizationSheet(SheetHandler[OrganizationRow]):
    key = "organizations"
    title = "Tổ chức"
    description = "Tổ chức đảng và cơ quan, mỗi dòng một tổ chức; khóa là mã tổ chức."
    order = 10
    columns = (
        Column(
            "code", "Mã", True, "Mã duy nhất của tổ chức; là khóa để cập nhật.", "QT.KCQDN.SGDDT"
        ),
        Column("name", "Tên", True, "Tên hiện hành.", "Đảng bộ Sở Giáo dục và Đào tạo", 40),
        Column("kind", "Loại", True, _allowed(OrganizationKind.choices), "Đảng bộ cơ sở"),
        Column(
            "parent_code",
            "Mã tổ chức cấp trên",
            False,
            "Để trống với tổ chức đã có: giữ nguyên cấp trên.",
            "QT.KCQDN",
        ),
        Column(
            "agency_code",
            "Mã cơ quan",
            False,
            "Cơ quan nơi tổ chức đảng đặt tại.",
            "UBND.QT.SGDDT",
        ),
        Column("short_name", "Tên viết tắt", False, "", "ĐU Sở GD&ĐT"),
        Column("issuer_code", "Ký hiệu cơ quan ban hành", False, "Dùng trong số văn bản.", "ĐU"),
        Column("place", "Địa danh", False, "Dùng trong dòng địa danh, ngày tháng.", "Quảng Trị"),
        Column("founded_on", "Ngày thành lập", False, "ngày/tháng/năm", "15/07/2020"),
    )
    kinds = {
        "code": ColumnKind.CODE,
        "kind": ColumnKind.CHOICE,
        "parent_code": ColumnKind.ORGANIZATION,
        "agency_code": ColumnKind.ORGANIZATION,
        "issuer_code": ColumnKind.CODE,
        "founded_on": ColumnKind.DATE,
    }
    choices = {"kind": [label for _code, label in OrganizationKind.choices]}
    field_columns = {
        "code": "code",
        "name": "name",
        "kind": "kind",
        "parent": "parent_code",
        "agency": "agency_code",
    }

    def parse(self, reader: RowReader) -> OrganizationRow | None:
        row = OrganizationRow(
            row=reader.row.number,
            letters=reader.row.letters,
            code=reader.text("code", required=True, max_length=64),
            name=reader.text("name", required=True),
            kind=reader.choice("kind", KINDS, KINDS_ALLOWED, required=True),
            parent_code=reader.text("parent_code", max_length=64),
            agency_code=reader.text("agency_code", max_length=64),
            short_name=reader.text("short_name", max_length=120),
            issuer_code=reader.text("issuer_code", max_length=20),
            place=reader.text("place", max_length=80),
            founded_on=reader.date("founded_on"),
        )
        return row if reader.ok else None

    def plan(self, records: list[OrganizationRow], ctx: ImportContext) -> list[OrganizationRow]:
        index = organization_index(ctx)
        index.load(c for r in records for c in (r.code, r.parent_code, r.agency_code))
        index.load_ancestors()
        scope = _scope(ctx)
        declared: dict[str, OrganizationRow] = {}
        for r in records:
            first = declared.get(r.code)
            if first is not None:
                self._refuse(
                    ctx,
                    r,
                    "code",
                    r.code,
                    "import.organization.duplicate_code",
                    f"Mã tổ chức trùng với dòng {first.row} của cùng trang.",
                )
                continue
            declared[r.code] = r
            existing = index.get(r.code)
            if existing is not None and not can_see_organization(scope, existing.path):
                self._refuse(
                    ctx,
                    r,
                    "code",
                    r.code,
                    "people.organization.unique_code",
                    f"Mã tổ chức «{r.code}» đã được dùng.",
                )
        live = {c: r for c, r in declared.items() if r.action is not Action.REFUSE}
        ctx.shared["file_organizations"] = {c: r.kind for c, r in live.items()}

        for r in live.values():
            self._check(r, index.get(r.code), index, scope, ctx)
        live = {c: r for c, r in live.items() if r.action is not Action.REFUSE}
        ctx.shared["file_organizations"] = {c: r.kind for c, r in live.items()}

        parent_of = _Parents(index, {c: r.parent_code for c, r in live.items() if r.parent_code})
        for r in live.values():
            if "parent_code" in r.changes or r.action is Action.CREATE:
                self._check_cycle(r, parent_of, ctx)
        todo = [r for r in live.values() if r.action in (Action.CREATE, Action.UPDATE)]
        return sorted(todo, key=lambda r: (_depth(r.code, parent_of), r.row))

    def _refuse(
        self, ctx: ImportContext, r: OrganizationRow, key: str, value: Any, rule: str, message: str
    ) -> None:
        r.action = Action.REFUSE
        ctx.refuse(self, r.row, key, value, rule, message, letters=r.letters)

    def _check(
        self,
        r: OrganizationRow,
        existing: OrgInfo | None,
        index: OrgIndex,
        scope: Scope,
        ctx: ImportContext,
    ) -> None:
        if r.parent_code and _visible_org_kind(ctx, r.parent_code) is None:
            self._refuse(
                ctx,
                r,
                "parent_code",
                r.parent_code,
                "people.organization.unknown_code",
                f"Không có tổ chức mã «{r.parent_code}».",
            )
        if r.agency_code and (existing is None or r.agency_code != existing.agency_code):
            self._check_agency(r, ctx)
        if r.action is Action.REFUSE:
            return
        if existing is None:
            if not r.parent_code and not scope.is_superuser:
                self._refuse(
                    ctx,
                    r,
                    "parent_code",
                    "",
                    "import.organization.parent_required",
                    "Tổ chức mới phải có mã tổ chức cấp trên.",
                )
                return
            r.action = Action.CREATE
            return
        if r.kind != existing.kind:
            self._refuse(
                ctx,
                r,
                "kind",
                r.kind,
                "import.organization.kind_immutable",
                "Không đổi được loại của tổ chức đã có.",
            )
            return
        if _spaces(r.name) != existing.name:
            r.changes["name"] = r.name
        if r.short_name and r.short_name != existing.short_name:
            r.changes["short_name"] = r.short_name
        if r.parent_code and r.parent_code != existing.parent_code:
            r.changes["parent_code"] = r.parent_code
        if r.agency_code and r.agency_code != existing.agency_code:
            r.changes["agency_code"] = r.agency_code
        for key, now in (
            ("issuer_code", existing.issuer_code),
            ("place", existing.place),
            ("founded_on", existing.founded_on),
        ):
            value = getattr(r, key)
            if value and value != now:
                ctx.refuse(
                    self,
                    r.row,
                    key,
                    value,
                    "import.organization.not_updatable",
                    "Cột này chỉ dùng khi tạo tổ chức mới; giá trị đã có được giữ nguyên.",
                    letters=r.letters,
                    severity=Severity.WARNING,
                )
        if not r.changes:
            ctx.record(self, r.row, r.code, Action.UNCHANGED)
        elif not scope.administers(existing.path):
            self._refuse(
                ctx, r, "code", r.code, "access.denied", "Bạn không có quyền sửa tổ chức này."
            )
        else:
            r.action = Action.UPDATE

    def _check_agency(self, r: OrganizationRow, ctx: ImportContext) -> None:
        """The «Mã cơ quan» of a row, as the services will check it: an agency the file itself
        creates, or one the importer already administers (the link widens scope)."""
        declared = _file_orgs(ctx).get(r.agency_code)
        if declared == OrganizationKind.AGENCY:
            return
        try:
            if declared is not None:
                raise DomainError(
                    AGENCY_KIND_MESSAGES["people.organization.agency_kind"],
                    rule="people.organization.agency_kind",
                )
            agency_for_user(
                ctx.actor,
                r.agency_code,
                reach=Reach.ADMIN,
                kind_rule="people.organization.agency_kind",
            )
        except DomainError as exc:
            self._refuse(ctx, r, "agency_code", r.agency_code, exc.rule, exc.message)

    def _check_cycle(self, r: OrganizationRow, parent_of: _Parents, ctx: ImportContext) -> None:
        seen: set[str] = set()
        code = r.parent_code
        while code and code not in seen:
            if code == r.code:
                self._refuse(
                    ctx,
                    r,
                    "parent_code",
                    r.parent_code,
                    "people.organization.cycle",
                    f"Đặt «{r.code}» dưới «{r.parent_code}» sẽ tạo vòng lặp: "
                    f"«{r.parent_code}» nằm trong chính «{r.code}».",
                )
                return
            seen.add(code)
            code = parent_of.get(code, "")

    def apply(self, record: OrganizationRow, ctx: ImportContext) -> None:
        if record.action is Action.CREATE:
            services.create_organization(
                actor=ctx.actor,
                data=services.OrganizationInput(
                    code=record.code,
                    name=record.name,
                    kind=record.kind,
                    parent_code=record.parent_code or None,
                    short_name=record.short_name,
                    agency_code=record.agency_code or None,
                    issuer_code=record.issuer_code,
                    place=record.place,
                    founded_on=record.founded_on,
                ),
            )
            ctx.record(self, record.row, record.code, Action.CREATE, record.name)
            return
        c = record.changes
        services.update_organization(
            actor=ctx.actor,
            code=record.code,
            name=c.get("name"),
            short_name=c.get("short_name"),
            renamed_on=ctx.today if "name" in c else None,
            parent_code=c.get("parent_code"),
            agency_code=c.get("agency_code"),
        )
        labels = {self.column(k).header.lower() for k in c if self.column(k)}  # type: ignore[union-attr]
        ctx.record(self, record.row, record.code, Action.UPDATE, "sửa " + ", ".join(sorted(labels)))

    def export_rows(self, user: Any) -> Iterator[list[Any]]:
        """Streamed in path order: a parent comes before its children, so whether it is in the
        export is known when a child names it; the (few) agencies are read first."""
        orgs = visible_organizations(user).order_by("path")
        agencies = set(
            orgs.filter(kind=OrganizationKind.AGENCY).values_list("code", flat=True).order_by()
        )
        labels = dict(OrganizationKind.choices)
        seen: set[str] = set()
        rows = orgs.values_list(
            "code",
            "name",
            "kind",
            "parent__code",
            "agency__code",
            "short_name",
            "issuer_code",
            "place",
            "founded_on",
        )
        for code, name, kind, parent, agency, short_name, issuer, place, founded in rows.iterator(
            chunk_size=2000
        ):
            seen.add(code)
            yield [
                code,
                name,
                labels.get(kind, kind),
                parent if parent in seen else "",
                agency if agency in agencies else "",
                short_name,
                issuer,
                place,
                founded,
            ]


def _depth(code: str, parent_of: _Parents) -> int:
    depth = 0
    seen: set[str] = set()
    while (code := parent_of.get(code, "")) and code not in seen:
        seen.add(code)
        depth += 1
    return depth


# --- Members -----------------------------------------------------------------------------------


@dataclass
class MemberRow:
    row: int
    letters: dict[str, str]
    card_number: str
    full_name: str
    birth_date: dt.date | None
    gender: str
    joined_on: dt.date | None
    full_member_on: dt.date | None
    status: str
    organization_code: str
    action: Action = Action.UNCHANGED
    changed: bool = False
    moves: bool = False
    current_code: str = ""


MEMBER_FIELDS = ("full_name", "birth_date", "gender", "joined_on", "full_member_on", "status")


class MemberSheet(SheetHandler[MemberRow]):
    key = "members"
    title = "Đảng viên"
    description = "Đảng viên, mỗi dòng một người; khóa là số thẻ đảng viên."
    order = 20
    columns = (
        Column(
            "card_number", "Số thẻ", True, "Số thẻ đảng viên; là khóa để cập nhật.", "45.000001"
        ),
        Column("full_name", "Họ và tên", True, "", "Lê Văn Tính", 28),
        Column("birth_date", "Ngày sinh", False, "ngày/tháng/năm", "12/05/1975"),
        Column("gender", "Giới tính", True, "«Nam» hoặc «Nữ»", "Nam", 10),
        Column("joined_on", "Ngày vào Đảng", True, "ngày/tháng/năm", "03/02/2000"),
        Column(
            "full_member_on",
            "Ngày chính thức",
            False,
            "Bắt buộc với đảng viên chính thức.",
            "03/02/2001",
        ),
        Column("status", "Tình trạng", True, _allowed(MemberStatus.choices), "Chính thức", 12),
        Column(
            "organization_code",
            "Mã chi bộ",
            True,
            "Mã tổ chức nơi sinh hoạt; đổi mã là chuyển sinh hoạt.",
            "QT.KCQDN.SGDDT.VP",
            22,
        ),
    )
    kinds = {
        "card_number": ColumnKind.CARD,
        "birth_date": ColumnKind.DATE,
        "gender": ColumnKind.CHOICE,
        "joined_on": ColumnKind.DATE,
        "full_member_on": ColumnKind.DATE,
        "status": ColumnKind.CHOICE,
        "organization_code": ColumnKind.ORGANIZATION,
    }
    choices = {
        "gender": [label for _code, label in Gender.choices],
        "status": [label for _code, label in MemberStatus.choices],
    }
    field_columns = {
        "card_number": "card_number",
        "full_name": "full_name",
        "gender": "gender",
        "status": "status",
        "joined_on": "joined_on",
        "full_member_on": "full_member_on",
        "birth_date": "birth_date",
        "organization": "organization_code",
        "on": "organization_code",
    }

    def parse(self, reader: RowReader) -> MemberRow | None:
        row = MemberRow(
            row=reader.row.number,
            letters=reader.row.letters,
            card_number=reader.text("card_number", required=True, max_length=20),
            full_name=normalize_name(reader.text("full_name", required=True, max_length=120)),
            birth_date=reader.date("birth_date"),
            gender=reader.choice("gender", GENDERS, "«Nam», «Nữ»", required=True),
            joined_on=reader.date("joined_on", required=True),
            full_member_on=reader.date("full_member_on"),
            status=reader.choice("status", STATUSES, STATUSES_ALLOWED, required=True),
            organization_code=reader.text("organization_code", required=True, max_length=64),
        )
        return row if reader.ok else None

    def _refuse(
        self, ctx: ImportContext, r: MemberRow, key: str, value: Any, rule: str, message: str
    ) -> None:
        r.action = Action.REFUSE
        ctx.refuse(self, r.row, key, value, rule, message, letters=r.letters)

    def plan(self, records: list[MemberRow], ctx: ImportContext) -> list[MemberRow]:
        scope = _scope(ctx)
        declared: dict[str, MemberRow] = {}
        for r in records:
            first = declared.get(r.card_number)
            if first is not None:
                self._refuse(
                    ctx,
                    r,
                    "card_number",
                    r.card_number,
                    "import.member.duplicate_card",
                    f"Số thẻ trùng với dòng {first.row} của cùng trang.",
                )
                continue
            declared[r.card_number] = r
        existing = existing_members(list(declared))
        organization_index(ctx).load(r.organization_code for r in declared.values())
        for r in declared.values():
            if _visible_org_kind(ctx, r.organization_code) is None:
                self._refuse(
                    ctx,
                    r,
                    "organization_code",
                    r.organization_code,
                    "people.organization.unknown_code",
                    f"Không có tổ chức mã «{r.organization_code}».",
                )
            now = existing.get(r.card_number)
            if now is None:
                if r.action is not Action.REFUSE:
                    r.action = Action.CREATE
                continue
            if not _sees_member(scope, now):
                self._refuse(
                    ctx,
                    r,
                    "card_number",
                    r.card_number,
                    "people.member.unique_card",
                    f"Số thẻ đảng viên «{r.card_number}» không dùng được cho đảng viên mới: "
                    "số thẻ đã được cấp.",
                )
                continue
            if r.action is Action.REFUSE:
                continue
            r.current_code = now["organization__code"]
            r.changed = any(getattr(r, f) != now[f] for f in MEMBER_FIELDS)
            r.moves = r.organization_code != r.current_code
            if r.changed or r.moves:
                r.action = Action.TRANSFER if r.moves else Action.UPDATE
            else:
                ctx.record(self, r.row, r.card_number, Action.UNCHANGED)
        live = [r for r in declared.values() if r.action is not Action.REFUSE]
        ctx.shared["file_members"] = {r.card_number for r in live}
        return [r for r in live if r.action is not Action.UNCHANGED]

    def member_input(self, r: MemberRow, organization_code: str) -> services.MemberInput:
        assert r.joined_on is not None  # required column, checked by parse
        return services.MemberInput(
            card_number=r.card_number,
            full_name=r.full_name,
            gender=r.gender,
            joined_on=r.joined_on,
            organization_code=organization_code,
            status=r.status,
            birth_date=r.birth_date,
            full_member_on=r.full_member_on,
        )

    def apply_all(
        self, records: list[MemberRow], ctx: ImportContext, advance: Callable[[int], None]
    ) -> bool:
        items = [
            bulk.MemberWrite(
                data=self.member_input(r, r.organization_code),
                create=r.action is Action.CREATE,
                changed=r.changed,
                current_code=r.current_code,
            )
            for r in records
        ]
        bulk.write_members(
            actor=ctx.actor,
            items=items,
            on=ctx.today,
            outcomes=_Outcomes(self, records, ctx),
            advance=advance,
        )
        return True

    def written(self, record: MemberRow, action: str, edited: bool, ctx: ImportContext) -> None:
        """How the report states a written member row."""
        if action == Action.CREATE:
            ctx.record(self, record.row, record.card_number, Action.CREATE, record.full_name)
        elif action == Action.TRANSFER:
            detail = f"{record.current_code} → {record.organization_code}"
            if edited:
                detail += ", sửa hồ sơ"
            ctx.record(self, record.row, record.card_number, Action.TRANSFER, detail)
        else:
            ctx.record(self, record.row, record.card_number, Action.UPDATE, "sửa hồ sơ")

    def apply(self, record: MemberRow, ctx: ImportContext) -> None:
        if record.action is Action.CREATE:
            services.create_member(
                actor=ctx.actor, data=self.member_input(record, record.organization_code)
            )
            ctx.record(self, record.row, record.card_number, Action.CREATE, record.full_name)
            return
        if record.changed:
            services.update_member(
                actor=ctx.actor,
                card_number=record.card_number,
                data=self.member_input(record, record.current_code),
            )
        if record.moves:
            services.transfer_member(
                actor=ctx.actor,
                card_number=record.card_number,
                to_code=record.organization_code,
                on=ctx.today,
                note=TRANSFER_NOTE,
            )
            detail = f"{record.current_code} → {record.organization_code}"
            if record.changed:
                detail += ", sửa hồ sơ"
            ctx.record(self, record.row, record.card_number, Action.TRANSFER, detail)
        else:
            ctx.record(self, record.row, record.card_number, Action.UPDATE, "sửa hồ sơ")

    def export_rows(self, user: Any) -> Iterator[list[Any]]:
        members = visible_members(user).order_by("org_path", "sort_name", "card_number")
        for m in members.iterator(chunk_size=2000):
            yield [
                m.card_number,
                m.full_name,
                m.birth_date,
                m.get_gender_display(),
                m.joined_on,
                m.full_member_on,
                m.get_status_display(),
                m.organization.code,
            ]


def existing_members(cards: list[str]) -> dict[str, dict[str, Any]]:
    """The members with these card numbers, in batches of IN (...) queries."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(cards):
        for row in Member.objects.filter(card_number__in=one_of(chunk)).values(
            "id", "card_number", "org_path", "organization__code", *MEMBER_FIELDS
        ):
            found[row["card_number"]] = row
    return found


def _known_cards(ctx: ImportContext, cards: list[str]) -> set[str]:
    """Cards the actor may name: declared in the members sheet, or visible members."""
    scope = _scope(ctx)
    known: set[str] = set(ctx.shared.get("file_members", set()))
    for card, row in existing_members([c for c in cards if c not in known]).items():
        if _sees_member(scope, row):
            known.add(card)
    return known


# --- Links of a member: Party roles and government posts ----------------------------------------

L = TypeVar("L", "PartyRoleRow", "PostRow")


def _start(record: PartyRoleRow | PostRow) -> dt.date:
    assert record.start is not None  # required column, checked by parse
    return record.start


class _LinkSheet(SheetHandler[L]):
    """A sheet of links of a member to an organization (Party roles, posts): planned alike
    (`_plan_links`), written set-based (`write_all`) or one by one (`assign`)."""

    org_key: str  # the row's field holding the organization's code

    def existing(self, cards: list[str]) -> set[tuple[str, str, str, dt.date | None]]:
        raise NotImplementedError

    def org_kind(self, ctx: ImportContext, code: str) -> str | None:
        raise NotImplementedError

    def write_all(
        self, records: list[L], ctx: ImportContext, advance: Callable[[int], None]
    ) -> None:
        raise NotImplementedError

    def assign(self, record: L, ctx: ImportContext) -> None:
        raise NotImplementedError

    def record_key(self, record: L) -> str:
        raise NotImplementedError

    def plan(self, records: list[L], ctx: ImportContext) -> list[L]:
        cards = sorted({r.card_number for r in records})
        known = _known_cards(ctx, cards)
        return _plan_links(
            self, records, ctx, known, self.existing(cards), self.org_key, self.org_kind
        )

    def apply_all(
        self, records: list[L], ctx: ImportContext, advance: Callable[[int], None]
    ) -> bool:
        self.write_all(records, ctx, advance)
        return True

    def written(self, record: L, action: str, edited: bool, ctx: ImportContext) -> None:
        ctx.record(self, record.row, self.record_key(record), Action.CREATE)

    def apply(self, record: L, ctx: ImportContext) -> None:
        self.assign(record, ctx)
        ctx.record(self, record.row, self.record_key(record), Action.CREATE)


# --- Party roles -------------------------------------------------------------------------------


@dataclass
class PartyRoleRow:
    row: int
    letters: dict[str, str]
    card_number: str
    organization_code: str
    role: str
    term: str
    start: dt.date | None
    action: Action = Action.CREATE

    @property
    def natural_key(self) -> tuple[str, str, str, dt.date | None]:
        return (self.card_number, self.organization_code, self.role, self.start)


class PartyRoleSheet(_LinkSheet[PartyRoleRow]):
    key = "party_roles"
    org_key = "organization_code"
    title = "Chức vụ đảng"
    description = (
        "Chức vụ trong cấp ủy đương nhiệm; khóa là số thẻ, mã tổ chức, chức vụ và ngày bắt đầu."
    )
    order = 30
    columns = (
        Column("card_number", "Số thẻ", True, "Số thẻ của đảng viên giữ chức vụ.", "45.000001"),
        Column("full_name", "Họ và tên", False, "Chỉ để dễ đọc; không được nhập.", "Lê Văn Tính"),
        Column(
            "organization_code",
            "Mã tổ chức",
            True,
            "Tổ chức đảng có cấp ủy.",
            "QT.KCQDN.SGDDT",
            22,
        ),
        Column("role", "Chức vụ", True, _allowed(PartyRoleKind.choices), "Phó Bí thư", 22),
        Column("term", "Nhiệm kỳ", False, "", "2020-2025", 12),
        Column("start", "Từ ngày", True, "ngày/tháng/năm", "15/07/2020"),
    )
    kinds = {
        "card_number": ColumnKind.CARD,
        "organization_code": ColumnKind.ORGANIZATION,
        "role": ColumnKind.CHOICE,
        "start": ColumnKind.DATE,
    }
    choices = {"role": [label for _code, label in PartyRoleKind.choices]}
    field_columns = {
        "card_number": "card_number",
        "organization": "organization_code",
        "role": "role",
        "start": "start",
    }

    def parse(self, reader: RowReader) -> PartyRoleRow | None:
        row = PartyRoleRow(
            row=reader.row.number,
            letters=reader.row.letters,
            card_number=reader.text("card_number", required=True, max_length=20),
            organization_code=reader.text("organization_code", required=True, max_length=64),
            role=reader.choice("role", ROLES, ROLES_ALLOWED, required=True),
            term=reader.text("term", max_length=20),
            start=reader.date("start", required=True),
        )
        return row if reader.ok else None

    def existing(self, cards: list[str]) -> set[tuple[str, str, str, dt.date | None]]:
        return _existing_links(PartyRole, cards, "organization__code", "role")

    def org_kind(self, ctx: ImportContext, code: str) -> str | None:
        return _visible_org_kind(ctx, code)

    def write_all(
        self, records: list[PartyRoleRow], ctx: ImportContext, advance: Callable[[int], None]
    ) -> None:
        items = [
            bulk.PartyRoleWrite(r.card_number, r.organization_code, r.role, r.term, _start(r))
            for r in records
        ]
        outcomes = _Outcomes(self, records, ctx)
        bulk.assign_party_roles(actor=ctx.actor, items=items, outcomes=outcomes, advance=advance)

    def assign(self, record: PartyRoleRow, ctx: ImportContext) -> None:
        services.assign_party_role(
            actor=ctx.actor,
            card_number=record.card_number,
            organization_code=record.organization_code,
            role=record.role,
            start=_start(record),
            term=record.term,
        )

    def record_key(self, record: PartyRoleRow) -> str:
        role = PartyRoleKind(record.role).label
        return f"{record.card_number} · {role} · {record.organization_code}"

    def export_rows(self, user: Any) -> Iterator[list[Any]]:
        roles = (
            visible_party_roles(user)
            .filter(end__isnull=True)
            .order_by("organization__path", "role", "member__sort_name")
        )
        for r in roles.iterator(chunk_size=2000):
            yield [
                r.member.card_number,
                r.member.full_name,
                r.organization.code,
                r.get_role_display(),
                r.term,
                r.start,
            ]


def _existing_links(
    model: type[PartyRole] | type[Post], cards: list[str], org_field: str, kind_field: str
) -> set[tuple[str, str, str, dt.date | None]]:
    """(card number, organization code, role or title, start) of the links the cards hold."""
    existing: set[tuple[str, str, str, dt.date | None]] = set()
    for chunk in _chunks(cards):
        existing.update(
            model.objects.filter(member__card_number__in=chunk).values_list(
                "member__card_number", org_field, kind_field, "start"
            )
        )
    return existing


def _plan_links(
    sheet: SheetHandler[Any],
    records: list[Any],
    ctx: ImportContext,
    known_cards: set[str],
    existing: set[tuple[Any, ...]],
    org_key: str,
    org_kind: Any,
) -> list[Any]:
    """Shared planning of link rows (roles, posts): known card and organization, no duplicate
    in the file, and an existing identical link means unchanged."""
    organization_index(ctx).load(getattr(r, org_key) for r in records)
    seen: dict[tuple[Any, ...], int] = {}
    todo: list[Any] = []

    def refuse(r: Any, column: str, value: str, rule: str, message: str) -> None:
        r.action = Action.REFUSE
        ctx.refuse(sheet, r.row, column, value, rule, message, letters=r.letters)

    for r in records:
        key = r.natural_key
        if key in seen:
            refuse(
                r,
                "card_number",
                r.card_number,
                "import.link.duplicate",
                f"Dòng này trùng với dòng {seen[key]} của cùng trang.",
            )
            continue
        seen[key] = r.row
        if r.card_number not in known_cards:
            refuse(
                r,
                "card_number",
                r.card_number,
                "import.member.unknown_card",
                f"Không có đảng viên số thẻ «{r.card_number}».",
            )
        code = getattr(r, org_key)
        if org_kind(ctx, code) is None:
            refuse(
                r,
                org_key,
                code,
                "people.organization.unknown_code",
                f"Không có tổ chức mã «{code}».",
            )
        if r.action is Action.REFUSE:
            continue
        if key in existing:
            r.action = Action.UNCHANGED
            ctx.record(sheet, r.row, " · ".join(str(k) for k in key[:3]), Action.UNCHANGED)
        else:
            todo.append(r)
    return todo


# --- Government posts --------------------------------------------------------------------------


@dataclass
class PostRow:
    row: int
    letters: dict[str, str]
    card_number: str
    agency_code: str
    title: str
    title_detail: str
    start: dt.date | None
    action: Action = Action.CREATE

    @property
    def natural_key(self) -> tuple[str, str, str, dt.date | None]:
        return (self.card_number, self.agency_code, self.title, self.start)


class PostSheet(_LinkSheet[PostRow]):
    key = "posts"
    org_key = "agency_code"
    title = "Chức vụ chính quyền"
    description = (
        "Chức vụ chính quyền đương nhiệm; khóa là số thẻ, mã cơ quan, chức vụ và ngày bắt đầu."
    )
    order = 40
    columns = (
        Column("card_number", "Số thẻ", True, "Số thẻ của đảng viên giữ chức vụ.", "45.000002"),
        Column("full_name", "Họ và tên", False, "Chỉ để dễ đọc; không được nhập.", "Võ Văn Minh"),
        Column("agency_code", "Mã cơ quan", True, "Cơ quan (loại «Cơ quan»).", "UBND.QT.SGDDT", 22),
        Column("title", "Chức vụ", True, _allowed(PostTitle.choices), "Phó Giám đốc", 22),
        Column("title_detail", "Ghi rõ", False, "Tên chức vụ đầy đủ nếu cần.", "", 24),
        Column("start", "Từ ngày", True, "ngày/tháng/năm", "01/01/2019"),
    )
    kinds = {
        "card_number": ColumnKind.CARD,
        "agency_code": ColumnKind.ORGANIZATION,
        "title": ColumnKind.CHOICE,
        "start": ColumnKind.DATE,
    }
    choices = {"title": [label for _code, label in PostTitle.choices]}
    field_columns = {
        "card_number": "card_number",
        "agency": "agency_code",
        "title": "title",
        "start": "start",
    }

    def parse(self, reader: RowReader) -> PostRow | None:
        row = PostRow(
            row=reader.row.number,
            letters=reader.row.letters,
            card_number=reader.text("card_number", required=True, max_length=20),
            agency_code=reader.text("agency_code", required=True, max_length=64),
            title=reader.choice("title", TITLES, TITLES_ALLOWED, required=True),
            title_detail=reader.text("title_detail", max_length=120),
            start=reader.date("start", required=True),
        )
        return row if reader.ok else None

    def existing(self, cards: list[str]) -> set[tuple[str, str, str, dt.date | None]]:
        return _existing_links(Post, cards, "agency__code", "title")

    def org_kind(self, ctx: ImportContext, code: str) -> str | None:
        # Government agencies sit outside the Party tree the actor administers; the post service
        # accepts any agency, so the file may name any agency that exists.
        info = organization_index(ctx).get(code)
        return _file_orgs(ctx).get(code) or (info.kind if info else None)

    def write_all(
        self, records: list[PostRow], ctx: ImportContext, advance: Callable[[int], None]
    ) -> None:
        items = [
            bulk.PostWrite(r.card_number, r.agency_code, r.title, r.title_detail, _start(r))
            for r in records
        ]
        outcomes = _Outcomes(self, records, ctx)
        bulk.assign_posts(actor=ctx.actor, items=items, outcomes=outcomes, advance=advance)

    def assign(self, record: PostRow, ctx: ImportContext) -> None:
        services.assign_post(
            actor=ctx.actor,
            card_number=record.card_number,
            agency_code=record.agency_code,
            title=record.title,
            start=_start(record),
            title_detail=record.title_detail,
        )

    def record_key(self, record: PostRow) -> str:
        return f"{record.card_number} · {PostTitle(record.title).label} · {record.agency_code}"

    def export_rows(self, user: Any) -> Iterator[list[Any]]:
        posts = (
            visible_posts(user)
            .filter(end__isnull=True)
            .order_by("agency__path", "title", "member__sort_name")
        )
        for p in posts.iterator(chunk_size=2000):
            yield [
                p.member.card_number,
                p.member.full_name,
                p.agency.code,
                p.get_title_display(),
                p.title_detail,
                p.start,
            ]
