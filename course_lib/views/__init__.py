"""Live views of the course cluster for JupyterLab: each is one call that shows a refreshing widget.

    from . import replication_view, group_view, dashboard
    replication_view("orders")            # who leads which partition; kill a broker and watch
    dashboard("orders", groups=["billing"], controls=True)

Every view renders a snapshot from ``course_lib.views.snapshots`` (plain functions, tested on the
real cluster), refreshes about once a second in a background thread, and stops when closed, when
its cell runs again or when the kernel exits. ``close_all()`` stops every view at once.
A view given no ``cluster`` takes ``course_cluster()``, never ``cluster_or_course()``: it must show a
dead cluster, not start it.
"""

from .background import BackgroundGroup
from .connect import ConnectView, connect_view
from .controls import InstructorControls, instructor_controls
from .dashboard import Dashboard, dashboard
from .group import GroupView, group_view
from .lifecycle import close_all
from .metrics import MetricsView, metrics_view
from .offsets import OffsetsView, offsets_view
from .partitioner import PartitionerView, partitioner_view
from .registry import RegistryView, registry_view
from .replication import ReplicationView, replication_view
from .throughput import ThroughputView, throughput_view
from .windows import WindowsView, windows_view

__all__ = [
    "BackgroundGroup", "ConnectView", "Dashboard", "GroupView", "InstructorControls", "MetricsView", "OffsetsView",
    "PartitionerView", "RegistryView", "ReplicationView", "ThroughputView", "WindowsView", "close_all",
    "connect_view", "dashboard", "group_view", "instructor_controls", "metrics_view", "offsets_view",
    "partitioner_view",
    "registry_view", "replication_view", "throughput_view", "windows_view",
]
