package loupe.ui.app;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import loupe.core.index.CatalogLocation;
import loupe.core.index.IndexOptions;
import loupe.core.query.CatalogSession;
import loupe.core.thumbs.ThumbnailService;
import loupe.ui.browse.GalleryViewModel;
import loupe.ui.browse.ThumbnailLoader;
import loupe.ui.fx.FxJobs;
import loupe.ui.viewer.ViewerServices;

/**
 * The app's executors and services, made once and shut down on exit. Bounded pools with named daemon threads:
 * {@code loupe-catalog-1} runs index jobs and every catalog query, in order (one connection, and an index must
 * not overlap the session's reads); {@code loupe-check-1} reopens an indexed folder and checks it for changes on
 * a connection of its own (DuckDB shares one database between the connections of a process), after the gallery's
 * first page; {@code loupe-thumbs-N} decodes thumbnails; the viewer has its own tile threads ({@link ViewerServices}).
 */
public final class AppServices implements AutoCloseable {

    /** Thumbnail decoding threads: enough to fill a screen quickly, few enough to leave the FX thread a core. */
    static final int THUMBNAIL_THREADS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    /** Memory cache of thumbnails: ~380 thumbnails of 256 px. */
    static final long THUMBNAIL_MEMORY_BYTES = 96L * 1024 * 1024;

    /** How long the catalog thread must stay idle before the background check starts, and the longest wait. */
    static final long QUIET_MILLIS = 150;
    static final long IDLE_MILLIS = 2_000;
    static final long MAX_WAIT_MILLIS = 15_000;
    /** The gallery of the last workspace made, whose first page the background check waits for. */
    private volatile GalleryViewModel gallery;

    private final ThreadPoolExecutor catalogExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), named("loupe-catalog"));
    /** Reopens indexed folders and checks them for changes, beside the catalog thread (own connection). */
    private final ExecutorService checkExecutor = Executors.newSingleThreadExecutor(named("loupe-check"));
    private final ExecutorService thumbnailPool = new ThreadPoolExecutor(THUMBNAIL_THREADS, THUMBNAIL_THREADS,
            30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), named("loupe-thumbs"));
    private final CatalogSession session = new CatalogSession(catalogExecutor);
    private final ThumbnailLoader thumbnails = new ThumbnailLoader(
            new ThumbnailService(ThumbnailService.defaultCacheDir(), ThumbnailService.DEFAULT_SIZE_PX),
            thumbnailPool, THUMBNAIL_MEMORY_BYTES);

    private final ViewerServices viewerServices = ViewerServices.create(0);

    /** Opened by {@link #release()}; the catalog and check threads wait for it when made with holdUntilShown. */
    private final java.util.concurrent.CountDownLatch shown = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

    /** Services whose background work starts at once (tests, benchmarks). */
    public AppServices() {
        this(false);
    }

    /**
     * @param holdUntilShown when true, the catalog and check threads start nothing (no warm-up, no index job)
     *                       until {@link #release()} is called, at most {@value #HOLD_MILLIS} ms: on two cores,
     *                       loading DuckDB's native library and reading a dataset while the window is built made
     *                       the first frame 0.2-0.6 s later (the app releases once its first frame is drawn)
     */
    public AppServices(boolean holdUntilShown) {
        if (holdUntilShown) {
            catalogExecutor.execute(this::awaitShown);
            checkExecutor.execute(this::awaitShown);
        } else {
            release();
        }
    }

    /** The longest the catalog thread waits for {@link #release()}. */
    static final long HOLD_MILLIS = 5_000;

    private void awaitShown() {
        try {
            shown.await(HOLD_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets the held background work run and starts the warm-ups (DuckDB, image readers). Idempotent. */
    public void release() {
        if (released.getAndSet(true)) {
            return;
        }
        shown.countDown();
        thumbnails.warmUp();
        catalogExecutor.execute(AppServices::warmUpDuckDb);
    }

    /**
     * Loads DuckDB's native library while the window is being built: the first connection of a process takes
     * 1-2 s (measured 1.3 s at load 11), which opening a dataset would otherwise wait for.
     */
    private static void warmUpDuckDb() {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:")) {
            c.isValid(1);
        } catch (java.sql.SQLException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(AppServices.class).debug("DuckDB warm-up failed", e);
        }
    }

    /** A main model whose index jobs run on the catalog thread, catalogs in the per-user cache. */
    public MainViewModel newMainModel() {
        return new MainViewModel(FxJobs.runner(catalogExecutor), FxJobs.runner(checkExecutor),
                this::awaitGalleryFirst, IndexOptions.defaults(), CatalogLocation::defaultFor);
    }

    /** The window's view models, wired; {@code fx} runs callbacks on the FX thread. */
    public Workspace newWorkspace(MainViewModel main, java.util.concurrent.Executor fx) {
        Workspace workspace = new Workspace(main, session, thumbnails, viewerServices, fx);
        gallery = workspace.gallery();
        return workspace;
    }

    /**
     * Blocks the background check of a reopened folder until the gallery has shown its first page and the catalog
     * thread has then had nothing to do for {@value #QUIET_MILLIS} ms; when the gallery is not on screen (it asks
     * for no page), until the catalog thread was idle for {@value #IDLE_MILLIS} ms; at most {@value
     * #MAX_WAIT_MILLIS} ms. The gallery's steps hop through the FX thread between queries, so one idle sample is
     * not enough.
     */
    void awaitGalleryFirst() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS);
        long quietSince = -1;
        try {
            while (System.nanoTime() < deadline) {
                boolean idle = catalogExecutor.getQueue().isEmpty() && catalogExecutor.getActiveCount() == 0;
                long now = System.nanoTime();
                if (!idle) {
                    quietSince = -1;
                } else if (quietSince < 0) {
                    quietSince = now;
                } else {
                    long quiet = TimeUnit.NANOSECONDS.toMillis(now - quietSince);
                    GalleryViewModel g = gallery;
                    if (quiet >= IDLE_MILLIS || (quiet >= QUIET_MILLIS && g != null && g.hasShownAPage())) {
                        return;
                    }
                }
                Thread.sleep(25);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public ThumbnailLoader thumbnails() {
        return thumbnails;
    }

    /**
     * Stops the pools: a cancelled index stops at its next file; waiting a little lets it close the catalog
     * cleanly (a killed run would be safe too, see Catalog).
     */
    @Override
    public void close() throws InterruptedException {
        thumbnailPool.shutdownNow();
        viewerServices.close();
        session.close();
        checkExecutor.shutdown();
        catalogExecutor.shutdown();
        checkExecutor.awaitTermination(3, TimeUnit.SECONDS);
        catalogExecutor.awaitTermination(3, TimeUnit.SECONDS);
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
