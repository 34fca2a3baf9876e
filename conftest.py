"""Loaded before tests/conftest.py: compiled code is kept between runs, as Python does by default.

This environment sets PYTHONDONTWRITEBYTECODE, so every run, in every xdist worker, rewrote the asserts of every
test module again (about half of a worker's ~7 s of collecting) and compiled the checkout's modules again. The
bytecode goes into the `__pycache__` directories beside the sources (git ignores them). Python, and pytest's
assert rewriter, compare each source file's size and mtime with those the bytecode was compiled from, so an edited
file is compiled afresh: what runs is the same code. The subprocesses the tests start read that bytecode too.
"""

import sys

sys.dont_write_bytecode = False
