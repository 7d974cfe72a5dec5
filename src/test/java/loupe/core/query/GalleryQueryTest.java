package loupe.core.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.task.Progress;
import loupe.testing.CocoFixture;

/** Pagination and filters of the gallery query, run in a real catalog. */
class GalleryQueryTest {

    private static final int BIG = 100_000;

    @TempDir
    static Path bigDir;

    private static Path bigCatalog;

    /** Image i (name %06d.jpg) has i % 4 boxes; box k has class 1 + (i + k) % 3 and side 10 + k * 20 px. */
    @BeforeAll
    static void indexABigCatalog() throws IOException {
        CocoFixture coco = new CocoFixture(bigDir.resolve("data")).categories("car", "tree", "person");
        for (int i = 0; i < BIG; i++) {
            int id = coco.missingImage("train", String.format("%06d.jpg", i), 640, 480);
            for (int k = 0; k < i % 4; k++) {
                double side = 10 + k * 20;
                coco.box(id, 1 + (i + k) % 3, 5, 5, side, side);
            }
        }
        Path root = coco.write();
        bigCatalog = bigDir.resolve("big.duckdb");
        try (Catalog catalog = Catalog.open(bigCatalog)) {
            new Indexer(IndexOptions.defaults().withThreads(2)).index(catalog, root, Progress.NONE);
        }
    }

    private static boolean hasClass(int i, int classId) {
        return IntStream.range(0, i % 4).anyMatch(k -> 1 + (i + k) % 3 == classId);
    }

    @Test
    void pagesThroughAHundredThousandImagesInPathOrder() throws IOException {
        try (Catalog catalog = Catalog.open(bigCatalog)) {
            GalleryQuery query = new GalleryQuery(catalog);
            assertEquals(BIG, query.select(ImageFilter.ALL));

            List<GalleryItem> page = query.page(50_000, 1000);
            assertEquals(1000, page.size());
            for (int j = 0; j < page.size(); j++) {
                GalleryItem item = page.get(j);
                int i = 50_000 + j;
                assertEquals(i, item.index());
                assertEquals(String.format("%06d.jpg", i), item.fileName());
                assertEquals(i % 4, item.boxCount());
                assertEquals(i % 4, item.boxes().size());
                assertEquals(640, item.width());
            }
            // An independent oracle: plain OFFSET over the images table.
            assertEquals(catalog.query("SELECT path FROM images ORDER BY path LIMIT 1 OFFSET 73210", r -> r.getString(1)),
                    List.of(query.page(73_210, 1).get(0).path()));
            assertEquals(40, query.page(BIG - 40, 1000).size(), "the last page is short");
            assertTrue(query.page(BIG, 1000).isEmpty());
        }
    }

    @Test
    void preparedPagesAreTheSameAsPlainPagesForAnyFilter() throws IOException {
        try (Catalog catalog = Catalog.open(bigCatalog)) {
            GalleryQuery query = new GalleryQuery(catalog);
            ImageFilter person = ImageFilter.ALL.withClasses(Set.of(3), false);
            query.select(person);
            List<GalleryItem> plain = query.page(20_000, 700);
            List<GalleryItem> plainAll = new java.util.ArrayList<>();
            query.select(ImageFilter.ALL);
            plainAll.addAll(query.page(0, 300));
            plainAll.addAll(query.page(BIG - 50, 1000));

            query.prepare();
            assertEquals(BIG, query.size(), "the selection is made again with the same filter");
            assertEquals(plainAll.subList(0, 300), query.page(0, 300));
            assertEquals(plainAll.subList(300, 350), query.page(BIG - 50, 1000));
            assertTrue(query.page(BIG, 1000).isEmpty());
            query.select(person);
            assertEquals(plain, query.page(20_000, 700));
            assertEquals(0, query.select(ImageFilter.ALL.withSplit("val")));
            assertTrue(query.page(0, 1000).isEmpty());
        }
    }

    @Test
    void filtersAndPagesTheFilteredSelection() throws IOException {
        try (Catalog catalog = Catalog.open(bigCatalog)) {
            GalleryQuery query = new GalleryQuery(catalog);
            List<Integer> withPerson = IntStream.range(0, BIG).filter(i -> hasClass(i, 3)).boxed().toList();
            assertEquals(withPerson.size(), query.select(ImageFilter.ALL.withClasses(Set.of(3), false)));
            List<GalleryItem> page = query.page(20_000, 500);
            for (int j = 0; j < page.size(); j++) {
                assertEquals(String.format("%06d.jpg", withPerson.get(20_000 + j)), page.get(j).fileName());
            }

            long all3 = IntStream.range(0, BIG).filter(i -> hasClass(i, 1) && hasClass(i, 2) && hasClass(i, 3)).count();
            assertEquals(all3, query.count(ImageFilter.ALL.withClasses(Set.of(1, 2, 3), true)));
            long any12 = IntStream.range(0, BIG).filter(i -> hasClass(i, 1) || hasClass(i, 2)).count();
            assertEquals(any12, query.count(ImageFilter.ALL.withClasses(Set.of(1, 2), false)));
            assertEquals(BIG / 2, query.count(ImageFilter.ALL.withBoxCount(2, -1)));
            assertEquals(BIG / 4, query.count(ImageFilter.ALL.withBoxCount(0, 0)));
            // Sides 10, 30, 50: a box of 30..40 px exists in images with at least two boxes.
            assertEquals(BIG / 2, query.count(ImageFilter.ALL.withBoxSide(30, 40)));
            // "01234" is in the names 001234 and 012340..012349.
            assertEquals(11, query.count(ImageFilter.ALL.withName("01234")));
            assertEquals(BIG, query.count(ImageFilter.ALL.withProblemKind("MISSING_IMAGE")));
            assertEquals(0, query.count(ImageFilter.ALL.withSplit("val")));
        }
    }

    @Test
    void filtersBySplitProblemAndNameOnSmallDataset(@TempDir Path dir) throws IOException {
        CocoFixture coco = new CocoFixture(dir.resolve("data")).categories("car", "tree");
        int a = coco.image("train", "Alpha.jpg", 100, 80);
        int b = coco.image("train", "beta.jpg", 100, 80);
        int c = coco.image("val", "gamma.jpg", 100, 80);
        coco.missingImage("val", "delta.jpg", 100, 80);
        coco.box(a, 1, 10, 10, 20, 20).box(a, 2, 0, 0, 10, 10).box(b, 2, 90, 70, 40, 40).box(c, 1, 1, 1, 2, 2);
        Path root = coco.write();
        try (Catalog catalog = Catalog.open(dir.resolve("c.duckdb"))) {
            new Indexer(IndexOptions.defaults().withThreads(2)).index(catalog, root, Progress.NONE);
            GalleryQuery query = new GalleryQuery(catalog);
            assertEquals(List.of("train", "val"), query.splits());
            assertEquals(2, query.select(ImageFilter.ALL.withSplit("val")));
            assertEquals(List.of("delta.jpg", "gamma.jpg"),
                    query.page(0, 10).stream().map(GalleryItem::fileName).toList());
            assertEquals(1, query.count(ImageFilter.ALL.withName("ALPHA")));
            assertEquals(1, query.count(ImageFilter.ALL.withClasses(Set.of(1, 2), true)));
            assertEquals(1, query.count(ImageFilter.ALL.withProblemKind("BOX_OUT_OF_BOUNDS")));
            // beta (box out of bounds) and delta (missing); gamma has none, alpha none.
            assertEquals(2, query.count(ImageFilter.ALL.withProblemKind(ImageFilter.ANY_PROBLEM)));
            assertTrue(query.problemKinds().containsKey("MISSING_IMAGE"));
            GalleryItem alpha = query.select(ImageFilter.ALL.withName("alpha")) == 1 ? query.page(0, 1).get(0) : null;
            assertEquals(2, alpha.boxes().size());
            assertEquals(0, alpha.problems());
            assertTrue(alpha.present());
        }
    }

    @Test
    void pagesCarryTheExifOrientationOfEachImage(@TempDir Path dir) throws IOException {
        CocoFixture coco = new CocoFixture(dir.resolve("data")).categories("car");
        int plain = coco.image("train", "plain.jpg", 40, 30);
        int rotated = coco.image("train", "rotated.jpg", 40, 30);
        coco.box(plain, 1, 1, 1, 5, 5).box(rotated, 1, 1, 1, 5, 5);
        Path root = coco.write();
        Path jpeg = root.resolve("images/train/rotated.jpg");
        java.nio.file.Files.write(jpeg, loupe.testing.ExifJpegs.withOrientation(java.nio.file.Files.readAllBytes(jpeg), 6));
        try (Catalog catalog = Catalog.open(dir.resolve("c.duckdb"))) {
            new Indexer(IndexOptions.defaults().withThreads(2)).index(catalog, root, Progress.NONE);
            GalleryQuery query = new GalleryQuery(catalog);
            query.select(ImageFilter.ALL);
            List<GalleryItem> plainPage = query.page(0, 10);
            query.prepare();
            List<GalleryItem> preparedPage = query.page(0, 10);
            for (List<GalleryItem> page : List.of(plainPage, preparedPage)) {
                assertEquals(List.of("plain.jpg", "rotated.jpg"), page.stream().map(GalleryItem::fileName).toList());
                assertTrue(page.get(0).orientation() <= 1, "no EXIF: " + page.get(0).orientation());
                assertEquals(6, page.get(1).orientation());
                assertEquals(40, page.get(1).width(), "the size stays the stored one");
            }
        }
    }
}
