package loupe.core.query;

import java.nio.file.Path;

import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;

/**
 * Opens a catalog that other connections of the same process may be opening at the same moment. Opening writes
 * the schema's meta rows, and two connections doing so at once can fail with DuckDB's "TransactionContext Error:
 * Conflict on update!" (seen when the app's session, statistics, Curate and re-index check open one catalog
 * together); that conflict is transient, so the open is tried again a few times. Other failures are not retried.
 */
public final class CatalogOpener {

    /** Attempts in all, and the wait before the second one (doubled each time). */
    static final int ATTEMPTS = 5;
    static final long FIRST_WAIT_MILLIS = 25;

    /** One way of opening, for tests. */
    @FunctionalInterface
    interface Open<T> {
        T open() throws CatalogException;
    }

    private CatalogOpener() {
    }

    /** {@link Catalog#open(Path)}, tried again while it fails with a write-write conflict. */
    public static Catalog open(Path file) throws CatalogException {
        return retrying(() -> Catalog.open(file), ATTEMPTS, FIRST_WAIT_MILLIS);
    }

    static <T> T retrying(Open<T> open, int attempts, long firstWaitMillis) throws CatalogException {
        long wait = firstWaitMillis;
        for (int attempt = 1; ; attempt++) {
            try {
                return open.open();
            } catch (CatalogException e) {
                if (attempt >= attempts || !isConflict(e)) {
                    throw e;
                }
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                wait *= 2;
            }
        }
    }

    /** True when {@code e} or a cause says DuckDB saw a conflicting concurrent update. */
    static boolean isConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("Conflict on update")) {
                return true;
            }
        }
        return false;
    }
}
