"""No admin registrations: django.contrib.admin is not installed, and every write to meetings goes
through tongket.meetings.services (audited, permission-checked)."""
