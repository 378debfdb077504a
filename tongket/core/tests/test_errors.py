"""A refusal as a form shows it: the message for everyone, the rule id after it for the office
only (the «Mã quy tắc» convention of the findings' detail line)."""

from __future__ import annotations

from tongket.core.errors import refusal_text


def test_the_office_reads_the_rule_id_after_the_message() -> None:
    shown = refusal_text("Cần ghi lý do thay thế.", "documents.supersede.reason", show_rule=True)
    assert shown == "Cần ghi lý do thay thế. (mã quy tắc: documents.supersede.reason)"


def test_others_read_the_message_alone() -> None:
    shown = refusal_text("Cần ghi lý do thay thế.", "documents.supersede.reason", show_rule=False)
    assert shown == "Cần ghi lý do thay thế."


def test_a_refusal_without_a_rule_reads_the_message_alone_even_for_the_office() -> None:
    assert refusal_text("Không đọc được số.", "", show_rule=True) == "Không đọc được số."
