"""The build step of `pip install .` (everything else is in pyproject.toml): the wheel gets the
compiled gettext catalogs (`.mo`, from the `.po` sources, which stay out of it) and the example
files that `aive demo load` reads (as `app/examples/`). A checkout installed in editable mode
compiles in place instead: `make catalogs`."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        super().run()
        if self.dry_run or self.editable_mode:
            return
        sys.path.insert(0, str(HERE))  # app.catalogs needs only Babel, a build requirement
        from app.catalogs import compile_all

        build = Path(self.build_lib)
        compile_all(into=build)
        shutil.copytree(HERE / "examples", build / "app" / "examples", dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithCatalogs})
