package loupe.ui.charts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.task.Progress;

/**
 * The sample dataset in {@code assets/sample} (COCO, train 28 + val 8 images), indexed into a catalog in a temp
 * folder. Counts, from the annotation files (python3: collections.Counter over category_id): car (id 1) 37 train
 * + 11 val = 48, tree (id 2) 10 + 4 = 14, person (id 3) 24 + 6 = 30; 92 annotations.
 */
public final class SampleCatalog {

    public static final Path ROOT = Path.of("assets", "sample").toAbsolutePath();

    private SampleCatalog() {
    }

    /** Indexes the sample into {@code dir/catalog.duckdb}. */
    public static Catalog open(Path dir) throws IOException {
        if (!Files.isDirectory(ROOT)) {
            throw new IllegalStateException("the sample dataset is missing: " + ROOT);
        }
        Catalog catalog = Catalog.open(dir.resolve("catalog.duckdb"));
        new Indexer(IndexOptions.defaults()).index(catalog, ROOT, Progress.NONE);
        return catalog;
    }
}
