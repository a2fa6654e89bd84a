import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def content_copy(tmp_path):
    """A writable copy of the project's content directory."""
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target
