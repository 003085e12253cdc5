package course.tiered;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.server.log.remote.storage.LogSegmentData;
import org.apache.kafka.server.log.remote.storage.RemoteLogSegmentMetadata;
import org.apache.kafka.server.log.remote.storage.RemoteLogSegmentMetadata.CustomMetadata;
import org.apache.kafka.server.log.remote.storage.RemoteResourceNotFoundException;
import org.apache.kafka.server.log.remote.storage.RemoteStorageException;
import org.apache.kafka.server.log.remote.storage.RemoteStorageManager;

/**
 * Kafka's remote tier as a plain directory (lesson 23): what the RemoteStorageManager interface (KIP-405) asks of
 * an object store, in the least code that shows it.
 *
 * <p>The broker hands over a closed segment as files ({@link LogSegmentData}); this class copies them to
 * {@code <dir>/<topic>-<partition>/<start offset>-<segment id>.<suffix>}, the {@code .log} last, so a {@code .log}
 * in the remote directory means a complete copy. Reads come back as streams from a byte position of the
 * {@code .log} (the broker found the position in the index it fetched first). {@code dir} is set by the broker
 * setting {@code rsm.config.dir}.
 */
public class DirectoryRemoteStorageManager implements RemoteStorageManager {

    private Path root;

    @Override
    public void configure(Map<String, ?> configs) {
        Object dir = configs.get("dir");
        if (dir == null) {
            throw new IllegalArgumentException("rsm.config.dir must name the directory that is the remote tier");
        }
        root = Paths.get(dir.toString());
    }

    /** Where a segment's files go, without the suffix: one folder per partition, named as on the broker's disk. */
    private Path base(RemoteLogSegmentMetadata segment) {
        TopicPartition partition = segment.topicIdPartition().topicPartition();
        String name = String.format("%020d-%s", segment.startOffset(), segment.remoteLogSegmentId().id());
        return root.resolve(partition.topic() + "-" + partition.partition()).resolve(name);
    }

    private static Path withSuffix(Path base, String suffix) {
        return base.resolveSibling(base.getFileName() + suffix);
    }

    @Override
    public Optional<CustomMetadata> copyLogSegmentData(RemoteLogSegmentMetadata segment, LogSegmentData data)
            throws RemoteStorageException {
        Path base = base(segment);
        try {
            Files.createDirectories(base.getParent());
            Files.copy(data.offsetIndex(), withSuffix(base, ".index"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(data.timeIndex(), withSuffix(base, ".timeindex"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(data.producerSnapshotIndex(), withSuffix(base, ".snapshot"), StandardCopyOption.REPLACE_EXISTING);
            if (data.transactionIndex().isPresent()) {
                Files.copy(data.transactionIndex().get(), withSuffix(base, ".txnindex"),
                           StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel out = FileChannel.open(withSuffix(base, ".leader-epoch-checkpoint"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(data.leaderEpochIndex().duplicate());
            }
            Path partial = withSuffix(base, ".log.partial");
            Files.copy(data.logSegment(), partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, withSuffix(base, ".log"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RemoteStorageException("copying " + segment.remoteLogSegmentId() + " to " + base + " failed", e);
        }
        return Optional.empty();  // nothing for the broker to keep in the segment's metadata
    }

    @Override
    public InputStream fetchLogSegment(RemoteLogSegmentMetadata segment, int startPosition)
            throws RemoteStorageException {
        return open(withSuffix(base(segment), ".log"), startPosition, Long.MAX_VALUE);
    }

    @Override
    public InputStream fetchLogSegment(RemoteLogSegmentMetadata segment, int startPosition, int endPosition)
            throws RemoteStorageException {
        return open(withSuffix(base(segment), ".log"), startPosition, (long) endPosition - startPosition + 1);
    }

    @Override
    public InputStream fetchIndex(RemoteLogSegmentMetadata segment, IndexType type) throws RemoteStorageException {
        String suffix = switch (type) {
            case OFFSET -> ".index";
            case TIMESTAMP -> ".timeindex";
            case PRODUCER_SNAPSHOT -> ".snapshot";
            case TRANSACTION -> ".txnindex";
            case LEADER_EPOCH -> ".leader-epoch-checkpoint";
        };
        return open(withSuffix(base(segment), suffix), 0, Long.MAX_VALUE);
    }

    /** {@code length} bytes of {@code file} from {@code position} (fewer at its end), as a stream. */
    private static InputStream open(Path file, long position, long length) throws RemoteStorageException {
        try {
            FileChannel channel = FileChannel.open(file).position(position);
            return new FilterInputStream(Channels.newInputStream(channel)) {
                private long left = length;

                @Override
                public int read() throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int b = super.read();
                    left -= b < 0 ? 0 : 1;
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int count) throws IOException {
                    if (left <= 0) {
                        return -1;
                    }
                    int n = super.read(buffer, offset, (int) Math.min(count, left));
                    left -= Math.max(n, 0);
                    return n;
                }
            };
        } catch (NoSuchFileException e) {
            throw new RemoteResourceNotFoundException(file + " is not in the remote tier");
        } catch (IOException e) {
            throw new RemoteStorageException("reading " + file + " failed", e);
        }
    }

    @Override
    public void deleteLogSegmentData(RemoteLogSegmentMetadata segment) throws RemoteStorageException {
        Path base = base(segment);
        try {
            for (String suffix : new String[] {".log", ".index", ".timeindex", ".snapshot", ".txnindex",
                                               ".leader-epoch-checkpoint"}) {
                Files.deleteIfExists(withSuffix(base, suffix));  // deleting twice is no error: the broker may retry
            }
        } catch (IOException e) {
            throw new RemoteStorageException("deleting " + base + " failed", e);
        }
    }

    @Override
    public void close() {
        // nothing open between calls: each fetch's stream is closed by the broker
    }
}
