"""No admin registrations: django.contrib.admin is not installed, and every write to awards goes
through tongket.awards.services (audited, permission-checked)."""
