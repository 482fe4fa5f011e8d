"""The README's configuration table names every setting the product reads."""

from pathlib import Path

from app.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_configuration_table() -> None:
    missing = [
        f"AIVE_{n.upper()}" for n in Settings.model_fields if f"`AIVE_{n.upper()}`" not in README
    ]
    assert not missing


def test_the_quickstart_is_make_run_and_make_test() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("##", 1)[0]
    assert "make run" in quickstart and "make test" in quickstart
