package loupe.ui.browse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.Indexer;
import loupe.core.query.CatalogSession;
import loupe.core.query.ImageFilter;
import loupe.core.task.Progress;
import loupe.testing.CocoFixture;
import loupe.ui.fx.Notifications;

/** The gallery's model without a toolkit: catalog work runs when the test says so, callbacks at once. */
class GalleryViewModelTest {

    @TempDir
    static Path dir;

    private static Path root;
    private static Path file;

    private final Deque<Runnable> catalogQueue = new ArrayDeque<>();
    private final Executor catalogThread = catalogQueue::add;
    private CatalogSession session;
    private GalleryViewModel model;
    private final Notifications notifications = new Notifications();

    /** 2,500 images (3 pages): image i has i % 3 boxes of class 1 + i % 2; names %05d.jpg, all missing. */
    @BeforeAll
    static void index() throws IOException {
        CocoFixture coco = new CocoFixture(dir.resolve("data")).categories("car", "tree");
        for (int i = 0; i < 2500; i++) {
            int id = coco.missingImage("train", String.format("%05d.jpg", i), 100, 100);
            for (int k = 0; k < i % 3; k++) {
                coco.box(id, 1 + i % 2, 1, 1, 10, 10);
            }
        }
        root = coco.write();
        file = dir.resolve("c.duckdb");
        try (Catalog catalog = Catalog.open(file)) {
            new Indexer(IndexOptions.defaults().withThreads(2)).index(catalog, root, Progress.NONE);
        }
    }

    @BeforeEach
    void open() {
        session = new CatalogSession(catalogThread);
        session.open(file);
        model = new GalleryViewModel(session, Runnable::run, notifications);
    }

    @AfterEach
    void close() {
        session.close();
        runCatalog();
    }

    private void runCatalog() {
        while (!catalogQueue.isEmpty()) {
            catalogQueue.poll().run();
        }
    }

    @Test
    void isOpeningUntilTheSelectionIsKnownAndHandsTheFirstPageToItsListenerOnTheCatalogThread() {
        List<String> heard = new ArrayList<>();
        model.setOnFirstPageRead((r, items) -> heard.add(r + " " + items.size() + " " + items.get(0).path()
                + " count then " + model.getCount()));
        assertFalse(model.isOpening());

        model.load(root, List.of());
        assertTrue(model.isOpening());
        assertTrue(heard.isEmpty(), "nothing read before the catalog thread runs");
        runCatalog();

        assertFalse(model.isOpening());
        assertEquals(2500, model.getCount());
        assertEquals(List.of(root + " " + GalleryViewModel.PAGE_SIZE + " images/train/00000.jpg count then 0"), heard,
                "heard once, on the catalog thread, before the model took the page");

        model.setFilter(ImageFilter.ALL.withName("0001"));
        runCatalog();
        assertEquals(1, heard.size(), "only a dataset's first page, not a refiltered one");
        assertFalse(model.isOpening());

        model.load(root, List.of());
        model.clear();
        assertFalse(model.isOpening(), "closing the dataset ends the opening");
    }

    @Test
    void countsFiltersAndPagesItemsOnDemand() {
        model.load(root, List.of(new GalleryViewModel.ClassOption(1, "car")));
        assertEquals("Counting\u2026", model.getCountText());
        runCatalog();
        assertEquals(2500, model.getCount());
        assertEquals("2,500 images", model.getCountText());

        List<Long> arrived = new ArrayList<>();
        model.addPageListener(arrived::add);
        assertNull(model.item(1234), "not read yet");
        runCatalog();
        assertEquals(List.of(1L), arrived);
        assertEquals("01234.jpg", model.item(1234).fileName());
        assertEquals(1234 % 3, model.item(1234).boxCount());

        model.filterByClasses(Set.of(1), false);
        runCatalog();
        // Class 1 (car) is on even images with boxes: i % 2 == 0 and i % 3 != 0.
        long cars = java.util.stream.IntStream.range(0, 2500).filter(i -> i % 2 == 0 && i % 3 != 0).count();
        assertEquals(cars, model.getCount());
        assertEquals(String.format("%,d of 2,500 images", cars), model.getCountText());
        model.filterByName("0001");
        runCatalog();
        assertEquals(ImageFilter.ALL.withClasses(Set.of(1), false).withName("0001"), model.getFilter());
    }

    @Test
    void ignoresResultsOfAnOlderFilter() {
        model.load(root, List.of());
        runCatalog();
        model.filterByBoxCount(2, -1);
        model.filterByBoxCount(0, 0);
        runCatalog();
        // Both selections ran; only the last one's count is shown.
        assertEquals(834, model.getCount()); // i % 3 == 0 for i in 0..2499
    }

    @Test
    void dropsPageRequestsForRowsScrolledAway() {
        model.load(root, List.of());
        runCatalog();
        List<Long> arrived = new ArrayList<>();
        model.addPageListener(arrived::add);
        model.setVisibleRange(0, 50);
        assertNull(model.item(2400));
        runCatalog();
        assertTrue(arrived.isEmpty(), "page 2 was scrolled away before its turn and is not read");
        model.setVisibleRange(2380, 2450);
        assertNull(model.item(2400));
        runCatalog();
        assertEquals(List.of(2L), arrived);
        assertNotNull(model.item(2400));
    }

    @Test
    void readsTheNextPageAheadWhenScrollingDown() {
        model.load(root, List.of()); // reads page 0 with the count
        runCatalog();
        List<Long> arrived = new ArrayList<>();
        model.addPageListener(arrived::add);
        model.setVisibleRange(1700, 1800);
        model.setVisibleRange(1800, 1900);
        assertNull(model.item(1850));
        runCatalog();
        assertEquals(List.of(1L, 2L), arrived, "page 1, then page 2 ahead of it");
        model.item(1100);
        runCatalog();
        assertEquals(List.of(1L, 2L), arrived, "scrolling down, page 0 (cached anyway) is not asked for again");
    }

    @Test
    void readsThePreviousPageAheadWhenScrollingUp() {
        model.load(root, List.of());
        runCatalog();
        List<Long> arrived = new ArrayList<>();
        model.addPageListener(arrived::add);
        model.setVisibleRange(2300, 2400);
        model.setVisibleRange(2050, 2150);
        assertNull(model.item(2100));
        runCatalog();
        assertEquals(List.of(2L, 1L), arrived, "page 2, then page 1 above it");
    }

    @Test
    void doesNotReadAheadAgainstTheScrollDirection() {
        model.load(root, List.of());
        runCatalog();
        List<Long> arrived = new ArrayList<>();
        model.addPageListener(arrived::add);
        model.setVisibleRange(1900, 2000);
        model.setVisibleRange(1800, 1900); // up, near the end of page 1
        assertNull(model.item(1850));
        runCatalog();
        assertEquals(List.of(1L), arrived, "page 2 below is not read ahead while scrolling up");
    }

    @Test
    void selectsAndMovesTheSelection() {
        model.load(root, List.of());
        runCatalog();
        model.item(0);
        runCatalog();
        model.select(5);
        assertEquals("00005.jpg", model.getSelected().fileName());
        model.selectRelative(-10);
        assertEquals(0, model.getSelectedIndex());
        model.selectRelative(3);
        assertEquals("00003.jpg", model.getSelected().fileName());
    }
}
