"""Deterministic synthetic national data as plain rows (no Django): hierarchy, members, results.

The generator assigns every primary key itself, from counters the loader starts above the ids
already in the database, so paths (`people.services`: 10-digit ids each followed by "/") are
known before anything is written and the rows can go to the database with COPY. Each province
has its own random stream derived from the seed, so a province's rows do not depend on how many
rows the provinces before it produced, only on the seed, the member count and the first ids.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from tongket.core.text import fold, vietnamese_sort_string
from tongket.evaluation.regulations import profile_for_year
from tongket.people.domain import MEMBER_OWN_FIELDS

SEGMENT = 10  # digits per path segment, as tongket.people.services.SEGMENT
MIN_CELL = 3
MAX_CELL = 60
MIN_MEMBERS = 1000
TERM = "2020-2025"
TERM_START = dt.date(2020, 10, 15)

Row = tuple[object, ...]

# Columns the generator fills, per table; the loader fills every other column with its default.
COLUMNS: dict[str, tuple[str, ...]] = {
    "organization": (
        "id",
        "code",
        "name",
        "short_name",
        "name_folded",
        "kind",
        "parent_id",
        "path",
        "depth",
        "place",
        "founded_on",
        "is_sample",
        "sort_order",
    ),
    "organization_name": ("id", "organization_id", "name", "valid_from"),
    "member": ("id", "card_number", *MEMBER_OWN_FIELDS, "organization_id", "org_path", "is_sample"),
    "membership": ("id", "member_id", "organization_id", "start"),
    "party_role": ("id", "member_id", "organization_id", "role", "term", "start"),
    "cycle": ("id", "organization_id", "year", "profile_id", "status", "opened_at"),
    "evaluation": (
        "id",
        "cycle_id",
        "subject_kind",
        "member_id",
        "organization_id",
        "unit_id",
        "subject_path",
        "org_kind",
    ),
    "decision": (
        "id",
        "evaluation_id",
        "kind",
        "number",
        "date",
        "deciding_body_id",
        "level",
        "not_classified_reason",
        "status",
        "created_at",
    ),
}
STRUCTURE_TABLES = ("organization", "organization_name", "member", "membership", "party_role")
RESULT_TABLES = ("cycle", "evaluation", "decision")
TABLES = STRUCTURE_TABLES + RESULT_TABLES

# The 34 provinces and centrally-run cities after the 2025 merger (Nghị quyết 202/2025/QH15),
# with a weight roughly proportional to their Party membership.
PROVINCES: tuple[tuple[str, str, int], ...] = (
    ("Hà Nội", "city", 50),
    ("Huế", "city", 6),
    ("Lai Châu", "province", 3),
    ("Điện Biên", "province", 4),
    ("Sơn La", "province", 7),
    ("Lạng Sơn", "province", 5),
    ("Quảng Ninh", "province", 10),
    ("Thanh Hóa", "province", 25),
    ("Nghệ An", "province", 22),
    ("Hà Tĩnh", "province", 10),
    ("Cao Bằng", "province", 4),
    ("Tuyên Quang", "province", 10),
    ("Lào Cai", "province", 10),
    ("Thái Nguyên", "province", 12),
    ("Phú Thọ", "province", 22),
    ("Bắc Ninh", "province", 16),
    ("Hưng Yên", "province", 18),
    ("Hải Phòng", "city", 20),
    ("Ninh Bình", "province", 20),
    ("Quảng Trị", "province", 10),
    ("Đà Nẵng", "city", 14),
    ("Quảng Ngãi", "province", 9),
    ("Gia Lai", "province", 12),
    ("Khánh Hòa", "province", 9),
    ("Lâm Đồng", "province", 13),
    ("Đắk Lắk", "province", 11),
    ("Thành phố Hồ Chí Minh", "city", 45),
    ("Đồng Nai", "province", 13),
    ("Tây Ninh", "province", 10),
    ("Cần Thơ", "city", 11),
    ("Vĩnh Long", "province", 12),
    ("Đồng Tháp", "province", 11),
    ("Cà Mau", "province", 8),
    ("An Giang", "province", 13),
)

FAMILY: tuple[tuple[str, int], ...] = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 3),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Trương", 1),
    ("Hà", 1),
    ("Đoàn", 1),
    ("Mai", 1),
    ("Đinh", 1),
    ("Lương", 1),
    ("Tạ", 1),
)
MIDDLE_M = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân", "Đình", "Ngọc", "Quốc")
MIDDLE_F = ("Thị", "Thị Thu", "Thị Minh", "Ngọc", "Thị Hồng", "Thanh", "Thị Kim", "Diệu", "Thị")
GIVEN_M = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân",
    "Sơn", "Thắng", "Toàn", "Trung", "Tuấn", "Việt", "Vinh", "Hiếu", "Hoàng", "Huy", "Kiên",
    "Lâm", "Lộc", "Mạnh", "Nghĩa", "Phúc", "Tài", "Thành", "Thịnh", "Tín", "Tùng", "Hưng",
)  # fmt: skip
GIVEN_F = (
    "Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga",
    "Ngân", "Nhung", "Oanh", "Phương", "Quyên", "Thảo", "Trang", "Yến", "Huyền", "Loan", "Thủy",
    "Tâm", "Vân", "Xuân", "Hằng", "Liên", "My", "Nhi",
)  # fmt: skip
PLACE_A = (
    "Yên", "Tân", "Phú", "Bình", "Hòa", "Thạnh", "An", "Long", "Vĩnh", "Đông", "Tây", "Nam",
    "Bắc", "Hưng", "Thuận", "Quảng", "Hiệp", "Phước", "Mỹ", "Đức", "Kim", "Ngọc", "Tiên", "Lạc",
)  # fmt: skip
PLACE_B = (
    "Sơn", "Lộc", "Hòa", "Thành", "Phú", "Lợi", "Hưng", "Bình", "Xuân", "Trung", "Thịnh",
    "Khánh", "Điền", "Lâm", "Hải", "Giang", "Phong", "Tiến", "Thủy", "Mỹ", "Định", "Lạc", "Hà",
)  # fmt: skip
DEPARTMENTS = (
    "Sở Tài chính", "Sở Nội vụ", "Sở Tư pháp", "Sở Xây dựng", "Sở Y tế", "Sở Giáo dục và Đào tạo",
    "Sở Công Thương", "Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch", "Thanh tra tỉnh", "Văn phòng Ủy ban nhân dân tỉnh",
)  # fmt: skip
DIVISIONS = (
    "Văn phòng", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch - Tài chính", "Thanh tra",
    "Phòng Pháp chế", "Phòng Quản lý", "Phòng Nghiệp vụ", "Trung tâm Dịch vụ",
)  # fmt: skip
# Shares out of 1000: members' and organizations' decided levels for a year (DOMAIN.md §1).
MEMBER_LEVELS = (("excellent", 170), ("good", 655), ("completed", 150), ("not_completed", 10))
ORG_LEVELS = (("excellent", 180), ("good", 640), ("completed", 160), ("not_completed", 20))
NOT_CLASSIFIED_OTHER = 15  # out of 1000 members: exempted or suspended


def segment(pk: int) -> str:
    return f"{pk:0{SEGMENT}d}/"


@dataclass
class Ids:
    """The next primary key for each table; the loader starts them above the existing ids."""

    next: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 1))

    def take(self, table: str) -> int:
        pk = self.next[table]
        self.next[table] = pk + 1
        return pk


@dataclass(frozen=True)
class SynthConfig:
    members: int
    seed: int
    years: tuple[int, ...] = (2023, 2024, 2025)
    with_results: bool = True

    @property
    def reference_date(self) -> dt.date:
        """The last day of the last year: nobody joins after it."""
        return dt.date(max(self.years), 12, 31) if self.years else dt.date(2025, 12, 31)


@dataclass
class Batch:
    """Rows for some tables, in `COLUMNS` order, to be written together."""

    label: str
    rows: dict[str, list[Row]] = field(default_factory=dict)

    def add(self, table: str, row: Row) -> None:
        self.rows.setdefault(table, []).append(row)

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


@dataclass
class Org:
    id: int
    code: str
    kind: str
    path: str
    parent_id: int | None
    children: list[Org] = field(default_factory=list)
    sort_order: int = 0
    # A cell's members have the consecutive ids first_member .. first_member + size - 1.
    first_member: int = 0
    size: int = 0
    first_card: int = 0
    # Members of a cell as (id, joined_on), when the generator makes the member rows itself.
    members: list[tuple[int, dt.date]] = field(default_factory=list)


def apportion(total: int, weights: list[int]) -> list[int]:
    """Split `total` by weights with the largest-remainder method (the parts sum to `total`)."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    parts = [math.floor(x) for x in raw]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def cell_sizes(rng: random.Random, total: int) -> list[int]:
    """Cell sizes in 3..60 with a long tail (median about 14) adding up to `total` (≥ 3)."""
    sizes: list[int] = []
    left = total
    while left > 0:
        size = min(MAX_CELL, max(MIN_CELL, round(rng.lognormvariate(math.log(14), 0.7))))
        if left - size < MIN_CELL:
            size = left if left <= MAX_CELL else left - MIN_CELL
        sizes.append(size)
        left -= size
    return sizes


class Weighted:
    """A weighted choice by bisection over cumulative weights (millions of draws)."""

    def __init__(self, items: tuple[tuple[str, int], ...]) -> None:
        self.items = tuple(item for item, _ in items)
        self.cumulative = list(itertools.accumulate(w for _, w in items))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> str:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


_FAMILY = Weighted(FAMILY)
_MEMBER_LEVELS = Weighted(MEMBER_LEVELS)
_ORG_LEVELS = Weighted(ORG_LEVELS)


@functools.lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, str]:
    """(name_folded, sort_name) of a full name; names repeat, so computed once each."""
    return fold(name), vietnamese_sort_string(name)


def _place(rng: random.Random) -> str:
    return f"{rng.choice(PLACE_A)} {rng.choice(PLACE_B)}"


class _Province:
    """Builds one province: its structure batch, then one results batch per year.

    The organizations, cell sizes and Party roles come from one random stream, the members from
    another and each year's results from a third: with `with_members=False` (the server-side
    path of `tongket.synth.server`) the skeleton is the same as with the members made here.
    """

    def __init__(self, config: SynthConfig, ids: Ids, index: int, members: int) -> None:
        self.config = config
        self.ids = ids
        self.index = index
        self.members = members
        self.name, self.kind, _ = PROVINCES[index]
        self.rng = random.Random(f"{config.seed}:{index}")
        self.member_rng = random.Random(f"{config.seed}:{index}:members")
        self.batch = Batch(label=f"P{index + 1:02d}")
        self.root: Org | None = None
        self.card = 0
        # Every organization made, in id order (the server-side path describes them to SQL).
        self.orgs: list[Org] = []
        self.year_rng = random.Random(f"{config.seed}:{index}:results")

    # --- structure ------------------------------------------------------------------------------

    def _org(
        self,
        parent: Org | None,
        code: str,
        name: str,
        kind: str,
        sort_order: int,
        place: str = "",
    ) -> Org:
        pk = self.ids.take("organization")
        path = (parent.path if parent else "") + segment(pk)
        founded = dt.date(self.rng.randint(1960, 2015), self.rng.randint(1, 12), 1)
        self.batch.add(
            "organization",
            (
                pk,
                code,
                name,
                "",
                fold(name),
                kind,
                parent.id if parent else None,
                path,
                path.count("/") - 1,
                place,
                founded,
                True,
                sort_order,
            ),
        )
        self.batch.add("organization_name", (self.ids.take("organization_name"), pk, name, founded))
        org = Org(pk, code, kind, path, parent.id if parent else None, sort_order=sort_order)
        self.orgs.append(org)
        if parent is not None:
            parent.children.append(org)
        return org

    def _member(self, cell: Org) -> tuple[int, dt.date]:
        rng = self.member_rng
        female = rng.random() < 0.4
        family = _FAMILY.pick(rng)
        middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
        given = rng.choice(GIVEN_F if female else GIVEN_M)
        name = f"{family} {middle} {given}"
        ref = self.config.reference_date
        years_back = min(55.0, rng.gammavariate(2.0, 7.0))
        joined = ref - dt.timedelta(days=int(years_back * 365.25) + int(rng.random() * 30))
        # Admitted at 18 or older (Điều lệ Đảng, Điều 1): 18 years and their leap days.
        birth = joined - dt.timedelta(days=18 * 365 + 5 + int(rng.random() * 17 * 365))
        probation_end = joined + dt.timedelta(days=365)
        full = probation_end <= ref
        self.card += 1
        pk = self.ids.take("member")
        self.batch.add(
            "member",
            (
                pk,
                f"9{self.index + 1:02d}.{self.card:07d}",
                name,
                *name_keys(name),
                birth,
                "female" if female else "male",
                joined,
                probation_end if full else None,
                "full" if full else "probationary",
                cell.id,
                cell.path,
                True,
            ),
        )
        self.batch.add("membership", (self.ids.take("membership"), pk, cell.id, joined))
        return pk, joined

    def _role(self, member_id: int, org: Org, role: str) -> None:
        self.batch.add(
            "party_role",
            (self.ids.take("party_role"), member_id, org.id, role, TERM, TERM_START),
        )

    def _grassroots_name(self, bloc_kind: str, n: int) -> tuple[str, str, str]:
        """(name, cell name pattern with {n}, place) of a grassroots organization."""
        place = _place(self.rng)
        if bloc_kind == "agencies":
            dept = DEPARTMENTS[n % len(DEPARTMENTS)]
            again = f" ({n // len(DEPARTMENTS) + 1})" if n >= len(DEPARTMENTS) else ""
            return f"Đảng bộ {dept}{again}", "Chi bộ {division}", ""
        if bloc_kind == "public":
            what = self.rng.choice(("Trường Trung học phổ thông", "Bệnh viện đa khoa", "Công ty"))
            return f"Đảng bộ {what} {place}", "Chi bộ {division}", place
        ward = self.rng.random() < 0.3
        prefix = "phường" if ward else "xã"
        cells = "Chi bộ khu phố {n}" if ward else "Chi bộ thôn {n}"
        return f"Đảng bộ {prefix} {place}", cells, place

    def structure(self, with_members: bool = True) -> Batch:
        """The province's organizations and Party roles, and its members unless `with_members`
        is false (then each cell only reserves its member and membership ids and card numbers).
        """
        rng = self.rng
        code = f"P{self.index + 1:02d}"
        title = "thành phố" if self.kind == "city" else "tỉnh"
        pname = self.name if self.name.startswith("Thành phố") else f"{title} {self.name}"
        root = self._org(None, code, f"Đảng bộ {pname}", "provincial", self.index, self.name)
        self.root = root
        # Grassroots organizations as lists of cell sizes, then spread over blocs.
        sizes = cell_sizes(rng, max(self.members, MIN_CELL))
        grassroots: list[list[int]] = []
        i = 0
        while i < len(sizes):
            n_cells = min(80, 1 + round(rng.lognormvariate(math.log(4), 0.8)))
            grassroots.append(sizes[i : i + n_cells])
            i += n_cells
        blocs = [
            ("agencies", f"Đảng bộ các cơ quan Đảng {pname}"),
            ("public", f"Đảng bộ Ủy ban nhân dân {pname}"),
        ]
        n_areas = max(1, round(len(grassroots) / 20))
        blocs += [("area", f"Đảng bộ khu vực {_place(rng)} số {k}") for k in range(1, n_areas + 1)]
        share = apportion(len(grassroots), [1, 1] + [4] * n_areas)
        g_iter = iter(grassroots)
        left = self.members
        for b_no, ((bloc_kind, bloc_name), count) in enumerate(zip(blocs, share, strict=True)):
            if count == 0:
                continue
            bloc = self._org(root, f"{code}.B{b_no + 1:02d}", bloc_name, "bloc", b_no)
            for g_no in range(count):
                g_sizes = next(g_iter)
                g_name, cell_pattern, place = self._grassroots_name(bloc_kind, g_no)
                g = self._org(
                    bloc, f"{bloc.code}.G{g_no + 1:03d}", g_name, "grassroots", g_no, place
                )
                for c_no, size in enumerate(g_sizes):
                    division = DIVISIONS[c_no % len(DIVISIONS)]
                    suffix = f" {c_no // len(DIVISIONS) + 1}" if c_no >= len(DIVISIONS) else ""
                    c_name = cell_pattern.format(n=c_no + 1, division=division + suffix)
                    cell = self._org(g, f"{g.code}.C{c_no + 1:02d}", c_name, "cell", c_no)
                    size = min(size, left)
                    left -= size
                    cell.first_member, cell.size = self.ids.next["member"], size
                    cell.first_card = self.card + 1
                    if with_members:
                        cell.members = [self._member(cell) for _ in range(size)]
                    else:
                        self.ids.next["member"] += size
                        self.ids.next["membership"] += size
                        self.card += size
                    if size:
                        self._role(cell.first_member, cell, "secretary")
                    if size >= 10:
                        self._role(cell.first_member + 1, cell, "deputy_secretary")
                first = g.children[0]
                if first.size:
                    self._role(first.first_member, g, "secretary")
                if len(g.children) > 1 and g.children[1].size:
                    self._role(g.children[1].first_member, g, "deputy_secretary")
        return self.batch

    # --- results --------------------------------------------------------------------------------

    def _level(self, shares: Weighted) -> str:
        return shares.pick(self.year_rng)

    def _decide_organization(
        self,
        batch: Batch,
        cycle_id: int,
        deciding: Org,
        org: Org,
        org_kind: str,
        number: str,
        date: dt.date,
    ) -> None:
        """An organization's result (a level of the organizations' scale), decided by the unit
        it belongs to."""
        subject = ("organization", None, org.id, deciding.id, org.path, org_kind)
        self._decide(batch, cycle_id, deciding, subject, self._level(_ORG_LEVELS), "", number, date)

    def _decide(
        self,
        batch: Batch,
        cycle_id: int,
        deciding: Org,
        subject: tuple[str, int | None, int | None, int, str, str],
        level: str,
        reason: str,
        number: str,
        date: dt.date,
    ) -> None:
        kind, member_id, org_id, unit_id, path, org_kind = subject
        ev_id = self.ids.take("evaluation")
        batch.add("evaluation", (ev_id, cycle_id, kind, member_id, org_id, unit_id, path, org_kind))
        created = dt.datetime.combine(date, dt.time(9), tzinfo=dt.UTC)
        batch.add(
            "decision",
            (
                self.ids.take("decision"),
                ev_id,
                "decision",
                number,
                date,
                deciding.id,
                level,
                reason,
                "current",
                created,
            ),
        )

    def _cycle(self, batch: Batch, org: Org, year: int, profile: str) -> int:
        pk = self.ids.take("cycle")
        opened = dt.datetime(year, 11, 15, 8, tzinfo=dt.UTC)
        batch.add("cycle", (pk, org.id, year, profile, "closed", opened))
        return pk

    def results(self, year: int) -> Batch:
        """Closed yearly cycles with one current decision per subject: grassroots organizations
        decide on their members and cells, blocs on their grassroots organizations, the province
        on its blocs (the subjects `evaluation.services.open_cycle` lists)."""
        assert self.root is not None
        self.year_rng = random.Random(f"{self.config.seed}:{self.index}:{year}")
        batch = Batch(label=f"{self.batch.label}/{year}")
        profile = profile_for_year(year).id
        year_end = dt.date(year, 12, 31)
        six_months = dt.date(year, 6, 30)
        root = self.root
        province_cycle = self._cycle(batch, root, year, profile)
        for b_no, bloc in enumerate(root.children):
            bloc_cycle = self._cycle(batch, bloc, year, profile)
            for g_no, g in enumerate(bloc.children):
                g_cycle = self._cycle(batch, g, year, profile)
                number = 0
                for cell in g.children:
                    for member_id, joined in cell.members:
                        if joined > year_end:
                            continue
                        number += 1
                        level, reason = "", ""
                        if joined > six_months:
                            reason = "joined_under_6_months"
                        elif self.year_rng.random() * 1000 < NOT_CLASSIFIED_OTHER:
                            reason = self.year_rng.choice(("exempted", "suspended"))
                        else:
                            level = self._level(_MEMBER_LEVELS)
                        self._decide(
                            batch,
                            g_cycle,
                            g,
                            ("member", member_id, None, cell.id, cell.path, ""),
                            level,
                            reason,
                            f"{number}-QĐ/ĐU",
                            dt.date(year, 12, 20),
                        )
                    number += 1
                    self._decide_organization(
                        batch, g_cycle, g, cell, "cell", f"{number}-QĐ/ĐU", dt.date(year, 12, 20)
                    )
                self._decide_organization(
                    batch,
                    bloc_cycle,
                    bloc,
                    g,
                    "grassroots",
                    f"{g_no + 1}-QĐ/ĐU",
                    dt.date(year + 1, 1, 10),
                )
            self._decide_organization(
                batch,
                province_cycle,
                root,
                bloc,
                "bloc",
                f"{b_no + 1}-QĐ/TU",
                dt.date(year + 1, 1, 20),
            )
        return batch


def _check(config: SynthConfig) -> list[int]:
    """Members per province; refuses too few members."""
    if config.members < MIN_MEMBERS:
        # Fewer would leave the smallest provinces without a whole cell.
        raise ValueError(f"At least {MIN_MEMBERS} members are needed.")
    return apportion(config.members, [w for _, _, w in PROVINCES])


@dataclass
class Skeleton:
    """One province without its member rows: its organizations and Party roles (`batch`), every
    organization in id order (`orgs`, cells with their reserved member ids), and its number."""

    index: int
    batch: Batch
    orgs: list[Org]


def skeletons(config: SynthConfig, ids: Ids) -> Iterator[Skeleton]:
    """The provinces' structure without members, for generating the rest in the database.

    The same organizations, cell sizes and roles as `generate` gives for the same config and
    first ids; the member, membership ids and card numbers of each cell are reserved in `ids`.
    """
    for index, members in enumerate(_check(config)):
        province = _Province(config, ids, index, members)
        batch = province.structure(with_members=False)
        yield Skeleton(index=index, batch=batch, orgs=province.orgs)


def generate(config: SynthConfig, ids: Ids) -> Iterator[Batch]:
    """Batches to load in order: per province its structure, then its results year by year.

    Deterministic: the same config and first ids give the same rows.
    """
    for index, members in enumerate(_check(config)):
        province = _Province(config, ids, index, members)
        yield province.structure()
        if config.with_results:
            for year in sorted(config.years):
                yield province.results(year)
