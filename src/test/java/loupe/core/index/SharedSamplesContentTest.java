package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.task.Progress;

/** The content checks on a real sample: ../shared/datasets/raccoon (skipped when absent). */
class SharedSamplesContentTest {

    private static final Path RACCOON = Path.of("..", "shared", "datasets", "raccoon");

    @TempDir
    Path cache;

    @Test
    void findsTheIdenticalPhotosOfTheRaccoonDataset() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(RACCOON), "no ../shared/datasets/raccoon");
        try (Catalog catalog = Catalog.open(cache.resolve("raccoon.duckdb"))) {
            new Indexer(new IndexOptions(2, null).withHashes(true)).index(catalog, RACCOON, Progress.NONE);
            // Expected from `md5sum images/*.jpg | sort | uniq -D -w32`: four pairs of byte-identical photos,
            // 11 = 116, 52 = 74, 65 = 98, 83 = 120.
            assertEquals(List.of("images/raccoon-11.jpg", "images/raccoon-116.jpg", "images/raccoon-120.jpg",
                    "images/raccoon-52.jpg", "images/raccoon-65.jpg", "images/raccoon-74.jpg", "images/raccoon-83.jpg",
                    "images/raccoon-98.jpg"), catalog.query("SELECT path FROM problems WHERE kind = 'DUPLICATE_IMAGE'"
                    + " ORDER BY path", rs -> rs.getString(1)));
            assertEquals("the same bytes as images/raccoon-74.jpg (identical files)", catalog.query(
                    "SELECT message FROM problems WHERE kind = 'DUPLICATE_IMAGE' AND path = 'images/raccoon-52.jpg'",
                    rs -> rs.getString(1)).get(0));
            // No splits in this dataset, so no leakage; its README says no photo has a non-normal orientation.
            assertEquals(0, catalog.queryLong("SELECT count(*) FROM problems WHERE kind IN ('SPLIT_LEAKAGE',"
                    + " 'EXIF_ORIENTATION', 'IMAGE_TOO_LARGE')"));
            assertEquals(200, catalog.queryLong("SELECT count(*) FROM image_hashes WHERE dhash IS NOT NULL"),
                    "every photo gets a perceptual hash");
        }
    }
}
