"""Provider adapters, one package per provider (see DESIGN.md §4)."""
