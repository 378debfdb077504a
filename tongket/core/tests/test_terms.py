"""Terms of art on forms: each explained in one line with the article it comes from, on every form
that asks for it, linked to its widget for screen readers."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.urls import reverse

from tongket.core.terms import TERMS, help_for, term_for
from tongket.evaluation.models import Cycle, Evaluation, SubjectKind

ARTICLE = re.compile(r"(Quy định|Hướng dẫn|Nghị định|Luật) [\w\-/]*\d")


@pytest.mark.parametrize("term", TERMS, ids=[t.labels[0] for t in TERMS])
def test_every_term_is_one_line_naming_the_regulation_it_comes_from(term):
    assert term.text
    assert "\n" not in term.text
    assert len(term.text) < 220
    assert ARTICLE.search(term.source), term.source
    assert term.help.endswith(f"({term.source})")


def test_a_label_is_found_whatever_its_case_and_accents_and_unknown_labels_have_no_help():
    assert term_for("nhom tuong dong") is term_for("Nhóm tương đồng") is not None
    assert help_for("Họ và tên") == ""


class _Form(forms.Form):
    peer_group = forms.CharField(label="Nhóm tương đồng")
    own = forms.CharField(label="Nhóm tương đồng", help_text="Lời giải thích riêng của biểu mẫu.")
    name = forms.CharField(label="Họ và tên")


def test_a_form_field_explains_its_term_unless_the_form_says_otherwise():
    form = _Form()
    assert "Điều 11, điểm 1.5" in form["peer_group"].help_text
    assert form["own"].help_text == "Lời giải thích riêng của biểu mẫu."
    assert form["name"].help_text == ""
    html = str(form["peer_group"])
    assert 'aria-describedby="id_peer_group_helptext"' in html


@pytest.mark.django_db
def test_the_facts_page_explains_each_term_with_its_article(client_for):
    cycle = Cycle.objects.get(organization__code="QT.KCQDN.SGDDT", year=2020)
    ev = Evaluation.objects.filter(cycle=cycle, subject_kind=SubjectKind.MEMBER).first()
    assert ev is not None
    html = client_for("vanphong").get(reverse("evaluation:facts", args=[ev.pk])).content.decode()
    for label in ("Nhóm tương đồng", "Tự phát hiện, khắc phục", "Số tháng nghỉ ốm"):
        term = term_for(label)
        assert term is not None
        assert term.text in html, label
    assert 'id="id_peer_group_helptext"' in html
    assert "Quy định 366-QĐ/TW, Điều 11, điểm 1.5" in html
