"""Campaign tests use the compiled catalogs (campaign, consultations, newsletter)."""

from __future__ import annotations

import pytest

from app.catalogs import compile_all


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    compile_all()
