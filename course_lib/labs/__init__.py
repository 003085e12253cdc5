"""Graded labs: a ``Lab`` per attempt, ``Verdict``s from checks that inspect the cluster.

Each lab's checks live in ``course_lib/labs/labNN.py``; student notebooks are generated from the
solutions by ``python -m course_lib.labs generate``.
"""

from .lab import Lab
from .verdict import Verdict

__all__ = ["Lab", "Verdict"]
