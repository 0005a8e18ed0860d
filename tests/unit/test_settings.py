import pytest

from api.settings import Settings, SettingsError


def test_defaults_are_the_embedded_sqlite_service():
    settings = Settings.from_env({}, dotenv=None)
    assert settings.database_url.startswith("sqlite://") and settings.redis_url is None
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_environment_overrides_and_dotenv_fill_the_rest(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nPORT=9000\nREDIS_URL='redis://127.0.0.1:6379/0'\n")
    settings = Settings.from_env({"PORT": "9100"}, dotenv=dotenv)
    assert settings.port == 9100 and settings.redis_url == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize("env", [{"DATABASE_URL": "mysql://x"}, {"PORT": "eighty"}, {"PORT": "0"},
                                 {"REDIS_URL": "http://x"}, {"LOG_LEVEL": "LOUD"}])
def test_bad_settings_fail_at_start_with_a_clear_error(env):
    with pytest.raises(SettingsError):
        Settings.from_env(env, dotenv=None)
