package loupe.core.imaging.region;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoded tiles, least recently used evicted first, bounded by the bytes of their pixel buffers (QuPath's
 * {@code DefaultRegionCache} idea). Concurrent requests for a tile that is being decoded share that one decode
 * (QuPath's {@code pendingTiles.computeIfAbsent}).
 *
 * <p><b>Contract of {@link #get}.</b> Each call returns its own future. Cancelling it (the usual way for a viewer to
 * drop a request for a tile scrolled out of view) detaches only that caller; when every caller of a tile has
 * cancelled before its decode started, the decode is skipped. A decode that has started runs to completion and its
 * tile is cached (it is likely to be asked for again). A failed decode is not cached: the next request tries again.
 *
 * <p>Cached images are shared between callers and must be treated as read-only. A single tile larger than the
 * whole budget is returned but not kept. Thread-safe.
 */
public final class TileCache {

    /** Loads one tile; called at most once at a time per key. */
    @FunctionalInterface
    public interface Loader {
        BufferedImage load(TileKey key) throws Exception;
    }

    private final long maxBytes;
    private final LinkedHashMap<TileKey, BufferedImage> tiles = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;                      // guarded by this
    private final ConcurrentHashMap<TileKey, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong merged = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    /** @param maxBytes budget for the pixel buffers of all cached tiles */
    public TileCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** The cached tile, or null; never starts a decode. Counts as a use for the LRU order. */
    public synchronized BufferedImage getIfPresent(TileKey key) {
        return tiles.get(key);
    }

    /**
     * The tile from the cache, or decoded by {@code loader} on {@code executor} (merged with a decode of the same
     * tile that is already pending). Use {@code Runnable::run} as the executor to decode on the calling thread.
     *
     * @return a future of the tile; completes exceptionally with the loader's exception, or with a
     *         {@link CancellationException} when the executor rejected the decode or every caller had cancelled
     */
    public CompletableFuture<BufferedImage> get(TileKey key, Loader loader, Executor executor) {
        BufferedImage cached = getIfPresent(key);
        if (cached != null) {
            hits.incrementAndGet();
            return CompletableFuture.completedFuture(cached);
        }
        boolean[] created = {false};
        Pending p = pending.compute(key, (k, existing) -> {
            if (existing != null) {
                existing.interested++;
                merged.incrementAndGet();
                return existing;
            }
            created[0] = true;
            Pending fresh = new Pending();
            fresh.interested = 1;
            return fresh;
        });
        CompletableFuture<BufferedImage> mine = new CompletableFuture<>();
        p.shared.whenComplete((image, error) -> {
            if (error != null) {
                mine.completeExceptionally(error);
            } else {
                mine.complete(image);
            }
        });
        mine.whenComplete((image, error) -> {
            if (mine.isCancelled()) {
                pending.computeIfPresent(key, (k, v) -> {
                    if (v == p) {
                        v.interested--;
                    }
                    return v;
                });
            }
        });
        if (created[0]) {
            try {
                executor.execute(() -> load(key, p, loader));
            } catch (RejectedExecutionException e) {
                pending.remove(key, p);
                p.shared.completeExceptionally(new CancellationException("tile decode rejected: " + e.getMessage()));
            }
        }
        return mine;
    }

    private void load(TileKey key, Pending p, Loader loader) {
        boolean[] abandoned = {false};
        pending.computeIfPresent(key, (k, v) -> {
            if (v == p && v.interested <= 0) {
                abandoned[0] = true;
                return null;
            }
            return v;
        });
        if (abandoned[0]) {
            skipped.incrementAndGet();
            p.shared.completeExceptionally(new CancellationException("no caller wants tile " + key + " any more"));
            return;
        }
        try {
            // A cache hit may have appeared between the caller's check and now (another decode finished).
            BufferedImage image = getIfPresent(key);
            if (image == null) {
                loads.incrementAndGet();
                image = loader.load(key);
                put(key, image);
            }
            pending.remove(key, p);
            p.shared.complete(image);
        } catch (Throwable e) {
            pending.remove(key, p);
            p.shared.completeExceptionally(e);
        }
    }

    private synchronized void put(TileKey key, BufferedImage image) {
        long size = sizeOf(image);
        if (size > maxBytes) {
            return;
        }
        BufferedImage old = tiles.put(key, image);
        if (old != null) {
            bytes -= sizeOf(old);
        }
        bytes += size;
        Iterator<Map.Entry<TileKey, BufferedImage>> eldest = tiles.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= sizeOf(eldest.next().getValue());
            eldest.remove();
        }
    }

    /** Drops every cached tile of a source (call it when the file is closed or changed). */
    public synchronized void invalidate(String sourceId) {
        Iterator<Map.Entry<TileKey, BufferedImage>> it = tiles.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<TileKey, BufferedImage> e = it.next();
            if (e.getKey().sourceId().equals(sourceId)) {
                bytes -= sizeOf(e.getValue());
                it.remove();
            }
        }
    }

    /** Drops every cached tile. */
    public synchronized void clear() {
        tiles.clear();
        bytes = 0;
    }

    /** Bytes held by cached tiles; at most the budget. */
    public synchronized long bytes() {
        return bytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Number of cached tiles. */
    public synchronized int size() {
        return tiles.size();
    }

    /** Counters since creation: cache hits, decodes run, requests merged into a pending decode, decodes skipped. */
    public record Stats(long hits, long loads, long merged, long skipped) {
    }

    public Stats stats() {
        return new Stats(hits.get(), loads.get(), merged.get(), skipped.get());
    }

    /** Bytes of an image's pixel buffers. */
    static long sizeOf(BufferedImage image) {
        DataBuffer buffer = image.getRaster().getDataBuffer();
        return (long) buffer.getSize() * buffer.getNumBanks() * DataBuffer.getDataTypeSize(buffer.getDataType()) / 8;
    }

    /** A decode in flight; {@code interested} is changed only inside {@code pending.compute*} for its key. */
    private static final class Pending {
        final CompletableFuture<BufferedImage> shared = new CompletableFuture<>();
        int interested;
    }
}
