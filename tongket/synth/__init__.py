"""Synthetic national data: a deterministic Party hierarchy, members and results for benchmarks."""
