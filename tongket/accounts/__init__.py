"""Users, access grants per organization subtree, login."""
