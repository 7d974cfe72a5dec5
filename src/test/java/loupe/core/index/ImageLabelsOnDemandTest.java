package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.task.Progress;
import loupe.testing.CocoFixture;

/**
 * An index leaves the per-image label summary ({@code image_labels}) empty; the first reader that needs it
 * derives it from the committed annotations, and a later index that changes them empties it again.
 */
class ImageLabelsOnDemandTest {

    @TempDir
    Path dataset;

    @TempDir
    Path cache;

    private static final String LABELS = "SELECT path || ' ' || annotation_count || ' ' || box_count || ' '"
            + " || labels_json || ' ' || labels_csv FROM image_labels ORDER BY path";

    private CocoFixture coco(int secondClassOfB) {
        CocoFixture coco = new CocoFixture(dataset).categories("car", "tree");
        int a = coco.image("train", "a.jpg", 200, 100);
        int b = coco.image("train", "b.jpg", 64, 64);
        coco.image("val", "empty.jpg", 80, 60);
        coco.box(a, 1, 10, 10, 50, 20).box(a, 2, 0, 0, 200, 100).box(a, 2, 5, 5, 10, 10)
                .box(b, secondClassOfB, 1, 1, 10, 10);
        return coco;
    }

    private static List<String> labels(Catalog catalog) throws CatalogException {
        return catalog.query(LABELS, rs -> rs.getString(1));
    }

    @Test
    void derivedOnFirstUseAndEmptiedByAnIndexThatChangesAnnotations() throws IOException {
        coco(1).write();
        IndexOptions options = IndexOptions.defaults().withThreads(2);
        Path file = cache.resolve("c.duckdb");
        try (Catalog catalog = Catalog.open(file)) {
            new Indexer(options).index(catalog, dataset, Progress.NONE);
            assertEquals(List.of(), labels(catalog), "not built by the index");
            catalog.deriveImageLabelsIfStale();
            List<String> derived = labels(catalog);
            assertEquals(3, derived.size(), derived.toString());
            assertEquals("a.jpg 3 3 [{\"id\":1,\"name\":\"car\",\"count\":1,\"boxes\":1},"
                    + "{\"id\":2,\"name\":\"tree\",\"count\":2,\"boxes\":2}] \"[{\"\"id\"\":1,\"\"name\"\":\"\"car\"\","
                    + "\"\"count\"\":1,\"\"boxes\"\":1},{\"\"id\"\":2,\"\"name\"\":\"\"tree\"\",\"\"count\"\":2,"
                    + "\"\"boxes\"\":2}]\"", derived.get(0).replaceFirst("^\\S*/", ""));
            assertEquals("empty.jpg 0 0 [] \"[]\"", derived.get(2).replaceFirst("^\\S*/", ""));

            // Nothing changed: the summary stays as derived.
            new Indexer(options).index(catalog, dataset, Progress.NONE);
            assertEquals(derived, labels(catalog));
        }
        // Reopening does not rebuild it either (it is already there).
        try (Catalog catalog = Catalog.open(file)) {
            assertEquals(3, labels(catalog).size());
        }

        coco(2).write();   // b.jpg's box is now a tree
        try (Catalog catalog = Catalog.open(file)) {
            new Indexer(options).index(catalog, dataset, Progress.NONE);
            assertEquals(List.of(), labels(catalog), "emptied: it no longer matches the annotations");
            catalog.deriveImageLabelsIfStale();
            assertEquals("b.jpg 1 1 [{\"id\":2,\"name\":\"tree\",\"count\":1,\"boxes\":1}]",
                    labels(catalog).get(1).replaceFirst("^\\S*/", "").replaceFirst(" \"\\[.*$", ""));
        }
    }
}
