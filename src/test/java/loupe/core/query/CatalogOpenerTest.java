package loupe.core.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;

class CatalogOpenerTest {

    private static CatalogException conflict() {
        return new CatalogException("cannot open the catalog c.duckdb",
                new SQLException("TransactionContext Error: Conflict on update!"));
    }

    @Test
    void aConflictIsTriedAgainUntilTheOpenWorks() throws CatalogException {
        AtomicInteger calls = new AtomicInteger();

        String result = CatalogOpener.retrying(() -> {
            if (calls.incrementAndGet() < 3) {
                throw conflict();
            }
            return "open";
        }, 5, 1);

        assertEquals("open", result);
        assertEquals(3, calls.get());
    }

    @Test
    void otherFailuresAndTheLastConflictAreThrown() {
        AtomicInteger calls = new AtomicInteger();
        CatalogException locked = new CatalogException("the catalog c.duckdb is in use by another Loupe process",
                new SQLException("Could not set lock on file"));

        assertSame(locked, assertThrows(CatalogException.class, () -> CatalogOpener.retrying(() -> {
            calls.incrementAndGet();
            throw locked;
        }, 5, 1)));
        assertEquals(1, calls.get(), "not a conflict: not tried again");

        calls.set(0);
        assertThrows(CatalogException.class, () -> CatalogOpener.retrying(() -> {
            calls.incrementAndGet();
            throw conflict();
        }, 3, 1));
        assertEquals(3, calls.get());
    }

    @Test
    void recognisesDuckDbsConflictMessageInTheCauses() {
        assertTrue(CatalogOpener.isConflict(conflict()));
        assertFalse(CatalogOpener.isConflict(new CatalogException("x", new SQLException("Catalog Error"))));
    }

    @Test
    void opensARealCatalog(@TempDir Path dir) throws CatalogException {
        try (Catalog catalog = CatalogOpener.open(dir.resolve("c.duckdb"))) {
            assertEquals(0, catalog.queryLong("SELECT count(*) FROM images"));
        }
    }
}
