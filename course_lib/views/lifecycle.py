"""Keep live views and background consumers from outliving their use: close on re-run and at exit.

A widget's refresh thread does not stop when its output is cleared, so without this every re-run
of a cell would leave one more thread polling the cluster. In JupyterLab each cell has an id; when a
cell runs again, the views it created before are closed first. At interpreter exit (kernel shutdown
or restart) all views are stopped, by the package's one exit hook (``clients.background.close_at_exit``).
"""

import weakref

from ..clients.background import close_at_exit

__all__ = ["close_all", "register", "current_cell_id"]

_LIVE: "weakref.WeakSet" = weakref.WeakSet()
_BY_CELL: dict[str, list[weakref.ref]] = {}
_hooked: list[bool] = [False]


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def current_cell_id() -> str | None:
    """The id JupyterLab gave the running cell (None outside a notebook front end); course machinery."""
    kernel = getattr(_shell(), "kernel", None)
    try:
        parent = kernel.get_parent("shell") if kernel is not None else None
    except Exception:  # an older or unusual kernel: replacing views on re-run is a nicety
        return None
    return ((parent or {}).get("metadata") or {}).get("cellId")


def _before_cell(info) -> None:
    cell_id = getattr(info, "cell_id", None)
    for ref in _BY_CELL.pop(cell_id, []) if cell_id else []:
        view = ref()
        if view is not None:
            view.close()


def _hook_ipython() -> None:
    if _hooked[0]:
        return
    _hooked[0] = True
    shell = _shell()
    if shell is not None:
        shell.events.register("pre_run_cell", _before_cell)


def register(view) -> None:
    """Track ``view`` (anything with ``close()``) so it is closed with its cell and at exit; course machinery."""
    _hook_ipython()
    _LIVE.add(view)
    # At exit only stop threads and clients: the front end is going away, no widget messages.
    close_at_exit(view, "stop" if callable(getattr(view, "stop", None)) else "close")
    cell_id = current_cell_id()
    if cell_id:
        _BY_CELL.setdefault(cell_id, []).append(weakref.ref(view))


def close_all() -> None:
    """Close every live view and background group of this interpreter (their threads stop); lesson 11."""
    for view in list(_LIVE):
        view.close()

