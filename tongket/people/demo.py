"""Demo step: the organization tree and the 50 members of the seed article.

Named in the article: Lê Văn Tính (Phó Bí thư Đảng ủy), Võ Văn Minh (Ủy viên Ban Thường vụ Đảng ủy,
Phó Giám đốc Sở). Everyone else is generated sample data (`is_sample=True`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tongket.core.demo import DEMO_ORG, DemoContext
from tongket.people import services
from tongket.people.models import (
    MemberStatus,
    Organization,
    OrganizationKind,
    PartyRoleKind,
    PostTitle,
)

TERM = "2020-2025"
TERM_START = dt.date(2020, 7, 15)

# (code suffix, name, number of members, is the article's cell)
CELLS = (
    ("VP", "Chi bộ Văn phòng", 8),
    ("TCCB", "Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng", 7),
    ("GDMNTH", "Chi bộ Giáo dục Mầm non - Tiểu học", 8),
    ("GDTRH", "Chi bộ Giáo dục Trung học - Giáo dục thường xuyên", 7),
    ("KHTC", "Chi bộ Kế hoạch - Tài chính", 7),
    ("TTR", "Chi bộ Thanh tra", 6),
    ("KTQLCL", "Chi bộ Khảo thí và Quản lý chất lượng giáo dục", 7),
)

FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Phan",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trương",
    "Hà",
    "Đoàn",
    "Mai",
)
MIDDLE_M = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân", "Đình", "Ngọc")
MIDDLE_F = ("Thị", "Thị Thu", "Thị Minh", "Ngọc", "Thị Hồng", "Thanh", "Thị Kim", "Diệu")
GIVEN_M = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đạt",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Thắng",
    "Toàn",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Hiếu",
)
GIVEN_F = (
    "Anh",
    "Châu",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Thảo",
    "Trang",
    "Yến",
)

# The article's officials, in the cells we place them in, and the sample Secretary.
NAMED = {
    "TCCB": [("Lê Văn Tính", "male", False)],
    "VP": [("Võ Văn Minh", "male", False), ("Trần Quốc Hưng", "male", True)],
}


def _card(n: int) -> str:
    return f"45.{n:06d}"


def _date(ctx: DemoContext, start_year: int, end_year: int) -> dt.date:
    start = dt.date(start_year, 1, 1).toordinal()
    end = dt.date(end_year, 12, 28).toordinal()
    return dt.date.fromordinal(ctx.rng.randint(start, end))


def _name(ctx: DemoContext, gender: str, used: set[str]) -> str:
    while True:
        if gender == "male":
            name = f"{ctx.rng.choice(FAMILY)} {ctx.rng.choice(MIDDLE_M)} {ctx.rng.choice(GIVEN_M)}"
        else:
            name = f"{ctx.rng.choice(FAMILY)} {ctx.rng.choice(MIDDLE_F)} {ctx.rng.choice(GIVEN_F)}"
        if name not in used:
            used.add(name)
            return name


def _org(code: str, name: str, kind: str, parent: str | None, **extra: Any) -> None:
    services.create_organization(
        actor=None,
        data=services.OrganizationInput(
            code=code, name=name, kind=kind, parent_code=parent, **extra
        ),
    )


def load(ctx: DemoContext) -> None:
    if Organization.objects.filter(code=DEMO_ORG).exists():
        return
    # Government side: the provincial People's Committee and the department.
    _org(
        "UBND.QT",
        "Ủy ban nhân dân tỉnh Quảng Trị",
        OrganizationKind.AGENCY,
        None,
        short_name="UBND tỉnh",
        place="Quảng Trị",
    )
    _org(
        "UBND.QT.SGDDT",
        "Sở Giáo dục và Đào tạo Quảng Trị",
        OrganizationKind.AGENCY,
        "UBND.QT",
        short_name="Sở GD&ĐT",
        place="Quảng Trị",
    )
    # Party side.
    _org(
        "QT",
        "Đảng bộ tỉnh Quảng Trị",
        OrganizationKind.PROVINCIAL,
        None,
        short_name="Tỉnh ủy",
        issuer_code="TU",
        place="Quảng Trị",
    )
    _org(
        "QT.KCQDN",
        "Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh",
        OrganizationKind.BLOC,
        "QT",
        short_name="Đảng ủy Khối",
        issuer_code="ĐUK",
        place="Quảng Trị",
    )
    _org(
        DEMO_ORG,
        "Đảng bộ Sở Giáo dục và Đào tạo",
        OrganizationKind.GRASSROOTS,
        "QT.KCQDN",
        short_name="Đảng ủy Sở",
        agency_code="UBND.QT.SGDDT",
        issuer_code="ĐU",
        place="Quảng Trị",
        founded_on=dt.date(1990, 3, 1),
    )
    for order, (suffix, name, _count) in enumerate(CELLS):
        _org(
            f"{DEMO_ORG}.{suffix}",
            name,
            OrganizationKind.CELL,
            DEMO_ORG,
            agency_code="UBND.QT.SGDDT",
            issuer_code="CB",
            place="Quảng Trị",
            sort_order=order,
        )

    used: set[str] = set()
    serial = 1
    secretaries: dict[str, str] = {}
    for suffix, _name_text, count in CELLS:
        cell_code = f"{DEMO_ORG}.{suffix}"
        named = NAMED.get(suffix, [])
        for index in range(count):
            if index < len(named):
                full_name, gender, sample = named[index]
                used.add(full_name)
            else:
                gender = "female" if ctx.rng.random() < 0.55 else "male"
                full_name, sample = _name(ctx, gender, used), True
            joined = _date(ctx, 1988, 2018)
            probationary = index == count - 1 and suffix in ("GDMNTH", "KHTC")
            if probationary:
                joined = _date(ctx, 2020, 2020).replace(month=ctx.rng.randint(1, 5))
            card = _card(serial)
            serial += 1
            services.create_member(
                actor=None,
                data=services.MemberInput(
                    card_number=card,
                    full_name=full_name,
                    gender=gender,
                    joined_on=joined,
                    full_member_on=None
                    if probationary
                    else joined.replace(year=joined.year + 1)
                    if not (joined.month == 2 and joined.day == 29)
                    else dt.date(joined.year + 1, 3, 1),
                    status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
                    birth_date=_date(ctx, 1964, 1992).replace(year=min(joined.year - 22, 1992)),
                    organization_code=cell_code,
                    is_sample=sample,
                ),
            )
            if index == 0 or (suffix == "VP" and full_name == "Trần Quốc Hưng"):
                secretaries.setdefault(suffix, card)
    _posts_and_roles(secretaries)
    ctx.notes.append(
        f"Đã nạp tổ chức {DEMO_ORG}: 07 chi bộ, 50 đảng viên (trừ các đồng chí được nêu tên trong "
        "bài viết, họ tên là dữ liệu mẫu)."
    )


def _posts_and_roles(secretaries: dict[str, str]) -> None:
    from tongket.people.models import Member

    def card_of(name: str) -> str:
        return Member.objects.get(full_name=name, org_path__startswith=_path(DEMO_ORG)).card_number

    secretary = card_of("Trần Quốc Hưng")
    tinh = card_of("Lê Văn Tính")
    minh = card_of("Võ Văn Minh")
    roles = [
        (secretary, DEMO_ORG, PartyRoleKind.SECRETARY),
        (tinh, DEMO_ORG, PartyRoleKind.DEPUTY_SECRETARY),
        (minh, DEMO_ORG, PartyRoleKind.STANDING_COMMITTEE),
        (secretary, DEMO_ORG, PartyRoleKind.STANDING_COMMITTEE),
        (tinh, DEMO_ORG, PartyRoleKind.STANDING_COMMITTEE),
    ]
    # Committee members: the cells' secretaries not already on the standing committee.
    for suffix, card in secretaries.items():
        cell_secretary = card if suffix != "VP" else secretary
        roles.append((cell_secretary, f"{DEMO_ORG}.{suffix}", PartyRoleKind.SECRETARY))
        if cell_secretary not in (secretary, tinh, minh):
            roles.append((cell_secretary, DEMO_ORG, PartyRoleKind.COMMITTEE_MEMBER))
    for card, organization_code, role in roles:
        services.assign_party_role(
            actor=None,
            card_number=card,
            organization_code=organization_code,
            role=role,
            start=TERM_START,
            term=TERM,
        )
    posts = [
        (secretary, PostTitle.DIRECTOR, "", dt.date(2019, 1, 1)),
        (minh, PostTitle.DEPUTY_DIRECTOR, "", dt.date(2016, 6, 1)),
        (tinh, PostTitle.HEAD_OF_DIVISION, "Trưởng phòng Tổ chức cán bộ", dt.date(2017, 1, 1)),
    ]
    for card, title, title_detail, start in posts:
        services.assign_post(
            actor=None,
            card_number=card,
            agency_code="UBND.QT.SGDDT",
            title=title,
            title_detail=title_detail,
            start=start,
        )


def _path(code: str) -> str:
    return Organization.objects.get(code=code).path
