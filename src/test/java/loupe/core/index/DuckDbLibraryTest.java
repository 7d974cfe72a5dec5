package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbLibraryTest {

    @TempDir
    Path dir;

    @Test
    void catalogsOpenWhileAndAfterTheLibraryIsPreloaded() throws IOException {
        DuckDbLibrary.preload();
        DuckDbLibrary.preload();  // a second call is a no-op, not a second load
        try (Catalog first = Catalog.open(dir.resolve("a.duckdb"))) {
            assertEquals(3, first.queryLong("SELECT 1 + 2"));
        }
        DuckDbLibrary.await();
        try (Catalog second = Catalog.open(dir.resolve("b.duckdb"))) {
            assertTrue(second.query("SELECT table_name FROM information_schema.tables", rs -> rs.getString(1))
                    .contains("images"), "the schema is created");
        }
    }
}
