"""Benchmarks build their data once per module with fast bulk inserts."""
