"""Moves a test's Python subprocess (`quorum console`, `quorum ticker`) to the session's wall-clock instant.

`tests.conftest.python_env` puts this folder first on the child's PYTHONPATH, and names the instant in
QUORUM_TEST_WALL_CLOCK, only while a `pytest --wall-clock=…` session travels; Python imports `sitecustomize`
as it starts, so the child's clock is moved before any of Quorum's code runs. Production never sees this file.
"""

import os
from datetime import datetime

import time_machine

_instant = os.environ.get("QUORUM_TEST_WALL_CLOCK")
if _instant:
    time_machine.travel(datetime.fromisoformat(_instant), tick=True).start()
