"""No admin registrations: django.contrib.admin is not installed, and every write to evaluation goes
through tongket.evaluation.services (audited, permission-checked)."""
