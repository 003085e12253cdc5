"""``batch_attributes``: the one decoder of a batch header's attribute bits, behind RecordBatch and batch_headers (no cluster)."""

from course_lib.log.batches import batch_headers
from course_lib.log.segments import BATCH_HEADER, LOG_OVERHEAD, BatchAttributes, batch_attributes, read_batches


def test_each_bit():
    assert batch_attributes(0) == BatchAttributes("none", "CreateTime", False, False)
    assert batch_attributes(0x04 | 0x08 | 0x10 | 0x20) == BatchAttributes("zstd", "LogAppendTime", True, True)
    assert batch_attributes(0x01).compression == "gzip" and batch_attributes(0x07).compression == "unknown(7)"


def header(attributes: int, base_offset: int = 0) -> bytes:
    """A record batch with no records: its header only (batchLength counts the bytes after the first 12)."""
    return BATCH_HEADER.pack(base_offset, BATCH_HEADER.size - LOG_OVERHEAD, 0, 2, 0, attributes, 0, 0, 0, 7, 0, 0, 0)


def test_record_batches_and_batch_headers_read_the_same_bits(tmp_path):
    log = tmp_path / "00000000000000000000.log"
    log.write_bytes(header(0x08 | 0x10) + header(0x20, base_offset=1))
    batches, headers = read_batches(log, check_crc=False), batch_headers(log)
    assert [(b.compression, b.timestamp_type, b.is_transactional, b.is_control) for b in batches] == [
        ("none", "LogAppendTime", True, False), ("none", "CreateTime", False, True)]
    assert [(h.compression, h.transactional, h.control) for h in headers] == [
        ("none", True, False), ("none", False, True)]
