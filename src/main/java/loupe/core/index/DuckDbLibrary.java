package loupe.core.index;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Loads DuckDB's native library, optionally ahead of time on a background thread.
 *
 * <p>The DuckDB driver unpacks its 60 MB JNI library from the jar into a temporary file and loads it the first
 * time a connection is made, on every start; with the first connection's own set-up that is 400-500 ms of a
 * command's start-up. {@link #preload()} does both on a daemon thread while the JVM is still parsing the
 * command line, so {@link Catalog#open} usually finds them done. Loading happens once per JVM whichever way;
 * a failure is kept and reported by {@link #await()}.
 *
 * <p>Thread-safe.
 */
public final class DuckDbLibrary {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DuckDbLibrary.class);

    private static CompletableFuture<Void> loading;

    private DuckDbLibrary() {
    }

    /** Starts loading the library on a background thread, unless loading has started already. */
    public static synchronized void preload() {
        if (loading != null) {
            return;
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        loading = result;
        Thread thread = new Thread(() -> load(result), "loupe-duckdb-preload");
        thread.setDaemon(true);
        thread.start();
        // A command that ends early (a usage error) must not leave a half-written 60 MB copy in the temporary
        // folder: the driver asks for its copy to be deleted at exit only once it is complete, so exit waits.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                result.get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // nothing more to wait for
            }
        }, "loupe-duckdb-preload-exit"));
    }

    /**
     * Returns once the library is loaded, loading it on this thread when nobody has started to.
     *
     * @throws CatalogException when the library cannot be loaded (no writable temporary folder, wrong platform)
     */
    static void await() throws CatalogException {
        CompletableFuture<Void> result;
        boolean here = false;
        synchronized (DuckDbLibrary.class) {
            if (loading == null) {
                loading = new CompletableFuture<>();
                here = true;
            }
            result = loading;
        }
        if (here) {
            load(result);
        }
        try {
            result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogException("interrupted while loading DuckDB's native library", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof ExceptionInInitializerError init && init.getCause() != null
                    ? init.getCause() : e.getCause();
            throw new CatalogException("cannot load DuckDB's native library", cause);
        }
    }

    private static void load(CompletableFuture<Void> result) {
        try {
            // Initialising the driver's DuckDBNative class is what unpacks and loads the library.
            Class.forName("org.duckdb.DuckDBNative", true, DuckDbLibrary.class.getClassLoader());
        } catch (Throwable e) {
            result.completeExceptionally(e);
            return;
        }
        // The first connection of a JVM costs 100-300 ms more than the next ones (driver and JNI set-up); an
        // in-memory database takes that cost here, so the catalog's own connection is quick.
        try (Connection warmUp = DriverManager.getConnection("jdbc:duckdb:")) {
            LOG.debug("DuckDB {} loaded", warmUp.getMetaData().getDatabaseProductVersion());
        } catch (SQLException | RuntimeException e) {
            LOG.debug("DuckDB warm-up connection failed; the catalog's own connection will report it", e);
        }
        result.complete(null);
    }
}
