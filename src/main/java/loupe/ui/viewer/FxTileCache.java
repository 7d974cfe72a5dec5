package loupe.ui.viewer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import javafx.scene.image.Image;

import loupe.core.imaging.region.TileKey;

/**
 * Tiles already converted to FX images, least recently used evicted first, bounded by their pixel bytes (4 per
 * pixel). It sits in front of the core {@link loupe.core.imaging.region.TileCache}, which keeps the decoded
 * BufferedImages: a tile is converted once, when it arrives, never per frame. Thread-safe.
 */
public final class FxTileCache {

    private final long maxBytes;
    private final LinkedHashMap<TileKey, Image> images = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    public FxTileCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public synchronized Image get(TileKey key) {
        return images.get(key);
    }

    public synchronized boolean contains(TileKey key) {
        return images.containsKey(key);
    }

    public synchronized void put(TileKey key, Image image) {
        long size = sizeOf(image);
        if (size > maxBytes) {
            return;
        }
        Image old = images.put(key, image);
        if (old != null) {
            bytes -= sizeOf(old);
        }
        bytes += size;
        Iterator<Map.Entry<TileKey, Image>> eldest = images.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            bytes -= sizeOf(eldest.next().getValue());
            eldest.remove();
        }
    }

    /** Drops the tiles of one source (its file was closed). */
    public synchronized void invalidate(String sourceId) {
        Iterator<Map.Entry<TileKey, Image>> it = images.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<TileKey, Image> e = it.next();
            if (e.getKey().sourceId().equals(sourceId)) {
                bytes -= sizeOf(e.getValue());
                it.remove();
            }
        }
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int size() {
        return images.size();
    }

    private static long sizeOf(Image image) {
        return 4L * (long) image.getWidth() * (long) image.getHeight();
    }
}
