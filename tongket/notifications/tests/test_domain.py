"""The digest's text: grouped by kind, deadlines written the Vietnamese way."""

from __future__ import annotations

import datetime as dt

from tongket.notifications.domain import Kind, Line, digest_body, digest_subject, due_text


def test_a_deadline_reads_as_a_vietnamese_date() -> None:
    assert due_text(dt.date(2027, 1, 5)) == "hạn: 05/01/2027"
    assert due_text(None) == ""


def test_the_digest_groups_notices_by_kind_with_their_deadlines_and_addresses() -> None:
    body = digest_body(
        "Nguyễn Văn A",
        dt.date(2027, 1, 5),
        [
            Line(Kind.DECISION, "Quyết định số 1", None, "https://tk.vn/a"),
            Line(Kind.SELF_ASSESS, "Mời tự đánh giá năm 2027", dt.date(2027, 12, 31), ""),
        ],
        "https://tk.vn/thong-bao/",
    )
    assert body.index("Mời tự đánh giá, xếp loại:") < body.index("Quyết định xếp loại:")
    assert "- Mời tự đánh giá năm 2027 (hạn: 31/12/2027)" in body
    assert "- Quyết định số 1\n  https://tk.vn/a" in body
    assert "Kính gửi đồng chí Nguyễn Văn A," in body
    assert digest_subject(dt.date(2027, 1, 5), 2) == "Tổng kết: 2 thông báo mới ngày 05/01/2027"
