"""App config of the synthetic-data generator (no models)."""

from __future__ import annotations

from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "tongket.synth"
    label = "synth"
    verbose_name = "Dữ liệu tổng hợp"
