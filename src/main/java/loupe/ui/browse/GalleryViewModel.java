package loupe.ui.browse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import loupe.core.query.CatalogSession;
import loupe.core.query.GalleryItem;
import loupe.core.query.ImageFilter;
import loupe.ui.fx.Notification;
import loupe.ui.fx.Notifications;

/**
 * The gallery's state: the filter, how many images match, the selected image, and a cache of pages of
 * {@link #PAGE_SIZE} items read from the catalog on demand. Nothing is materialised for the whole dataset: a
 * million-image selection is a TEMP table in the catalog, and only the pages around the visible rows are held.
 *
 * <p>FX thread only (or the test thread): catalog work runs on the {@link CatalogSession}'s thread, results come
 * back through {@code fx}. A generation counter, bumped by every filter change and reload, makes late results of
 * older requests harmless; page requests for rows scrolled away are dropped before they query.
 */
public final class GalleryViewModel {

    private static final Logger LOG = LoggerFactory.getLogger(GalleryViewModel.class);

    /** Items per page read from the catalog. */
    public static final int PAGE_SIZE = 1000;
    /** Pages kept in memory (an LRU); a page of 1,000 items with boxes is a few hundred KB. */
    static final int MAX_CACHED_PAGES = 24;

    /** A class as the filter offers it. */
    public record ClassOption(int id, String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final CatalogSession session;
    private final Executor fx;
    private final Notifications notifications;

    private final ReadOnlyObjectWrapper<ImageFilter> filter = new ReadOnlyObjectWrapper<>(this, "filter",
            ImageFilter.ALL);
    private final ReadOnlyLongWrapper count = new ReadOnlyLongWrapper(this, "count", 0);
    private final ReadOnlyLongWrapper total = new ReadOnlyLongWrapper(this, "total", 0);
    private final ReadOnlyStringWrapper countText = new ReadOnlyStringWrapper(this, "countText", "");
    private final ReadOnlyIntegerWrapper selectionVersion = new ReadOnlyIntegerWrapper(this, "selectionVersion");
    /** True from {@link #load} until its selection is known. */
    private final ReadOnlyBooleanWrapper opening = new ReadOnlyBooleanWrapper(this, "opening");
    private final ReadOnlyObjectWrapper<GalleryItem> selected = new ReadOnlyObjectWrapper<>(this, "selected");
    private final ReadOnlyObjectWrapper<Path> root = new ReadOnlyObjectWrapper<>(this, "root");
    private final DoubleProperty cellSize = new SimpleDoubleProperty(this, "cellSize", 176);
    private final BooleanProperty showBoxes = new SimpleBooleanProperty(this, "showBoxes", true);
    private final ObservableList<ClassOption> classes = FXCollections.observableArrayList();
    private final ObservableList<String> splits = FXCollections.observableArrayList();
    private final ObservableList<String> problemKinds = FXCollections.observableArrayList();

    private final Map<Long, List<GalleryItem>> pages = new LinkedHashMap<>(32, 0.75f, true);
    private final Set<Long> pending = new HashSet<>();
    private final List<LongConsumer> pageListeners = new ArrayList<>();
    private long generation;
    /** Copies for the catalog thread. */
    private volatile long requestGeneration;
    private volatile long wantedFrom;
    private volatile long wantedTo = Long.MAX_VALUE;
    /** Which way the visible rows last moved: -1 up, 1 down, 0 not yet. FX thread. */
    private int scrollDirection;
    private long selectedIndex = -1;
    /** True once a page of the current dataset arrived; read by other threads (see {@link #hasShownAPage}). */
    private volatile boolean pageShown;
    /** The session's page table is asked for once per dataset, after the first page (see GalleryQuery.prepare). */
    private boolean prepareRequested;

    /**
     * @param session       the open catalog's queries
     * @param fx            runs result callbacks on the FX thread ({@code Platform::runLater}; direct in tests)
     * @param notifications where failures are shown
     */
    public GalleryViewModel(CatalogSession session, Executor fx, Notifications notifications) {
        this.session = session;
        this.fx = fx;
        this.notifications = notifications;
    }

    /**
     * Shows the dataset at {@code datasetRoot}, whose catalog the session has open: reads the splits and problem
     * kinds and selects with the current filter.
     */
    public void load(Path datasetRoot, List<ClassOption> classOptions) {
        long gen = restart();
        prepareRequested = false;
        root.set(datasetRoot);
        classes.setAll(classOptions);
        ImageFilter current = filter.get();
        countText.set("Counting\u2026");
        opening.set(true);
        long started = System.nanoTime();
        session.submit(open -> {
            long all = open.catalog().queryLong("SELECT count(*) FROM images");
            List<String> s = open.gallery().splits();
            List<String> kinds = new ArrayList<>(open.gallery().problemKinds().keySet());
            long n = open.gallery().select(current);
            // The first page in the same turn: no round trip through the FX thread and the queue before it.
            List<GalleryItem> first = n > 0 ? open.gallery().page(0, PAGE_SIZE) : List.of();
            firstPageRead(datasetRoot, first);
            return new Loaded(all, n, s, kinds, first);
        }).whenCompleteAsync((loaded, error) -> {
            if (gen != generation) {
                return;
            }
            if (error != null) {
                opening.set(false);
                failed("Cannot read the gallery from the catalog.", error);
                return;
            }
            LOG.debug("Gallery of {} images selected in {} ms", loaded.count(), (System.nanoTime() - started) / 1_000_000);
            total.set(loaded.total());
            splits.setAll(loaded.splits());
            problemKinds.setAll(loaded.kinds());
            if (!loaded.first().isEmpty()) {
                pages.put(0L, loaded.first());
            }
            selected(loaded.count());
            if (!loaded.first().isEmpty()) {
                arrived(0);
            }
        }, fx);
    }

    /**
     * Hears the first page of a dataset being opened on the catalog thread, before the FX thread gets it: the
     * view starts reading the first screen's thumbnails from the disk cache there, so that most of them are in
     * memory when the tiles ask for them.
     */
    public void setOnFirstPageRead(java.util.function.BiConsumer<Path, List<GalleryItem>> listener) {
        firstPageRead = listener;
    }

    private volatile java.util.function.BiConsumer<Path, List<GalleryItem>> firstPageRead;

    private void firstPageRead(Path datasetRoot, List<GalleryItem> first) {
        java.util.function.BiConsumer<Path, List<GalleryItem>> listener = firstPageRead;
        if (listener == null || first.isEmpty()) {
            return;
        }
        try {
            listener.accept(datasetRoot, first);
        } catch (RuntimeException e) {
            LOG.warn("Cannot prefetch the first thumbnails", e); // only a head start: the tiles ask anyway
        }
    }

    private record Loaded(long total, long count, List<String> splits, List<String> kinds,
                          List<GalleryItem> first) {
    }

    /** Forgets the dataset (while another is indexed). */
    public void clear() {
        restart();
        opening.set(false);
        root.set(null);
        total.set(0);
        count.set(0);
        countText.set("");
        splits.clear();
        problemKinds.clear();
        classes.clear();
        selected.set(null);
        selectedIndex = -1;
        selectionVersion.set(selectionVersion.get() + 1);
    }

    /** Filters the gallery; the count and the grid update when the catalog has made the selection. */
    public void setFilter(ImageFilter value) {
        if (value.equals(filter.get())) {
            return;
        }
        filter.set(value);
        if (root.get() == null) {
            return;
        }
        long gen = restart();
        countText.set("Counting\u2026");
        session.submit(open -> open.gallery().select(value)).whenCompleteAsync((n, error) -> {
            if (gen != generation) {
                return;
            }
            if (error != null) {
                failed("Cannot filter the gallery.", error);
                return;
            }
            selected(n);
        }, fx);
    }

    private long restart() {
        pageShown = false;
        generation++;
        requestGeneration = generation;
        pages.clear();
        pending.clear();
        return generation;
    }

    private void selected(long n) {
        opening.set(false);
        count.set(n);
        countText.set(describeCount(n, total.get()));
        selectedIndex = -1;
        selectionVersion.set(selectionVersion.get() + 1);
    }

    /** "36 images", "12 of 36 images". */
    static String describeCount(long n, long all) {
        String noun = all == 1 ? "image" : "images";
        return n == all ? String.format(Locale.ROOT, "%,d %s", n, noun)
                : String.format(Locale.ROOT, "%,d of %,d %s", n, all, noun);
    }

    private void failed(String message, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        LOG.warn("{}", message, cause);
        countText.set("");
        notifications.post(Notification.error(message, cause));
    }

    /**
     * The item at {@code index} of the selection, or null while its page is being read (the page is requested
     * then; {@link #addPageListener} hears when it arrives). Also reads ahead the next page near a page's end.
     */
    public GalleryItem item(long index) {
        if (index < 0 || index >= count.get()) {
            return null;
        }
        long page = index / PAGE_SIZE;
        List<GalleryItem> items = pages.get(page);
        if (items == null) {
            request(page);
        }
        // Read ahead in the direction of scrolling: the next page near a page's end, the previous near its start.
        long offsetInPage = index % PAGE_SIZE;
        if (scrollDirection >= 0 && offsetInPage > PAGE_SIZE * 3 / 4 && (page + 1) * PAGE_SIZE < count.get()) {
            request(page + 1);
        } else if (scrollDirection < 0 && offsetInPage < PAGE_SIZE / 4 && page > 0) {
            request(page - 1);
        }
        if (items == null) {
            return null;
        }
        int offset = (int) (index - page * PAGE_SIZE);
        return offset < items.size() ? items.get(offset) : null;
    }

    private void request(long page) {
        if (pages.containsKey(page) || !pending.add(page)) {
            return;
        }
        long gen = generation;
        long started = System.nanoTime();
        session.submit(open -> {
            // Scrolled away or refiltered while queued: drop it; it is asked for again if it comes back.
            if (gen != requestGeneration || !wanted(page)) {
                return null;
            }
            return open.gallery().page(page * PAGE_SIZE, PAGE_SIZE);
        }).whenCompleteAsync((items, error) -> {
            if (gen != generation) {
                return;
            }
            pending.remove(page);
            if (error != null) {
                failed("Cannot read images from the catalog.", error);
                return;
            }
            if (items == null) {
                return;
            }
            LOG.debug("Page {} read in {} ms", page, (System.nanoTime() - started) / 1_000_000);
            pages.put(page, items);
            while (pages.size() > MAX_CACHED_PAGES) {
                Long eldest = pages.keySet().iterator().next();
                pages.remove(eldest);
            }
            arrived(page);
        }, fx);
    }

    /** Page {@code page} is in the cache: tells the listeners, and after the first asks for the page table. */
    private void arrived(long page) {
        pageShown = true;
        for (LongConsumer l : List.copyOf(pageListeners)) {
            l.accept(page);
        }
        if (!prepareRequested) {
            // After the first page, not before: it takes a second or two on a million images.
            prepareRequested = true;
            session.submit(open -> {
                long t0 = System.nanoTime();
                open.gallery().prepare();
                LOG.debug("Gallery page table made in {} ms", (System.nanoTime() - t0) / 1_000_000);
                return null;
            }).whenComplete((v, e) -> {
                if (e != null) {
                    LOG.warn("Cannot make the gallery's page table; pages are read without it", e);
                }
            });
        }
    }

    private boolean wanted(long page) {
        long from = page * PAGE_SIZE;
        long to = from + PAGE_SIZE;
        return to + PAGE_SIZE > wantedFrom && from - PAGE_SIZE < wantedTo;
    }

    /**
     * True once a page of the current dataset and filter arrived. Thread-safe: background work that should not
     * compete with the first screen of the gallery waits for it.
     */
    public boolean hasShownAPage() {
        return pageShown;
    }

    /** The view says which items are on screen (inclusive); pages far from them are not read. */
    public void setVisibleRange(long from, long to) {
        if (from != wantedFrom) {
            scrollDirection = from > wantedFrom ? 1 : -1;
        }
        wantedFrom = from;
        wantedTo = to;
    }

    /** Called with a page number when that page has arrived (on the FX thread). */
    public void addPageListener(LongConsumer listener) {
        pageListeners.add(listener);
    }

    /** Selects the item at {@code index} (when its page is loaded; else nothing happens). */
    public void select(long index) {
        GalleryItem item = item(index);
        if (item != null) {
            selectedIndex = index;
            selected.set(item);
        }
    }

    /** Moves the selection by {@code delta} items (clamped to the selection); selects the first if none. */
    public void selectRelative(long delta) {
        long n = count.get();
        if (n == 0) {
            return;
        }
        long target = selectedIndex < 0 ? 0 : Math.max(0, Math.min(n - 1, selectedIndex + delta));
        select(target);
    }

    public long getSelectedIndex() {
        return selectedIndex;
    }

    // ------------------------------------------------------------------ filter helpers for the view

    public void filterByClasses(Set<Integer> ids, boolean all) {
        setFilter(filter.get().withClasses(ids, all));
    }

    public void filterBySplit(String split) {
        setFilter(filter.get().withSplit(split));
    }

    public void filterByProblem(String kind) {
        setFilter(filter.get().withProblemKind(kind));
    }

    public void filterByName(String text) {
        setFilter(filter.get().withName(text));
    }

    public void filterByBoxCount(int min, int max) {
        setFilter(filter.get().withBoxCount(min, max));
    }

    public void filterByBoxSide(double minPx, double maxPx) {
        setFilter(filter.get().withBoxSide(minPx, maxPx));
    }

    public void resetFilter() {
        setFilter(ImageFilter.ALL);
    }

    // ------------------------------------------------------------------ properties

    public ReadOnlyObjectProperty<ImageFilter> filterProperty() {
        return filter.getReadOnlyProperty();
    }

    public ImageFilter getFilter() {
        return filter.get();
    }

    /** Images the filter lets through (0 while nothing is loaded). */
    public ReadOnlyLongProperty countProperty() {
        return count.getReadOnlyProperty();
    }

    public long getCount() {
        return count.get();
    }

    /** All images of the dataset. */
    public ReadOnlyLongProperty totalProperty() {
        return total.getReadOnlyProperty();
    }

    /** "1,204 of 36,000 images", "Counting…" while the catalog works. */
    public ReadOnlyStringProperty countTextProperty() {
        return countText.getReadOnlyProperty();
    }

    public String getCountText() {
        return countText.get();
    }

    public ReadOnlyBooleanProperty openingProperty() {
        return opening.getReadOnlyProperty();
    }

    /**
     * True while a dataset's gallery is being opened: {@link #load} was called and its selection is not known
     * yet (the count is 0 until then). The view prepares its rows meanwhile.
     */
    public boolean isOpening() {
        return opening.get();
    }

    /** Bumped whenever the selection is replaced: the view rebuilds its rows. */
    public ReadOnlyIntegerProperty selectionVersionProperty() {
        return selectionVersion.getReadOnlyProperty();
    }

    /** The selected image (the viewer shows it), or null. */
    public ReadOnlyObjectProperty<GalleryItem> selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    public GalleryItem getSelected() {
        return selected.get();
    }

    /** The dataset root the items' paths are relative to, or null. */
    public ReadOnlyObjectProperty<Path> rootProperty() {
        return root.getReadOnlyProperty();
    }

    public Path getRoot() {
        return root.get();
    }

    /** Side of a thumbnail cell in px (the slider). */
    public DoubleProperty cellSizeProperty() {
        return cellSize;
    }

    public BooleanProperty showBoxesProperty() {
        return showBoxes;
    }

    public ObservableList<ClassOption> getClasses() {
        return classes;
    }

    public ObservableList<String> getSplits() {
        return splits;
    }

    public ObservableList<String> getProblemKinds() {
        return problemKinds;
    }
}
