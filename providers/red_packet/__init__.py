"""Adapter and sandbox for a merchant platform's cash red packet API (seed 004, PROTOCOLS.md §4)."""
