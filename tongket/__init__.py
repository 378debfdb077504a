"""Tổng kết: the yearly Party-building work of an organization, from membership to the year-end report."""

__version__ = "0.1.0"
