"""Pure domain vocabulary: assets and money, statuses, errors. No I/O."""
