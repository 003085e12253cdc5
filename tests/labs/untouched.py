"""Run a lab's student copy as it is (nothing solved): every check must say "not yet", none may crash. Shared by
test_labs.py (every lab but 20 and 21), test_lab20.py (lab 20 starts the secured cluster, so it runs beside lesson
20), test_lab21.py (lab 21's copy runs beside its checks) and test_lab23.py (lab 23 starts the tiered-storage
cluster)."""

from pathlib import Path

import nbformat
from nbclient import NotebookClient


def assert_told_not_yet(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, allow_errors=True, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [out for cell in notebook.cells if cell.cell_type == "code"
              for out in cell.outputs if out.output_type == "error"]
    # a TODO at the top of a cell stops it; one inside a function the check calls (lab 15) is a not-yet verdict
    assert {e.ename for e in errors} <= {"NotImplementedError"}, [f"{e.ename}: {e.evalue}" for e in errors]
    texts = "\n".join(str(out.get("text", "")) + str(out.get("data", {}).get("text/plain", ""))
                      for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs)
    assert "not yet" in texts and "✔" not in texts
