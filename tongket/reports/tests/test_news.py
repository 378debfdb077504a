"""The news item: built from the seed's facts, it carries every figure and name the seed gives."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongket.evaluation.domain import Level
from tongket.reports.news import (
    AwardFact,
    NewsFacts,
    OrganizationNames,
    Person,
    ScorecardResult,
    TargetsResult,
    join_vi,
    rank_word,
    render_news,
)

SEED = Path("/work/shared/seed/000_2ed75f3baa51eb3b.txt")

TINH = Person("Lê Văn Tính", "Phó Bí thư Đảng ủy")
MINH = Person("Võ Văn Minh", "Uỷ viên Ban thường vụ Đảng ủy, Phó Giám đốc Sở")


def seed_facts(**changes) -> NewsFacts:
    facts = NewsFacts(
        conference_date=date(2021, 2, 24),
        year=2020,
        names=OrganizationNames(
            committee="Đảng ủy Sở Giáo dục và Đào tạo Quảng Trị",
            committee_short="Đảng ủy Sở",
            party_body="Đảng bộ Sở Giáo dục và Đào tạo",
            party_body_short="Đảng bộ Sở",
        ),
        chairs=(TINH, MINH),
        guests=(Person("Nguyễn Thanh Quang", "Chủ tịch Công đoàn Giáo dục tỉnh"),),
        member_count=50,
        cell_count=7,
        presenter=TINH,
        adopted_documents=(
            "Chương trình công tác của Đảng ủy Sở Giáo dục và Đào tạo năm 2021",
            "Chương trình kiểm tra, giám sát của Đảng ủy Sở Giáo dục và Đào tạo năm 2021",
        ),
        organization_level=Level.GOOD,
        rated_by="Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh",
        targets=TargetsResult("Ngành giáo dục và đào tạo", met=4, total=4, assigned_by="tỉnh"),
        scorecards=(
            ScorecardResult(
                "Sở GD&ĐT được UBND tỉnh đánh giá xếp loại hoàn thành xuất sắc nhiệm vụ",
                points=Decimal("326.7"),
                maximum=Decimal(350),
                rank=1,
                of=20,
                peer_group="sở, ban, ngành cấp tỉnh",
            ),
            ScorecardResult(
                "chấm điểm chỉ số cải cách hành chính năm 2020 đối với Sở GD&ĐT",
                points=Decimal("88.57"),
                maximum=Decimal("97.0"),
                rank=2,
            ),
        ),
        cells_by_level=((Level.EXCELLENT, 2), (Level.GOOD, 5)),
        members_excellent=10,
        awards=(
            AwardFact(
                "Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng",
                form="",
                issuer="Đảng ủy Khối",
                achievement="trong triển khai thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị "
                "trong năm 2020",
            ),
            AwardFact(
                "đồng chí Võ Văn Minh - UV BTV Đảng ủy, Phó Giám đốc Sở",
                form="Bằng khen",
                issuer="Tỉnh ủy",
                achievement="công tác cộng tác viên dư luận xã hội",
            ),
            AwardFact(
                "đồng chí Võ Văn Minh - UV BTV Đảng ủy, Phó Giám đốc Sở",
                form="",
                issuer="Đảng ủy Khối",
                achievement="báo cáo viên",
            ),
        ),
        closing_speaker=Person("Lê Văn Tính", "Phó Bí thư Đảng ủy Sở"),
        directions="trong thời gian tới, Đảng bộ Sở Giáo dục và Đào tạo Quảng Trị cần nỗ lực "
        "phát huy những kết quả đã đạt được, tiếp tục đổi mới công tác quản lý, phương thức lãnh "
        "đạo, phát huy sáng kiến của mỗi cá nhân, phấn đấu hoàn thành tốt nhiệm vụ chính trị do "
        "Đảng bộ cấp trên giao",
        author="Văn phòng Sở",
    )
    return NewsFacts(**{**facts.__dict__, **changes})


# Every figure and name of the seed article, as the seed writes it.
SEED_FRAGMENTS = [
    "Ngày 24 tháng 02 năm 2021",
    "Đảng ủy Sở Giáo dục và Đào tạo Quảng Trị",
    "Hội nghị tổng kết công tác xây dựng Đảng năm 2020 và triển khai nhiệm vụ năm 2021",
    "Lê Văn Tính",
    "Phó Bí thư Đảng ủy",
    "Võ Văn Minh",
    "Uỷ viên Ban thường vụ Đảng ủy, Phó Giám đốc Sở",
    "Nguyễn Thanh Quang - Chủ tịch Công đoàn Giáo dục tỉnh",
    "50 đồng chí đảng viên",
    "07 Chi bộ",
    "Chương trình công tác của Đảng ủy Sở Giáo dục và Đào tạo năm 2021",
    "Chương trình kiểm tra, giám sát của Đảng ủy Sở Giáo dục và Đào tạo năm 2021",
    "Đảng ủy Khối Cơ quan và Doanh nghiệp tỉnh",
    "“Hoàn thành tốt nhiệm vụ”",
    "4/4 chỉ tiêu",
    "326,7 điểm/350 điểm, xếp thứ Nhất trong 20 sở, ban, ngành cấp tỉnh",
    "88,57 điểm/97,0 điểm, xếp thứ Nhì",
    "02 chi bộ được xếp loại hoàn thành xuất sắc nhiệm vụ",
    "05 chi bộ",
    "hoàn thành tốt nhiệm vụ",
    "10 đồng chí đảng viên xếp loại hoàn thành xuất sắc nhiệm vụ",
    "Chi bộ Tổ chức cán bộ - Chính trị, tư tưởng",
    "Chỉ thị 05-CT/TW của Bộ Chính trị",
    "Tỉnh ủy tặng Bằng khen về thành tích công tác cộng tác viên dư luận xã hội",
    "thành tích báo cáo viên",
    "Phát biểu bế mạc Hội nghị, đồng chí Lê Văn Tính, Phó Bí thư Đảng ủy Sở, nhấn mạnh:",
    "VĂN PHÒNG SỞ",
]


def test_every_fragment_checked_is_in_the_seed_article():
    seed = SEED.read_text(encoding="utf-8")
    for fragment in SEED_FRAGMENTS:
        assert fragment in seed, fragment


@pytest.mark.parametrize("fragment", SEED_FRAGMENTS)
def test_news_from_the_seed_facts_carries_every_figure_and_name(fragment):
    assert fragment in render_news(seed_facts())


def test_news_opening_paragraph_reads_as_the_seed_does():
    seed_opening = SEED.read_text(encoding="utf-8").split("\n\n")[0]
    assert seed_opening in render_news(seed_facts()).split("\n\n")


def test_news_names_the_adopted_documents_joined_with_va():
    assert (
        "Hội nghị đã thông qua Chương trình công tác của Đảng ủy Sở Giáo dục và Đào tạo năm 2021 "
        "và Chương trình kiểm tra, giám sát của Đảng ủy Sở Giáo dục và Đào tạo năm 2021."
    ) in render_news(seed_facts())


def test_news_groups_the_awards_of_one_recipient_into_one_clause():
    text = render_news(seed_facts())
    assert text.count("đồng chí Võ Văn Minh - UV BTV Đảng ủy") == 1
    assert (
        "Tỉnh ủy tặng Bằng khen về thành tích công tác cộng tác viên dư luận xã hội và được "
        "Đảng ủy Khối khen thưởng về thành tích báo cáo viên."
    ) in text


def test_news_without_guests_lists_only_the_members():
    text = render_news(seed_facts(guests=()))
    assert "Tham dự Hội nghị có 50 đồng chí đảng viên đang sinh hoạt tại 07 Chi bộ" in text


def test_news_leaves_out_levels_no_cell_reached():
    text = render_news(seed_facts(cells_by_level=((Level.EXCELLENT, 0), (Level.GOOD, 7))))
    assert "07 chi bộ được xếp loại hoàn thành tốt nhiệm vụ" in text
    assert "00 chi bộ" not in text


def test_news_ends_the_closing_directions_with_a_full_stop():
    last_paragraph = render_news(seed_facts(author="")).rstrip().split("\n\n")[-1]
    assert last_paragraph.endswith("do Đảng bộ cấp trên giao.")


def test_news_paragraphs_have_no_doubled_spaces_or_punctuation():
    text = render_news(seed_facts())
    assert "  " not in text
    assert not re.search(r"[,;.]\s*[,;.]", text.replace("...", ""))


@pytest.mark.parametrize(
    ("rank", "word"),
    [(1, "Nhất"), (2, "Nhì"), (3, "Ba"), (4, "Tư"), (7, "Bảy"), (10, "Mười"), (11, "11")],
)
def test_rank_is_written_as_a_word_up_to_ten(rank, word):
    assert rank_word(rank) == word


def test_rank_zero_is_refused():
    with pytest.raises(ValueError, match="Thứ hạng"):
        rank_word(0)


@pytest.mark.parametrize(
    ("items", "joined"),
    [((), ""), (("A",), "A"), (("A", "B"), "A và B"), (("A", "B", "C"), "A, B và C")],
)
def test_join_vi_puts_va_before_the_last_item(items, joined):
    assert join_vi(items) == joined


@given(
    cells=st.integers(min_value=1, max_value=9), members=st.integers(min_value=10, max_value=999)
)
def test_small_counts_take_a_leading_zero_in_the_article(cells, members):
    text = render_news(seed_facts(cell_count=cells, member_count=members))
    assert f"{members} đồng chí đảng viên đang sinh hoạt tại 0{cells} Chi bộ" in text
