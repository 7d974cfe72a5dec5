package loupe.ui.browse;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import javafx.scene.image.Image;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import loupe.core.thumbs.ThumbnailService;
import loupe.ui.fx.FxImages;

/**
 * Thumbnails for gallery cells. A request returns a future at once: completed when the memory cache holds the
 * thumbnail, else completed later by the bounded pool it runs on. A cell cancels its request when it is reused
 * for another image; a cancelled request still waiting in the pool's queue is dropped before anything is read,
 * so fast scrolling does not leave a backlog of images nobody sees. Images that cannot be read are remembered
 * and not tried again.
 *
 * <p>The memory cache is an LRU bounded by bytes (4 per pixel). Thread-safe.
 */
public final class ThumbnailLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ThumbnailLoader.class);

    /** Why a thumbnail is missing, as cells show it. */
    public static final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final ThumbnailService service;
    private final Executor pool;
    private final long maxBytes;
    private final Map<String, Image> memory = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;
    private final Set<String> failed = ConcurrentHashMap.newKeySet();
    private final AtomicLong generated = new AtomicLong();
    private final AtomicLong fromDisk = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param service  makes and caches thumbnails on disk
     * @param pool     a bounded pool (2-4 threads) the decoding runs on
     * @param maxBytes the memory cache's budget
     */
    public ThumbnailLoader(ThumbnailService service, Executor pool, long maxBytes) {
        this.service = service;
        this.pool = pool;
        this.maxBytes = maxBytes;
    }

    /**
     * The thumbnail of {@code file} (an image of the dataset with the indexed size and mtime). Cancel the future
     * when the cell no longer needs it. Fails with {@link Unavailable} when the file is missing or unreadable.
     */
    public CompletableFuture<Image> load(Path file, long size, long mtime) {
        return load(file, size, mtime, 1);
    }

    /**
     * As {@link #load(Path, long, long)}, turned by the image's EXIF {@code orientation} (1..8; 0 or 1 for none):
     * the thumbnail shows the photo as it is meant to be seen.
     */
    public CompletableFuture<Image> load(Path file, long size, long mtime, int orientation) {
        int o = orientation >= 2 && orientation <= 8 ? orientation : 1;
        String key = file + "|" + size + "|" + mtime + (o == 1 ? "" : "|o" + o);
        Image cached = cached(key);
        if (cached != null) {
            return CompletableFuture.completedFuture(cached);
        }
        if (failed.contains(key)) {
            return CompletableFuture.failedFuture(new Unavailable("cannot read"));
        }
        CompletableFuture<Image> future = new CompletableFuture<>();
        try {
            pool.execute(() -> decode(future, key, file, size, mtime, o));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // A cell of a gallery whose dataset was just closed asks once more: nothing to show any more.
            future.completeExceptionally(new Unavailable("closed"));
        }
        return future;
    }

    private void decode(CompletableFuture<Image> future, String key, Path file, long size, long mtime,
                        int orientation) {
        if (future.isDone()) {
            dropped.incrementAndGet(); // cancelled while queued: the cell shows another image now
            return;
        }
        Image ready = cached(key);
        if (ready != null) {
            future.complete(ready);
            return;
        }
        try {
            ThumbnailService.Thumbnail t = service.load(file, size, mtime, orientation);
            (t.fromCache() ? fromDisk : generated).incrementAndGet();
            Image image = FxImages.toFx(t.image());
            remember(key, image);
            future.complete(image);
        } catch (NoSuchFileException e) {
            failed.add(key);
            future.completeExceptionally(new Unavailable("missing file"));
        } catch (Exception e) {
            failed.add(key);
            LOG.debug("No thumbnail for {}: {}", file, e.toString());
            future.completeExceptionally(new Unavailable("cannot read"));
        }
    }

    private synchronized Image cached(String key) {
        return memory.get(key);
    }

    private synchronized void remember(String key, Image image) {
        Image old = memory.put(key, image);
        if (old != null) {
            bytes -= weight(old);
        }
        bytes += weight(image);
        Iterator<Map.Entry<String, Image>> it = memory.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<String, Image> eldest = it.next();
            if (eldest.getKey().equals(key)) {
                continue;
            }
            bytes -= weight(eldest.getValue());
            it.remove();
        }
    }

    private static long weight(Image image) {
        return (long) image.getWidth() * (long) image.getHeight() * 4;
    }

    /** Drops the memory cache (the disk cache stays). */
    public synchronized void clearMemory() {
        memory.clear();
        bytes = 0;
        failed.clear();
    }

    /** Thumbnails made from the image files since start. */
    public long generatedCount() {
        return generated.get();
    }

    /** Thumbnails read from the disk cache since start. */
    public long fromDiskCount() {
        return fromDisk.get();
    }

    /** Requests dropped because they were cancelled before they ran. */
    public long droppedCount() {
        return dropped.get();
    }

    public ThumbnailService service() {
        return service;
    }
}
