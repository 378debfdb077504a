"""No admin registrations: django.contrib.admin is not installed, and every write to scoring goes
through tongket.scoring.services (audited, permission-checked)."""
