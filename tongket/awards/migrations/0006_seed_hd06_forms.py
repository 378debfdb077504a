"""Add the periodic Party awards of Hướng dẫn 06-HD/TW mục 19 the catalog lacked (member 5 years:
Bằng khen of the provincial standing committee; a cell "tiêu biểu" in the year and 5 years
running; a grassroots organization's Cờ), and bring the changed forms' names, citations and
`verified` in line: the whole catalog is written again, as 0002 did."""

from __future__ import annotations

from importlib import import_module

from django.db import migrations

# The same seeding as 0002: every catalog form, written with `AwardForm.row`.
seed = import_module("tongket.awards.migrations.0002_seed_award_forms").seed


class Migration(migrations.Migration):
    dependencies = [("awards", "0005_exemplary")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
