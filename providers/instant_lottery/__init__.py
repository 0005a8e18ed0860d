"""Adapter and sandbox for the instant-lottery ticket redemption gateway of Beijing Goldlibo (seed 003)."""
