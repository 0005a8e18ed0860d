"""Tables of the provider framework: per-tenant provider settings and per-station call leases."""

from __future__ import annotations
