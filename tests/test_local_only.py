"""``%%local_only``: a lesson's cell that needs this machine's cluster runs there, and on a class's shared cluster is
skipped with one sentence (issue 18). In an IPython shell of its own (a subprocess), with no cluster needed: the
shared cluster named below is never contacted."""

import os
import subprocess
import sys
import textwrap

SHELL = textwrap.dedent("""
    from IPython.testing.globalipapp import start_ipython
    ip = start_ipython()
    import course_lib
    course_lib._register_local_only_magic()
    ran = ip.run_cell("%%local_only reads the brokers' segment files\\nanswer = 41 + 1")
    failed = ip.run_cell("%%local_only fails\\nraise ValueError('boom')")
    cause = getattr(failed.error_in_exec, "__cause__", None)
    print("RESULT", ran.success, ip.user_ns.get("answer"), failed.success, type(failed.error_in_exec).__name__,
          type(cause).__name__)
""")


def run_shell(**environment) -> str:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("COURSE_KAFKA_") and key != "COURSE_PROFILE"}
    done = subprocess.run([sys.executable, "-c", SHELL], capture_output=True, text=True, timeout=120,
                          env={**env, **environment})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_on_the_course_cluster_the_cell_runs_and_its_error_is_the_cells():
    out = run_shell()
    assert "RESULT True 42 False CourseError ValueError" in out
    assert out.count("ValueError: boom") == 1, out  # its traceback is shown once
    assert "This cell stopped at the error shown above." in out
    assert not [line for line in out.splitlines() if line.startswith("Skipped")]


def test_on_a_shared_cluster_the_cell_is_skipped_in_one_sentence():
    out = run_shell(COURSE_KAFKA_BOOTSTRAP_SERVERS="kafka.example.org:9092")
    assert "RESULT True None True NoneType NoneType" in out
    skipped = [line for line in out.splitlines() if line.startswith("Skipped")]
    assert len(skipped) == 2
    assert "reads the brokers' segment files" in skipped[0] and "COURSE_KAFKA_" in skipped[0]
