"""Tổng kết: a Party organization's yearly work, from membership to the year-end report."""

__version__ = "0.1.0"
