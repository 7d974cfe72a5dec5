package loupe.ui.browse;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;

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
        String key = key(file, size, mtime, o);
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

    /**
     * Reads the thumbnail of {@code file} into the memory cache on the pool if the disk cache has it, so that a
     * tile asking for it soon gets it at once. Only the disk cache: a thumbnail that must be made is left to the
     * tile's own request (no work is done twice). Any thread.
     */
    public void prefetchCached(Path file, long size, long mtime, int orientation) {
        int o = orientation >= 2 && orientation <= 8 ? orientation : 1;
        String key = key(file, size, mtime, o);
        if (cached(key) != null || failed.contains(key)) {
            return;
        }
        try {
            pool.execute(() -> {
                if (cached(key) != null) {
                    return;
                }
                Image image = fromDiskCache(file, size, mtime, o);
                if (image != null) {
                    fromDisk.incrementAndGet();
                    remember(key, image);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closing: nothing to prefetch for.
        }
    }

    private static String key(Path file, long size, long mtime, int orientation) {
        return file + "|" + size + "|" + mtime + (orientation == 1 ? "" : "|o" + orientation);
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
            Image image = fromDiskCache(file, size, mtime, orientation);
            if (image != null) {
                fromDisk.incrementAndGet();
            } else {
                // Not cached, or a cached file JavaFX cannot decode: the service reads it with ImageIO or makes
                // the thumbnail again.
                ThumbnailService.Thumbnail t = service.load(file, size, mtime, orientation);
                (t.fromCache() ? fromDisk : generated).incrementAndGet();
                image = toFx(t.image());
            }
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

    /**
     * The cached thumbnail decoded by JavaFX's own JPEG decoder, or null when there is none or it cannot be
     * decoded. A cached thumbnail is always a baseline JPEG the service wrote: JavaFX reads it straight into the
     * image the tile draws, without ImageIO's reader look-up (which asks every registered reader whether it can
     * decode the stream) and the copy of a BufferedImage into a JavaFX image. On a cold JVM those two were most
     * of a cached thumbnail's time (docs/PERFORMANCE.md, Gallery).
     */
    private Image fromDiskCache(Path file, long size, long mtime, int orientation) {
        byte[] jpeg = service.cachedJpeg(file, size, mtime, orientation);
        if (jpeg == null) {
            return null;
        }
        Image image = decodeJpeg(jpeg);
        if (image == null) {
            LOG.debug("JavaFX cannot decode the cached thumbnail of {}; reading it with ImageIO", file);
        }
        return image;
    }

    /** {@code jpeg} decoded by JavaFX, or null when it cannot. Any thread; needs the JavaFX toolkit running. */
    static Image decodeJpeg(byte[] jpeg) {
        Image image = new Image(new ByteArrayInputStream(jpeg));
        return image.isError() || image.getWidth() <= 0 || image.getHeight() <= 0 ? null : image;
    }

    /**
     * {@code image} as a JavaFX image. The thumbnails the service makes are packed BGR bytes: they are turned
     * into RGB rows in one loop and written as such, instead of {@link BufferedImage#getRGB}'s per-pixel colour
     * model calls (slow until the JIT compiled them, on the first screen of a cold start).
     */
    static Image toFx(BufferedImage image) {
        if (image.getType() != BufferedImage.TYPE_3BYTE_BGR
                || !(image.getRaster().getDataBuffer() instanceof DataBufferByte buffer)
                || buffer.getNumBanks() != 1
                || image.getRaster().getSampleModelTranslateX() != 0
                || image.getRaster().getSampleModelTranslateY() != 0
                || !(image.getSampleModel() instanceof ComponentSampleModel model)
                || model.getScanlineStride() != image.getWidth() * 3
                || model.getPixelStride() != 3) {
            return FxImages.toFx(image);
        }
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] bgr = buffer.getData();
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = bgr[i + 2];
            rgb[i + 1] = bgr[i + 1];
            rgb[i + 2] = bgr[i];
        }
        WritableImage fx = new WritableImage(w, h);
        fx.getPixelWriter().setPixels(0, 0, w, h, PixelFormat.getByteRgbInstance(), rgb, 0, w * 3);
        return fx;
    }

    /**
     * Prepares the pool's threads for the first screen of thumbnails: starts them, and on each runs one tiny
     * decode the way the gallery will (ImageIO's plugin scan and JPEG writer and reader on one, JavaFX's JPEG
     * decoder and the pixel copy on the other), so the first thumbnails a user waits for do not pay for class
     * loading and the native libraries. Returns at once; call it at start, before a dataset's gallery fills.
     */
    public void warmUp() {
        try {
            pool.execute(ThumbnailService::warmUp);
            pool.execute(ThumbnailLoader::warmUpFx);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closing already: nothing to prepare for.
        }
    }

    private static void warmUpFx() {
        try {
            BufferedImage tiny = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
            ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
            ThumbnailService.encodeJpeg(tiny, jpeg);
            decodeJpeg(jpeg.toByteArray());
            toFx(tiny);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("Thumbnail warm-up failed", e); // only a warm-up: real thumbnails report their own failures
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
