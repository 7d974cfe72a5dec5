package loupe.ui.viewer;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import loupe.core.imaging.region.TileCache;

/**
 * The viewer's shared resources: the core tile cache (decoded BufferedImages), the FX tile cache (converted
 * images), a bounded tile pool ({@code loupe-tiles-N}) and a single I/O thread ({@code loupe-viewer-io-1}) that
 * opens files and loads annotations. The app creates one and closes it on exit.
 *
 * <p>Budgets for a 512 MB heap: decoded tiles are kept briefly (they are converted right away and the FX copy is
 * what paints), so the core cache is the smaller one. The FX budget counts each tile once, but the software
 * pipeline keeps a texture copy of every image drawn, so converted tiles cost about twice their budget.
 */
public final class ViewerServices implements AutoCloseable {

    public static final long DEFAULT_TILE_CACHE_BYTES = 16L << 20;
    public static final long DEFAULT_FX_CACHE_BYTES = 64L << 20;

    private final TileCache tileCache;
    private final FxTileCache fxCache;
    private final ExecutorService tileExecutor;
    private final ExecutorService ioExecutor;

    public ViewerServices(TileCache tileCache, FxTileCache fxCache, ExecutorService tileExecutor,
                          ExecutorService ioExecutor) {
        this.tileCache = tileCache;
        this.fxCache = fxCache;
        this.tileExecutor = tileExecutor;
        this.ioExecutor = ioExecutor;
    }

    /** Default budgets and {@code threads} tile threads (the machine's cores, at most 4, when 0). */
    public static ViewerServices create(int threads) {
        int n = threads > 0 ? threads : Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        return new ViewerServices(new TileCache(DEFAULT_TILE_CACHE_BYTES), new FxTileCache(DEFAULT_FX_CACHE_BYTES),
                pool("loupe-tiles-", n), pool("loupe-viewer-io-", 1));
    }

    /** A fixed pool of named daemon threads with an unbounded queue (stale requests are cancelled, not queued). */
    public static ExecutorService pool(String prefix, int threads) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    }

    public TileCache tileCache() {
        return tileCache;
    }

    public FxTileCache fxCache() {
        return fxCache;
    }

    public ExecutorService tileExecutor() {
        return tileExecutor;
    }

    public ExecutorService ioExecutor() {
        return ioExecutor;
    }

    @Override
    public void close() {
        tileExecutor.shutdownNow();
        ioExecutor.shutdownNow();
        tileCache.clear();
    }
}
