"""``segments_of``: the one reading of a partition's segment states, for lesson 08's text and the offsets view (no cluster)."""

from pathlib import Path
from types import SimpleNamespace

from course_lib.log.segments import Segment, segment_files, segments_of
from course_lib.views.snapshots import segments_on_disk


def replica(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        stem, _, suffix = name.partition(".")
        (folder / f"{int(stem):020d}.{suffix}").write_bytes(b"x" * 10)
    return folder


def test_the_newest_log_is_active_and_a_deleted_file_comes_first(tmp_path):
    folder = replica(tmp_path / "t-0", "0.log", "0.index", "5.log.deleted", "5.log", "9.log", "9.log.cleaned", "3.log.swap")
    assert [(s.base_offset, s.state) for s in segments_of(segment_files(folder))] == [
        (0, "closed"), (3, "compacting"), (5, "deleted"), (5, "closed"), (9, "active"), (9, "compacting")]
    assert segments_of(segment_files(folder))[0] == Segment(0, 10, "closed", "00000000000000000000.log")


def test_only_deleted_files_leave_no_active_segment(tmp_path):
    folder = replica(tmp_path / "t-0", "0.log.deleted")
    assert [s.state for s in segments_of(segment_files(folder))] == ["deleted"]
    assert segments_of([]) == []


def test_the_view_reads_every_local_replica_and_skips_brokers_without_one(tmp_path):
    replica(tmp_path / "1" / "t-0", "0.log", "7.log")
    (tmp_path / "2").mkdir()
    cluster = SimpleNamespace(nodes=[SimpleNamespace(node_id=1, data_dir=tmp_path / "1"),
                                     SimpleNamespace(node_id=2, data_dir=tmp_path / "2")])
    (on_disk,) = segments_on_disk(cluster, "t", 0)
    assert on_disk[0] == 1 and [s.state for s in on_disk[1]] == ["closed", "active"]
    assert segments_on_disk(cluster, "t", 7) == ()
    assert segments_on_disk(SimpleNamespace(nodes=[SimpleNamespace(node_id=1)]), "t", 0) is None  # Docker stack
