"""Course-wide switches read from the environment.

``COURSE_FAST=1`` (set by CI) shrinks the lessons' message counts so the whole suite stays quick;
learners get the full sizes, which make the effects easier to see.
"""

import os

__all__ = ["FAST", "scaled"]

FAST = os.environ.get("COURSE_FAST", "0") not in ("0", "", "false", "no")


def scaled(full: int, fast: int) -> int:
    """``full`` normally, ``fast`` under ``COURSE_FAST=1``."""
    return fast if FAST else full
