import pytest

from app.settings import SettingsError, load_settings


def test_defaults_follow_the_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AIVE_DATABASE_URL", "AIVE_WEB_PORT", "AIVE_TIMEZONE", "AIVE_TELEGRAM_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///var/aive.db"
    assert (settings.web_host, settings.web_port) == ("127.0.0.1", 8080)
    assert settings.timezone == "Europe/Madrid"
    assert settings.telegram_token is None
    assert settings.telegram_api_url == "https://api.telegram.org"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("AIVE_WEB_PORT", "abc", "AIVE_WEB_PORT: Input should be a valid integer"),
        ("AIVE_WEB_PORT", "70000", "AIVE_WEB_PORT: Input should be less than or equal to 65535"),
        ("AIVE_DATABASE_URL", "mysql://x", "AIVE_DATABASE_URL: must start with sqlite+aiosqlite"),
        ("AIVE_TIMEZONE", "Mars/Olympus", "AIVE_TIMEZONE: unknown IANA time zone"),
        ("AIVE_DEFAULT_LANGUAGE", "de", "AIVE_DEFAULT_LANGUAGE: must be one of"),
        ("AIVE_STAFF_TELEGRAM_IDS", "12,abc", "AIVE_STAFF_TELEGRAM_IDS: 'abc' is not a numeric"),
        ("AIVE_PUBLIC_URL", "example.org", "AIVE_PUBLIC_URL: must be an http:// or https:// URL"),
    ],
)
def test_a_bad_setting_is_named_in_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    message = str(info.value)
    assert message.startswith(expected)
    assert "\n" not in message


def test_production_refuses_to_start_without_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIVE_ENV", "production")
    monkeypatch.delenv("AIVE_SECRET_KEY", raising=False)
    with pytest.raises(SettingsError, match="AIVE_SECRET_KEY is required"):
        load_settings()


def test_secrets_are_masked_and_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIVE_TELEGRAM_TOKEN", "123:super-secret-token")
    monkeypatch.setenv("AIVE_SENDGRID_API_KEY", "SG.secret")
    monkeypatch.setenv("AIVE_DATABASE_URL", "postgresql+asyncpg://aive:hunter2@db:5432/aive")
    view = load_settings().public_view()
    flat = repr(view)
    assert "super-secret-token" not in flat and "SG.secret" not in flat and "hunter2" not in flat
    assert view["telegram_token"] == "********"
    assert view["sendgrid_api_key"] == "********"


def test_staff_ids_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIVE_STAFF_TELEGRAM_IDS", " 111, 222 ,")
    assert load_settings().staff_ids == (111, 222)
