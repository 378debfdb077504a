"""Audit: the hash-chained log of every write, export and failed login."""
