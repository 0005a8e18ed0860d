"""Reconciliation: a provider's day matched against the ledger, and what differs shown to a person.

`runs` reads a provider's feed (ledger.ports.StatementFeed) page by page and keeps each discrepancy once
(`matching`, `amounts`, `references`, `sweep`, `store`); `resolution` settles one (`settlement`, `adoption`,
`corrections`). Provider-specific is only the feed: a provider with a feed needs nothing here.
"""

from ledger.services.reconciliation.resolution import (
    ResolutionPlan,
    Resolved,
    preview_resolution,
    resolve_discrepancy,
)
from ledger.services.reconciliation.runs import NO_FEED, feed_of, reconcile, reconcile_day

__all__ = ["NO_FEED", "ResolutionPlan", "Resolved", "feed_of", "preview_resolution", "reconcile", "reconcile_day",
           "resolve_discrepancy"]
