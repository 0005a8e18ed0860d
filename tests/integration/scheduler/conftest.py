import pytest


@pytest.fixture(autouse=True)
def _start_from_an_empty_database(clean_state: None) -> None:
    """Every test here starts from an empty, migrated database."""
