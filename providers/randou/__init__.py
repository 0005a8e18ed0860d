"""Randou (燃豆) draw-result subscription webhook (seed 001, PROTOCOLS.md §1): Randou pushes, we verify."""
