"""Template filters of the meetings pages."""

from __future__ import annotations

from django import template

from tongket.meetings.domain import shown_link

register = template.Library()

register.filter("shown_link", shown_link)
