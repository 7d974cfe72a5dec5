package loupe.core.query;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;

/**
 * One open catalog, shared by the views, whose queries run one after another on a serial executor (a single
 * named thread in the app, {@code loupe-catalog-1}; the calling thread in tests). A catalog connection is not
 * thread-safe and its TEMP tables belong to it, so every read goes through {@link #submit}.
 *
 * <p>The methods may be called from any thread; the work they submit runs in submission order.
 */
public final class CatalogSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogSession.class);

    /** Work on the open catalog. */
    @FunctionalInterface
    public interface Call<T> {
        T call(Open open) throws Exception;
    }

    /** The open catalog and its gallery query; used only on the session's executor. */
    public record Open(Path file, Catalog catalog, GalleryQuery gallery) {
    }

    private final Executor executor;
    /** Touched only on the executor. */
    private Open open;

    /** @param executor runs one task at a time, in submission order */
    public CatalogSession(Executor executor) {
        this.executor = executor;
    }

    /** Closes the catalog open before, if any, then opens {@code file}; the future fails when it cannot. */
    public CompletableFuture<Path> open(Path file) {
        return CompletableFuture.supplyAsync(() -> {
            closeQuietly();
            try {
                Catalog catalog = CatalogOpener.open(file);
                open = new Open(file, catalog, new GalleryQuery(catalog));
                return file;
            } catch (CatalogException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, executor);
    }

    /**
     * Runs {@code call} on the open catalog. The future fails with {@link IllegalStateException} when no catalog
     * is open by the time it runs or the executor no longer takes work, or with what the call threw.
     */
    public <T> CompletableFuture<T> submit(Call<T> call) {
        try {
            return supply(call);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The app is closing (its executor was shut down) while a view still asks for rows.
            return CompletableFuture.failedFuture(new IllegalStateException("the catalog session is closed", e));
        }
    }

    private <T> CompletableFuture<T> supply(Call<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            if (open == null) {
                throw new IllegalStateException("no catalog is open");
            }
            try {
                return call.call(open);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, executor);
    }

    /** Closes the open catalog once the work submitted before has run. */
    @Override
    public void close() {
        try {
            CompletableFuture.runAsync(this::closeQuietly, executor);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("catalog executor already shut down", e);
        }
    }

    private void closeQuietly() {
        if (open != null) {
            try {
                // GalleryQuery.prepare set the database's threads to one (the setting is the process's).
                Statements.execute(open.catalog(), "RESET threads");
                open.catalog().close();
            } catch (CatalogException e) {
                LOG.warn("Cannot close the catalog {}", open.file(), e);
            }
            open = null;
        }
    }
}
