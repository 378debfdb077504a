"""Shared base: domain errors, rule findings, audit helpers and Vietnamese formatting."""
