"""A café file's `evaluation:` names a file: only one in the café file's folder, only a regular
file, only up to 1 MB, each refusal one line naming the path."""

from __future__ import annotations

from pathlib import Path

import pytest

from engagement.cafes.definition import CafeDefinitionError
from engagement.cafes.schema import load_cafe
from tests.bot.test_cafes import CAFE


def _cafe(evaluation: str) -> str:
    source = CAFE.split("evaluation:")[0].replace("START", "2027-03-17T17:00")
    return source.replace("CAPACITY", "2") + f"evaluation: {evaluation}\n"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../secret.yaml", "must name a file in the same folder as the café file"),
        ("/etc/hostname", "must name a file in the same folder as the café file"),
        ("link.yaml", "must name a file in the same folder as the café file"),
        ("folder", "folder is not a regular file"),
        ("big.yaml", "big.yaml is larger than 1024 KB"),
    ],
)
def test_an_evaluation_file_outside_the_folder_a_device_or_a_huge_file_is_refused(
    tmp_path: Path, name: str, reason: str
) -> None:
    cafes = tmp_path / "cafes"
    cafes.mkdir()
    (tmp_path / "secret.yaml").write_text("questions: []\n")
    (cafes / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    (cafes / "folder").mkdir()
    (cafes / "big.yaml").write_text("# " + "x" * (1024 * 1024) + "\n")
    with pytest.raises(CafeDefinitionError) as caught:
        load_cafe(_cafe(name), cafes)
    assert caught.value.errors == [f"evaluation: {reason}"]


def test_a_device_is_never_read(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    with pytest.raises(CafeDefinitionError) as caught:
        load_cafe(_cafe("zero.yaml"), tmp_path)
    assert caught.value.errors == [
        "evaluation: must name a file in the same folder as the café file"
    ]
    with pytest.raises(CafeDefinitionError) as caught:
        load_cafe(_cafe("/dev/zero"), Path("/dev"))
    assert caught.value.errors == ["evaluation: /dev/zero is not a regular file"]
