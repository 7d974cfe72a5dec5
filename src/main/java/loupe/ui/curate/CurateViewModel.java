package loupe.ui.curate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import loupe.core.curation.CurationSession;
import loupe.core.curation.Preview;
import loupe.core.curation.Recipe;
import loupe.core.index.Catalog;
import loupe.core.task.Progress;
import loupe.ui.fx.JobRunner;

/**
 * The Curate view's state: a recipe being edited (classes to keep, drop or rename, splits to keep, caps,
 * oversampling, how to split) and the {@link Preview} of what it makes of the dataset.
 *
 * <p><b>Threads.</b> Properties are read and written on the FX thread. Every edit schedules an evaluation on the
 * {@code worker} (a single thread the caller owns, which also owns the {@link CurationSession}: sessions are not
 * thread-safe) after {@value #DEBOUNCE_MILLIS} ms of quiet; an evaluation made stale by a newer edit is cancelled,
 * and a stale result is dropped rather than shown. Results come back through {@code fxThread}
 * ({@code Platform::runLater} in the app, {@code Runnable::run} in tests). Recipe files are read and written on
 * the worker too.
 *
 * <p>Parts of a loaded recipe this editor has no control for (class, problem, size and path filters, grouping,
 * oversampling limits) are kept and saved back unchanged.
 */
public final class CurateViewModel {

    private static final Logger LOG = LoggerFactory.getLogger(CurateViewModel.class);

    /** Quiet time after an edit before the preview is recomputed. */
    public static final long DEBOUNCE_MILLIS = 300;

    /** How the result is split. */
    public enum SplitMethod {
        KEEP("Keep the source's splits", "keep"), RANDOM("Random", "random"), STRATIFIED("Stratified by class",
                "stratified");

        private final String label;
        private final String id;

        SplitMethod(String label, String id) {
            this.label = label;
            this.id = id;
        }

        /** The recipe's name for it. */
        public String id() {
            return id;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** What a cap or an oversampling target counts. */
    public enum CountBy {
        IMAGES, INSTANCES;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One source class in the editor. */
    public static final class ClassRow {
        private final int id;
        private final String sourceName;
        private final long instances;
        private final long images;
        private final BooleanProperty keep = new SimpleBooleanProperty(this, "keep", true);
        private final BooleanProperty dropImages = new SimpleBooleanProperty(this, "dropImages", false);
        private final StringProperty newName = new SimpleStringProperty(this, "newName", "");

        public ClassRow(int id, String sourceName, long instances, long images) {
            this.id = id;
            this.sourceName = sourceName;
            this.instances = instances;
            this.images = images;
        }

        public int id() {
            return id;
        }

        public String sourceName() {
            return sourceName;
        }

        /** Instances in the source. */
        public long instances() {
            return instances;
        }

        /** Images with the class in the source. */
        public long images() {
            return images;
        }

        /** Unticked: the class's annotations are dropped. */
        public BooleanProperty keepProperty() {
            return keep;
        }

        /** Ticked: images with this class are dropped altogether. */
        public BooleanProperty dropImagesProperty() {
            return dropImages;
        }

        /** A new name; blank keeps the source name. Classes given the same name are merged. */
        public StringProperty newNameProperty() {
            return newName;
        }

        /** The name after renaming. */
        public String effectiveName() {
            String n = newName.get();
            return n == null || n.isBlank() ? sourceName : n.trim();
        }
    }

    /** One source split, kept or filtered out. */
    public static final class SplitRow {
        private final String name;
        private final long images;
        private final BooleanProperty keep = new SimpleBooleanProperty(this, "keep", true);

        public SplitRow(String name, long images) {
            this.name = name;
            this.images = images;
        }

        /** The split's name; "" for images without a split. */
        public String name() {
            return name;
        }

        public long images() {
            return images;
        }

        public BooleanProperty keepProperty() {
            return keep;
        }
    }

    /** One split of the result and its share, for the random and stratified methods. */
    public static final class RatioRow {
        private final StringProperty name = new SimpleStringProperty(this, "name");
        private final DoubleProperty share = new SimpleDoubleProperty(this, "share");

        public RatioRow(String name, double share) {
            this.name.set(name);
            this.share.set(share);
        }

        public StringProperty nameProperty() {
            return name;
        }

        public DoubleProperty shareProperty() {
            return share;
        }
    }

    private final Catalog catalog;
    private final ScheduledExecutorService worker;
    private final Executor fxThread;
    private final JobRunner exports;

    private final ObservableList<ClassRow> classRows = FXCollections.observableArrayList();
    private final ObservableList<SplitRow> splitRows = FXCollections.observableArrayList();
    private final ObservableList<RatioRow> ratioRows = FXCollections.observableArrayList(
            r -> new Observable[] {r.nameProperty(), r.shareProperty()});
    private final BooleanProperty dropEmptyImages = new SimpleBooleanProperty(this, "dropEmptyImages", false);
    private final ObjectProperty<CountBy> capBy = new SimpleObjectProperty<>(this, "capBy", CountBy.IMAGES);
    private final IntegerProperty cap = new SimpleIntegerProperty(this, "cap", 0);
    private final ObjectProperty<CountBy> oversampleBy = new SimpleObjectProperty<>(this, "oversampleBy", CountBy.IMAGES);
    private final DoubleProperty oversampleTarget = new SimpleDoubleProperty(this, "oversampleTarget", 0);
    private final ObjectProperty<SplitMethod> splitMethod = new SimpleObjectProperty<>(this, "splitMethod",
            SplitMethod.KEEP);
    private final LongProperty seed = new SimpleLongProperty(this, "seed", 0);

    private final ReadOnlyObjectWrapper<Preview> preview = new ReadOnlyObjectWrapper<>(this, "preview");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper(this, "error", "");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyBooleanWrapper ready = new ReadOnlyBooleanWrapper(this, "ready");

    private final AtomicLong generation = new AtomicLong();
    private ScheduledFuture<?> pending;
    private boolean applying;
    /** The last loaded recipe: its parts without controls here are kept. */
    private Recipe base = Recipe.EMPTY;
    private Path root;
    private String format;
    /** Owned by the worker thread. */
    private CurationSession session;
    private final AtomicLong evaluations = new AtomicLong();

    /**
     * @param catalog  an indexed catalog (read on the worker: its metadata, and a session of its own)
     * @param worker   a single-thread executor the caller owns and shuts down (after {@link #close})
     * @param fxThread runs result callbacks on the FX thread
     * @param exports  runs the export jobs
     */
    public CurateViewModel(Catalog catalog, ScheduledExecutorService worker, Executor fxThread, JobRunner exports) {
        this.catalog = Objects.requireNonNull(catalog);
        this.worker = Objects.requireNonNull(worker);
        this.fxThread = Objects.requireNonNull(fxThread);
        this.exports = Objects.requireNonNull(exports);
        ratioRows.setAll(new RatioRow("train", 0.8), new RatioRow("val", 0.2), new RatioRow("test", 0));
        // Change listeners, not invalidation listeners: those stay silent until someone reads the value again.
        for (javafx.beans.value.ObservableValue<?> o : List.of(dropEmptyImages, capBy, cap, oversampleBy,
                oversampleTarget, splitMethod, seed)) {
            o.addListener((obs, a, b) -> edited());
        }
        ratioRows.addListener((javafx.collections.ListChangeListener<RatioRow>) c -> edited());
    }

    /**
     * Opens the session and reads the source's classes and splits (on the worker), then shows the first preview.
     * Call once, on the FX thread.
     */
    public void start() {
        busy.set(true);
        status.set("Reading the dataset…");
        long gen = generation.incrementAndGet();
        worker.execute(() -> {
            try {
                Path r = Path.of(catalog.meta("root").orElseThrow(() -> new IOException("the catalog holds no index")));
                String f = catalog.meta("format").orElse(null);
                session = CurationSession.open(catalog);
                Preview source = session.evaluate(Recipe.EMPTY, Progress.NONE);
                evaluations.incrementAndGet();
                fxThread.execute(() -> {
                    root = r;
                    format = f;
                    fill(source);
                    ready.set(true);
                    if (gen == generation.get()) {
                        show(source);
                    } else {
                        schedule(0);
                    }
                });
            } catch (Exception e) {
                LOG.warn("Cannot open a curation session", e);
                fxThread.execute(() -> {
                    busy.set(false);
                    error.set("Cannot read the dataset: " + ExportViewModel.describe(e));
                });
            }
        });
    }

    private void fill(Preview source) {
        Map<Integer, long[]> counts = new LinkedHashMap<>();
        Map<Integer, String> names = new LinkedHashMap<>();
        for (Preview.ClassEntry c : source.classes()) {
            names.put(c.id(), c.name());
            counts.put(c.id(), new long[2]);
        }
        List<SplitRow> splits = new ArrayList<>();
        for (Preview.SplitCounts s : source.before()) {
            splits.add(new SplitRow(s.split() == null ? "" : s.split(), s.distinctImages()));
            for (Preview.ClassCount c : s.classes()) {
                names.putIfAbsent(c.id(), c.name());
                long[] n = counts.computeIfAbsent(c.id(), k -> new long[2]);
                n[0] += c.instances();
                n[1] += c.images();
            }
        }
        applying = true;
        try {
            List<ClassRow> rows = new ArrayList<>();
            names.forEach((id, name) -> rows.add(new ClassRow(id, name, counts.get(id)[0], counts.get(id)[1])));
            for (ClassRow row : rows) {
                row.keepProperty().addListener((o, a, b) -> edited());
                row.dropImagesProperty().addListener((o, a, b) -> edited());
                row.newNameProperty().addListener((o, a, b) -> edited());
            }
            for (SplitRow s : splits) {
                s.keepProperty().addListener((o, a, b) -> edited());
            }
            classRows.setAll(rows);
            splitRows.setAll(splits);
            applyToControls(base);
        } finally {
            applying = false;
        }
    }

    /** Stops pending work and closes the session (on the worker). The worker itself is the caller's. */
    public void close() {
        generation.incrementAndGet();
        if (pending != null) {
            pending.cancel(false);
        }
        try {
            worker.execute(() -> {
                if (session != null) {
                    try {
                        session.close();
                    } catch (IOException e) {
                        LOG.warn("Closing the curation session failed", e);
                    }
                    session = null;
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("worker already shut down; the session closes with the catalog");
        }
    }

    private void edited() {
        if (!applying && ready.get()) {
            schedule(DEBOUNCE_MILLIS);
        }
    }

    /** Recomputes the preview now (still on the worker), e.g. after a failed evaluation. */
    public void refresh() {
        schedule(0);
    }

    private void schedule(long delayMillis) {
        long gen = generation.incrementAndGet();
        if (pending != null) {
            pending.cancel(false);
        }
        Recipe recipe = recipe();
        busy.set(true);
        pending = worker.schedule(() -> evaluate(gen, recipe), delayMillis, TimeUnit.MILLISECONDS);
    }

    /** On the worker. */
    private void evaluate(long gen, Recipe recipe) {
        if (gen != generation.get() || session == null) {
            return;
        }
        Progress progress = new Progress() {
            @Override
            public void update(String phase, long done, long total) {
            }

            @Override
            public boolean isCancelled() {
                return gen != generation.get();
            }
        };
        try {
            // Validates the recipe as a file would be (the same messages the CLI gives).
            Recipe checked = Recipe.parse(recipe.toJson(), null);
            Preview result = session.evaluate(checked, progress);
            evaluations.incrementAndGet();
            fxThread.execute(() -> {
                if (gen == generation.get()) {
                    show(result);
                }
            });
        } catch (CancellationException e) {
            LOG.debug("preview {} superseded", gen);
        } catch (Exception e) {
            fxThread.execute(() -> {
                if (gen == generation.get()) {
                    busy.set(false);
                    error.set(ExportViewModel.describe(e));
                }
            });
        }
    }

    private void show(Preview result) {
        preview.set(result);
        error.set("");
        status.set(String.format(Locale.ROOT, "%,d images, %,d annotations after the recipe (of %,d and %,d)",
                result.imagesAfter(), result.annotationsAfter(),
                result.steps().isEmpty() ? 0 : result.steps().get(0).images(),
                result.steps().isEmpty() ? 0 : result.steps().get(0).annotations()));
        busy.set(false);  // last: "not busy" means everything of this preview is shown
    }

    // ------------------------------------------------------------------------------------------ the recipe

    /** The recipe the controls describe (with the parts of a loaded recipe that have no control kept). */
    public Recipe recipe() {
        Recipe.Filter bf = base.filter();
        List<String> keptSplits = null;
        if (splitRows.stream().anyMatch(s -> !s.keepProperty().get())) {
            keptSplits = splitRows.stream().filter(s -> s.keepProperty().get()).map(SplitRow::name).toList();
            if (keptSplits.isEmpty()) {
                // NOTE: an empty list means "no split filter" in a recipe; a name no image has selects nothing.
                keptSplits = List.of("\u0000none");
            }
        } else if (splitRows.isEmpty() && bf != null) {
            keptSplits = bf.splits();
        }
        Recipe.Filter filter = bf == null && keptSplits == null ? null
                : bf == null ? new Recipe.Filter(null, keptSplits, null, null, null, null, null, null, null, null, null)
                : new Recipe.Filter(bf.classes(), keptSplits, bf.problems(), bf.boxCount(), bf.boxWidth(),
                bf.boxHeight(), bf.boxArea(), bf.imageWidth(), bf.imageHeight(), bf.paths(), bf.tags());

        Map<String, String> rename = new LinkedHashMap<>();
        Set<String> dropBoxes = new LinkedHashSet<>();
        Set<String> dropImages = new LinkedHashSet<>();
        for (ClassRow row : classRows) {
            if (!row.effectiveName().equals(row.sourceName())) {
                rename.put(row.sourceName(), row.effectiveName());
            }
            if (!row.keepProperty().get()) {
                dropBoxes.add(row.effectiveName());
            }
            if (row.dropImagesProperty().get()) {
                dropImages.add(row.effectiveName());
            }
        }
        Recipe.Labels bl = base.labels();
        if (classRows.isEmpty() && bl != null) {
            // Before the classes are known, keep the loaded labels as they are.
            if (bl.rename() != null) {
                rename.putAll(bl.rename());
            }
            if (bl.dropBoxes() != null) {
                dropBoxes.addAll(bl.dropBoxes());
            }
            if (bl.dropImages() != null) {
                dropImages.addAll(bl.dropImages());
            }
        }
        Map<String, List<String>> merge = classRows.isEmpty() && bl != null ? bl.merge() : null;
        Recipe.Labels labels = rename.isEmpty() && dropBoxes.isEmpty() && dropImages.isEmpty() && merge == null
                && !dropEmptyImages.get() ? null
                : new Recipe.Labels(rename.isEmpty() ? null : rename, merge,
                dropBoxes.isEmpty() ? null : List.copyOf(dropBoxes), dropImages.isEmpty() ? null : List.copyOf(dropImages),
                dropEmptyImages.get() ? Boolean.TRUE : null);

        Recipe.Oversample baseOversample = base.balance() == null ? null : base.balance().oversample();
        Recipe.Oversample oversample = oversampleTarget.get() > 0
                ? new Recipe.Oversample(oversampleTarget.get(), oversampleBy.get().toString(),
                baseOversample == null ? null : baseOversample.maxRepeats(),
                baseOversample == null ? null : baseOversample.splits())
                : null;
        Integer maxImages = cap.get() > 0 && capBy.get() == CountBy.IMAGES ? cap.get() : null;
        Integer maxInstances = cap.get() > 0 && capBy.get() == CountBy.INSTANCES ? cap.get() : null;
        Recipe.Balance balance = maxImages == null && maxInstances == null && oversample == null ? null
                : new Recipe.Balance(maxImages, maxInstances, oversample);

        Recipe.Split split = null;
        List<Recipe.GroupRule> groupBy = base.split() == null ? null : base.split().groupBy();
        if (splitMethod.get() != SplitMethod.KEEP) {
            Map<String, Double> ratios = new LinkedHashMap<>();
            for (RatioRow r : ratioRows) {
                String name = r.nameProperty().get() == null ? "" : r.nameProperty().get().trim();
                if (!name.isEmpty() && r.shareProperty().get() > 0) {
                    ratios.merge(name, r.shareProperty().get(), Double::sum);
                }
            }
            split = new Recipe.Split(splitMethod.get().id(), ratios, groupBy);
        } else if (groupBy != null && !groupBy.isEmpty()) {
            split = new Recipe.Split("keep", null, groupBy);
        }
        return new Recipe(Recipe.VERSION, seed.get(), filter, labels, balance, split);
    }

    /** Sets the controls from a recipe (FX thread) and recomputes the preview. */
    public void applyRecipe(Recipe recipe) {
        base = Objects.requireNonNull(recipe);
        applying = true;
        try {
            applyToControls(recipe);
        } finally {
            applying = false;
        }
        if (ready.get()) {
            schedule(0);
        }
    }

    private void applyToControls(Recipe recipe) {
        Recipe.Labels labels = recipe.labels();
        Map<String, String> newNames = new LinkedHashMap<>();
        if (labels != null && labels.rename() != null) {
            newNames.putAll(labels.rename());
        }
        if (labels != null && labels.merge() != null) {
            labels.merge().forEach((to, from) -> from.forEach(old -> newNames.put(old, to)));
        }
        List<String> dropBoxes = labels == null || labels.dropBoxes() == null ? List.of() : labels.dropBoxes();
        List<String> dropImagesList = labels == null || labels.dropImages() == null ? List.of() : labels.dropImages();
        for (ClassRow row : classRows) {
            String to = newNames.get(row.sourceName());
            row.newNameProperty().set(to == null || to.equals(row.sourceName()) ? "" : to);
            // A class id without a name (an unknown class) matches no name list; List.of() rejects null lookups.
            String name = row.effectiveName();
            row.keepProperty().set(name == null || !dropBoxes.contains(name));
            row.dropImagesProperty().set(name != null && dropImagesList.contains(name));
        }
        // Merges are now expressed as renames on the rows; keep them in the base only while no rows exist.
        if (!classRows.isEmpty() && labels != null && labels.merge() != null) {
            base = new Recipe(base.version(), base.seed(), base.filter(), new Recipe.Labels(labels.rename(), null,
                    labels.dropBoxes(), labels.dropImages(), labels.dropEmptyImages()), base.balance(), base.split());
        }
        dropEmptyImages.set(labels != null && Boolean.TRUE.equals(labels.dropEmptyImages()));
        List<String> splits = recipe.filter() == null ? null : recipe.filter().splits();
        for (SplitRow s : splitRows) {
            s.keepProperty().set(splits == null || splits.isEmpty() || splits.contains(s.name()));
        }
        Recipe.Balance b = recipe.balance();
        if (b != null && b.maxInstancesPerClass() != null) {
            capBy.set(CountBy.INSTANCES);
            cap.set(b.maxInstancesPerClass());
        } else if (b != null && b.maxImagesPerClass() != null) {
            capBy.set(CountBy.IMAGES);
            cap.set(b.maxImagesPerClass());
        } else {
            cap.set(0);
        }
        if (b != null && b.oversample() != null && b.oversample().targetRatio() != null) {
            oversampleTarget.set(b.oversample().targetRatio());
            oversampleBy.set("instances".equals(b.oversample().by()) ? CountBy.INSTANCES : CountBy.IMAGES);
        } else {
            oversampleTarget.set(0);
        }
        Recipe.Split s = recipe.split();
        String method = s == null || s.method() == null ? "keep" : s.method();
        splitMethod.set(switch (method) {
            case "random" -> SplitMethod.RANDOM;
            case "stratified" -> SplitMethod.STRATIFIED;
            default -> SplitMethod.KEEP;
        });
        if (s != null && s.ratios() != null && !s.ratios().isEmpty()) {
            List<RatioRow> rows = new ArrayList<>();
            s.ratios().forEach((name, share) -> rows.add(new RatioRow(name, share)));
            while (rows.size() < 3) {
                rows.add(new RatioRow("", 0));
            }
            ratioRows.setAll(rows);
        }
        seed.set(recipe.effectiveSeed());
    }

    /** Reads a recipe file on the worker and applies it; a bad file sets {@link #errorProperty()}. */
    public void loadRecipe(Path file) {
        worker.execute(() -> {
            try {
                Recipe r = Recipe.read(file);
                fxThread.execute(() -> {
                    applyRecipe(r);
                    status.set("Loaded " + file.getFileName());
                });
            } catch (IOException e) {
                fxThread.execute(() -> error.set(ExportViewModel.describe(e)));
            }
        });
    }

    /** Writes the current recipe as JSON on the worker. */
    public void saveRecipe(Path file) {
        String json = recipe().toJson();
        worker.execute(() -> {
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(file, json, StandardCharsets.UTF_8);
                fxThread.execute(() -> status.set("Saved " + file.getFileName()));
            } catch (IOException e) {
                fxThread.execute(() -> error.set("Cannot save the recipe: " + ExportViewModel.describe(e)));
            }
        });
    }

    // ------------------------------------------------------------------------------------------ exports

    private Path requireRoot() {
        if (root == null) {
            throw new IllegalStateException("the dataset is not read yet; wait for readyProperty()");
        }
        return root;
    }

    /** A subset export of the current recipe. */
    public SubsetExportViewModel newSubsetExport() {
        return new SubsetExportViewModel(exports, catalog, requireRoot(), format, this::recipe);
    }

    public ChipExportViewModel newChipExport() {
        return new ChipExportViewModel(exports, catalog, requireRoot());
    }

    public ManifestExportViewModel newManifestExport() {
        return new ManifestExportViewModel(exports, catalog, requireRoot(), this::recipe);
    }

    public ShardExportViewModel newShardExport() {
        return new ShardExportViewModel(exports, catalog, requireRoot(), this::recipe);
    }

    // ------------------------------------------------------------------------------------------ properties

    /** The source classes, by id; filled once the dataset is read. */
    public ObservableList<ClassRow> classRows() {
        return classRows;
    }

    /** The source splits; filled once the dataset is read. */
    public ObservableList<SplitRow> splitRows() {
        return splitRows;
    }

    /** The result's splits and shares (random and stratified methods). */
    public ObservableList<RatioRow> ratioRows() {
        return ratioRows;
    }

    public BooleanProperty dropEmptyImagesProperty() {
        return dropEmptyImages;
    }

    public ObjectProperty<CountBy> capByProperty() {
        return capBy;
    }

    /** At most this many images or instances per class; 0 = no cap. */
    public IntegerProperty capProperty() {
        return cap;
    }

    public ObjectProperty<CountBy> oversampleByProperty() {
        return oversampleBy;
    }

    /** Repeat rare classes' items up to this ratio (0..1] of the largest class in train; 0 = off. */
    public DoubleProperty oversampleTargetProperty() {
        return oversampleTarget;
    }

    public ObjectProperty<SplitMethod> splitMethodProperty() {
        return splitMethod;
    }

    public LongProperty seedProperty() {
        return seed;
    }

    /** The latest preview, or null before the first. */
    public ReadOnlyObjectProperty<Preview> previewProperty() {
        return preview.getReadOnlyProperty();
    }

    public Preview getPreview() {
        return preview.get();
    }

    /** True while a preview is pending or computing. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public boolean isBusy() {
        return busy.get();
    }

    /** Why the recipe cannot be evaluated, or "". */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    public String getError() {
        return error.get();
    }

    /** A one-line summary of the preview, or what happened last (loaded, saved). */
    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** True once the dataset's classes and splits are read and exports can be made. */
    public ReadOnlyBooleanProperty readyProperty() {
        return ready.getReadOnlyProperty();
    }

    public boolean isReady() {
        return ready.get();
    }

    /** How many evaluations completed (tests use it to see that stale ones were dropped). */
    long evaluations() {
        return evaluations.get();
    }
}
