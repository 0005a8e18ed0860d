"""Tables of the lottery risk controls."""

from __future__ import annotations
