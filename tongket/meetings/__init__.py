"""Meetings and conferences: attendance, agenda, discussion, votes, minutes."""
