import os
import shutil

import pytest


@pytest.fixture
def cli():
    """The neuroevo executable (ctest passes its path in NEUROEVO_CLI); missing is a failure, not a skip."""
    path = os.environ.get("NEUROEVO_CLI") or shutil.which("neuroevo")
    assert path and os.path.exists(path), "NEUROEVO_CLI must name the neuroevo executable"
    return path
