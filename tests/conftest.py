import sys
from pathlib import Path

import pytest
from filelock import FileLock

sys.path.insert(0, str(Path(__file__).parent))

import factory as f


@pytest.fixture(scope="session")
def sample_outbox(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The shipped sample inbox run once per test session through the real CLI (as of 2014-12-31,
    notices dated 2015-01-05).

    Under pytest-xdist every worker has its own session: the first to get the lock runs the sample
    into the folder all workers share, the others wait and reuse it. Tests only read it."""
    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    out = shared / "sample-outbox"
    with FileLock(str(shared / "sample-outbox.lock")):
        if not (out / "manifest.json").is_file():
            code, text = f.run_cli(f.SAMPLE, out, "--as-of", "2014-12-31", "--today", "2015-01-05")
            assert code == 0, text
    return out
