package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.task.Progress;
import loupe.testing.CocoFixture;

/**
 * {@link Indexer#forConversion} leaves out only the per-image label summary: images, annotations, classes and
 * problems are those of a full index, and {@code image_labels} is derived on the next open or full run.
 */
class IndexerForConversionTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    private static final String LABELS = "SELECT path || ' ' || annotation_count || ' ' || box_count || ' '"
            + " || labels_json || ' ' || labels_csv FROM image_labels ORDER BY path";
    private static final String PROBLEMS = "SELECT concat_ws('|', severity, kind, path, location, message)"
            + " FROM problems ORDER BY ALL";

    /** Three images, one missing, an unknown class and a box out of bounds: problems of several kinds. */
    private void coco() {
        CocoFixture coco = new CocoFixture(dataset).categories("car", "tree");
        int a = coco.image("train", "a.jpg", 200, 100);
        int b = coco.image("train", "b.jpg", 64, 64);
        int m = coco.missingImage("val", "gone.jpg", 80, 60);
        coco.image("val", "empty.jpg", 80, 60);
        coco.box(a, 1, 10, 10, 50, 20).box(a, 2, 0, 0, 200, 100).box(b, 7, 1, 1, 10, 10)
                .box(b, 1, 60, 60, 20, 20).box(m, 2, 1, 1, 5, 5);
        coco.write();
    }

    private static List<String> rows(Catalog catalog, String sql) throws CatalogException {
        return catalog.query(sql, rs -> rs.getString(1));
    }

    @Test
    void conversionIndexHasEverythingButImageLabelsWhichTheNextOpenDerives() throws IOException {
        coco();
        IndexOptions options = IndexOptions.defaults().withThreads(2);
        List<String> fullLabels;
        List<String> fullProblems;
        try (Catalog full = Catalog.open(cache.resolve("full.duckdb"))) {
            new Indexer(options).index(full, dataset, Progress.NONE);
            fullLabels = rows(full, LABELS);
            fullProblems = rows(full, PROBLEMS);
        }
        assertEquals(4, fullLabels.size());
        assertTrue(fullProblems.size() >= 3, "missing image, unknown class, box out of bounds: " + fullProblems);

        Path file = cache.resolve("convert.duckdb");
        try (Catalog catalog = Catalog.open(file)) {
            IndexResult result = new Indexer(options).forConversion().index(catalog, dataset, Progress.NONE);
            assertEquals(4, result.images());
            assertEquals(5, result.annotations());
            assertEquals(fullProblems.size(), result.problems());
            assertEquals(fullProblems, rows(catalog, PROBLEMS), "the same problems as a full index");
            assertEquals(0, catalog.queryLong("SELECT count(*) FROM image_labels"), "not derived for a conversion");
        }
        try (Catalog reopened = Catalog.open(file)) {
            assertEquals(fullLabels, rows(reopened, LABELS), "derived when the catalog is opened again");
        }
    }

    @Test
    void aFullRunOnAnUnchangedDatasetDerivesTheLabelsAConversionLeftOut() throws IOException {
        coco();
        IndexOptions options = IndexOptions.defaults().withThreads(2);
        List<String> fullLabels;
        try (Catalog full = Catalog.open(cache.resolve("full.duckdb"))) {
            new Indexer(options).index(full, dataset, Progress.NONE);
            fullLabels = rows(full, LABELS);
        }
        try (Catalog catalog = Catalog.open(cache.resolve("same.duckdb"))) {
            new Indexer(options).forConversion().index(catalog, dataset, Progress.NONE);
            assertFalse(rows(catalog, LABELS).equals(fullLabels));
            // A second conversion finds nothing changed and still leaves them out.
            new Indexer(options).forConversion().index(catalog, dataset, Progress.NONE);
            assertEquals(List.of(), rows(catalog, LABELS));
            new Indexer(options).index(catalog, dataset, Progress.NONE);
            assertEquals(fullLabels, rows(catalog, LABELS));
        }
    }
}
