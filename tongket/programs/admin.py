"""No admin registrations: django.contrib.admin is not installed, and every write to programs goes
through tongket.programs.services (audited, permission-checked)."""
