package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.task.Progress;
import loupe.testing.CocoFixture;

/** {@link Catalog#openAside}: the index lists and stats the dataset while the catalog opens. */
class CatalogOpeningTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    private void coco() {
        CocoFixture coco = new CocoFixture(dataset).categories("car", "tree");
        int a = coco.image("train", "a.jpg", 200, 100);
        int b = coco.image("val", "b.jpg", 64, 64);
        coco.missingImage("val", "gone.jpg", 80, 60);
        coco.box(a, 1, 10, 10, 50, 20).box(b, 2, 1, 1, 10, 10).box(b, 9, 1, 1, 10, 10);
        coco.write();
    }

    @Test
    void indexesThroughAnOpeningAsThroughAnOpenCatalog() throws IOException {
        coco();
        Path file = cache.resolve("aside.duckdb");
        IndexResult aside;
        try (Catalog.Opening opening = Catalog.openAside(file)) {
            assertTrue(opening.fresh(), "no file yet: nothing indexed");
            aside = new Indexer(IndexOptions.defaults().withThreads(2)).index(opening, dataset, Progress.NONE);
        }
        IndexResult open;
        try (Catalog catalog = Catalog.open(cache.resolve("open.duckdb"))) {
            open = new Indexer(IndexOptions.defaults().withThreads(2)).index(catalog, dataset, Progress.NONE);
        }
        assertEquals(open.images(), aside.images());
        assertEquals(open.annotations(), aside.annotations());
        assertEquals(open.problems(), aside.problems());
        assertEquals(open.format(), aside.format());

        // Closed by the opening: the file opens again, indexed, and the next opening is not fresh.
        try (Catalog.Opening again = Catalog.openAside(file)) {
            assertFalse(again.fresh());
            assertTrue(again.await().isIndexed());
            IndexResult unchanged = new Indexer(IndexOptions.defaults()).index(again, dataset, Progress.NONE);
            assertEquals(0, unchanged.unitsParsed(), "nothing changed, nothing parsed");
        }
    }

    @Test
    void aCatalogThatCannotBeOpenedFailsClearlyAndClosesQuietly() throws IOException {
        coco();
        Path notAFolder = Files.writeString(cache.resolve("file"), "x");
        Catalog.Opening opening = Catalog.openAside(notAFolder.resolve("c.duckdb"));
        CatalogException e = assertThrows(CatalogException.class,
                () -> new Indexer(IndexOptions.defaults()).index(opening, dataset, Progress.NONE));
        assertTrue(e.getMessage().contains("catalog"), e.getMessage());
        opening.close();
    }

    @Test
    void anOpeningOfAnOpenCatalogLeavesItOpen() throws IOException {
        coco();
        try (Catalog catalog = Catalog.open(cache.resolve("c.duckdb"))) {
            try (Catalog.Opening borrowed = Catalog.Opening.of(catalog)) {
                new Indexer(IndexOptions.defaults()).index(borrowed, dataset, Progress.NONE);
            }
            assertTrue(catalog.isIndexed(), "still usable after the opening closed");
        }
    }
}
