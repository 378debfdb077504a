"""Schema of the organization tree, members, memberships, Party roles and government posts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class OrganizationKind(models.TextChoices):
    PROVINCIAL = "provincial", "Đảng bộ tỉnh"
    BLOC = "bloc", "Đảng bộ khối / cấp trên cơ sở"
    GRASSROOTS = "grassroots", "Đảng bộ cơ sở"
    CELL = "cell", "Chi bộ"
    AGENCY = "agency", "Cơ quan"


PARTY_KINDS = (
    OrganizationKind.PROVINCIAL,
    OrganizationKind.BLOC,
    OrganizationKind.GRASSROOTS,
    OrganizationKind.CELL,
)


SEGMENT_WIDTH = 11  # "<10 digits>/" per level of Organization.path


def ancestor_paths(path: str) -> list[str]:
    """The paths of an organization and every organization above it."""
    return [path[:end] for end in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)]


class Organization(models.Model):
    """A Party organization or a government agency; `path` makes subtrees one indexed prefix."""

    code = models.CharField("mã", max_length=64, unique=True)
    name = models.CharField("tên", max_length=255)  # the current name; history in OrganizationName
    short_name = models.CharField("tên viết tắt", max_length=120, blank=True)
    name_folded = models.CharField(max_length=255, db_index=True, editable=False)
    kind = models.CharField("loại", max_length=20, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "<root id>/<child id>/.../<own id>/", ids in fixed-width base 10: a subtree is a prefix.
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    agency = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_organizations",
        limit_choices_to={"kind": OrganizationKind.AGENCY},
        verbose_name="cơ quan nơi tổ chức đảng đặt tại",
    )
    issuer_code = models.CharField("ký hiệu cơ quan ban hành", max_length=20, blank=True)
    place = models.CharField("địa danh", max_length=80, blank=True)
    founded_on = models.DateField("ngày thành lập", null=True, blank=True)
    is_sample = models.BooleanField("dữ liệu mẫu", default=False)
    sort_order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["path"]
        indexes = [
            models.Index(fields=["kind", "path"], name="org_kind_path_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class OrganizationName(models.Model):
    """A dated name: bodies are renamed (e.g. the 2025 reorganization)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=255)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organization", "valid_from"]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "male", "Nam"
    FEMALE = "female", "Nữ"


class MemberStatus(models.TextChoices):
    FULL = "full", "Chính thức"
    PROBATIONARY = "probationary", "Dự bị"


class Member(models.Model):
    """A Party member; the card number is the natural key shared with the national database."""

    card_number = models.CharField("số thẻ đảng viên", max_length=20, unique=True)
    full_name = models.CharField("họ và tên", max_length=120)
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    sort_name = models.CharField(max_length=255, db_index=True, editable=False)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    gender = models.CharField("giới tính", max_length=10, choices=Gender.choices)
    joined_on = models.DateField("ngày vào Đảng")
    full_member_on = models.DateField("ngày chính thức", null=True, blank=True)
    status = models.CharField("tình trạng", max_length=20, choices=MemberStatus.choices)
    # The current organization (a cell, or a grassroots organization without cells), kept in
    # step with the open Membership; org_path copies its path so subtree counts need no join.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="members", verbose_name="chi bộ"
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
    )
    is_sample = models.BooleanField("dữ liệu mẫu", default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["sort_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.card_number})"


class Membership(models.Model):
    """Which organization a member belonged to, from when to when; transfers keep history."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["member", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(end__isnull=True), name="one_open_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.organization_id}"


class PartyRoleKind(models.TextChoices):
    SECRETARY = "secretary", "Bí thư"
    DEPUTY_SECRETARY = "deputy_secretary", "Phó Bí thư"
    STANDING_COMMITTEE = "standing_committee", "Ủy viên Ban Thường vụ"
    COMMITTEE_MEMBER = "committee_member", "Cấp ủy viên"
    INSPECTION_CHAIR = "inspection_chair", "Chủ nhiệm Ủy ban Kiểm tra"


class PartyRole(models.Model):
    """A post in a Party committee, for a term."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="party_roles")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="party_roles"
    )
    role = models.CharField("chức vụ đảng", max_length=30, choices=PartyRoleKind.choices)
    term = models.CharField("nhiệm kỳ", max_length=20, blank=True)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True)
    end_reason = models.CharField("lý do kết thúc", max_length=255, blank=True)

    class Meta:
        ordering = ["organization", "role", "start"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.organization}"


class PostTitle(models.TextChoices):
    DIRECTOR = "director", "Giám đốc"
    DEPUTY_DIRECTOR = "deputy_director", "Phó Giám đốc"
    OFFICE_CHIEF = "office_chief", "Chánh Văn phòng"
    CHIEF_INSPECTOR = "chief_inspector", "Chánh Thanh tra"
    HEAD_OF_DIVISION = "head_of_division", "Trưởng phòng"
    DEPUTY_HEAD_OF_DIVISION = "deputy_head_of_division", "Phó Trưởng phòng"
    OFFICER = "officer", "Chuyên viên"
    OTHER = "other", "Khác"


class Post(models.Model):
    """A government post held by a member in an agency (or one of its divisions)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="posts")
    agency = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField("chức vụ", max_length=30, choices=PostTitle.choices)
    title_detail = models.CharField("ghi rõ", max_length=120, blank=True)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True)
    end_reason = models.CharField("lý do kết thúc", max_length=255, blank=True)

    class Meta:
        ordering = ["agency", "title", "start"]

    def __str__(self) -> str:
        return f"{self.get_title_display()} {self.agency}"

    @property
    def label(self) -> str:
        return self.title_detail or self.get_title_display()


class MemberTally(models.Model):
    """How many members sit at each organization path, by status: the counts of the
    organization pages and lists without reading every member of a province (1.5 s at
    national size). Kept by database triggers on `people_member` (`people/tally.py`), so
    every way a member row is written (services, the set-based import, an org move) keeps
    it, in the same transaction."""

    path = models.CharField(max_length=255, db_index=True)
    status = models.CharField(max_length=20)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["path", "status"], name="people_member_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.status}: {self.n}"
