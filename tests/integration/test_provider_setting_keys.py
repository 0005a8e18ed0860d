"""Every provider declares exactly the setting keys its settings.py reads, and every sandbox's
`/_control/config` (what the demo and the tests pass to `configureProvider`) uses only declared keys."""

from __future__ import annotations

from typing import Any

import pytest

from providers import registry
from tests.support import sandbox_config


class KeysRead(dict[str, Any]):
    """The settings, noting each key a parser looks at, present or not."""

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)


@pytest.mark.parametrize("name", registry.provider_names())
async def test_the_declared_keys_are_the_keys_read_and_the_sandbox_uses_no_others(name):
    provider = registry.module(name)
    config = await sandbox_config(name)
    assert set(config) <= provider.known_settings, set(config) - provider.known_settings
    settings = KeysRead(config)
    provider.parse_settings(settings)
    assert settings.read <= provider.known_settings, settings.read - provider.known_settings
    assert provider.setting_keys <= settings.read, provider.setting_keys - settings.read  # none declared in vain
