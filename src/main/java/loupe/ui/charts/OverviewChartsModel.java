package loupe.ui.charts;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import loupe.core.stats.BoxStats;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.DatasetStats.ClassCount;
import loupe.core.stats.DatasetStats.ClassRef;
import loupe.core.stats.DatasetStats.SplitCount;
import loupe.core.stats.Imbalance;

/**
 * State of the Overview charts: the statistics shown, and the user's choices (sort order, log scale,
 * instances or images, split). Everything derived ({@link #barsProperty()}, {@link #imbalanceProperty()}, ...)
 * is recomputed whenever the statistics or a choice change. A plain view model: it touches no node, and must be
 * used from one thread (the FX thread in the app). Statistics are computed by the caller, off the FX thread.
 */
public final class OverviewChartsModel {

    /** How the class bars are ordered. */
    public enum SortOrder {
        COUNT("By count"), NAME("By name");

        private final String label;

        SortOrder(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** What a class bar counts. */
    public enum Measure {
        INSTANCES("Instances"), IMAGES("Images");

        private final String label;

        Measure(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** One bar: a class and its count under the current measure and split. */
    public record Bar(int classId, String name, long value) {
    }

    /** A class's instances and share of one split's instances (0..1). */
    public record SplitShare(String split, int classId, String name, long instances, double share) {
    }

    private final ObjectProperty<DatasetStats> stats = new SimpleObjectProperty<>(this, "stats");
    private final ObjectProperty<SortOrder> sortOrder = new SimpleObjectProperty<>(this, "sortOrder", SortOrder.COUNT);
    private final ObjectProperty<Measure> measure = new SimpleObjectProperty<>(this, "measure", Measure.INSTANCES);
    private final BooleanProperty logScale = new SimpleBooleanProperty(this, "logScale");
    /** The split shown, or null for the whole dataset. */
    private final StringProperty split = new SimpleStringProperty(this, "split");
    private final ObservableList<String> splitNames = FXCollections.observableArrayList();
    private final Map<String, DatasetStats> splitStats = new HashMap<>();

    private final ReadOnlyObjectWrapper<List<Bar>> bars = new ReadOnlyObjectWrapper<>(this, "bars", List.of());
    private final ReadOnlyObjectWrapper<List<Bar>> imagesPerClass =
            new ReadOnlyObjectWrapper<>(this, "imagesPerClass", List.of());
    private final ReadOnlyObjectWrapper<Imbalance> imbalance = new ReadOnlyObjectWrapper<>(this, "imbalance");
    private final ReadOnlyObjectWrapper<List<ClassRef>> absentClasses =
            new ReadOnlyObjectWrapper<>(this, "absentClasses", List.of());
    private final ReadOnlyObjectWrapper<List<SplitShare>> splitShares =
            new ReadOnlyObjectWrapper<>(this, "splitShares", List.of());
    private final ReadOnlyObjectWrapper<BoxStats> boxes = new ReadOnlyObjectWrapper<>(this, "boxes");
    /** True when {@link #boxesProperty()} is of the whole dataset although a split is selected. */
    private final ReadOnlyObjectWrapper<Boolean> boxesOfAllSplits =
            new ReadOnlyObjectWrapper<>(this, "boxesOfAllSplits", false);

    public OverviewChartsModel() {
        stats.addListener((o, a, b) -> statsChanged());
        sortOrder.addListener((o, a, b) -> recompute());
        measure.addListener((o, a, b) -> recompute());
        split.addListener((o, a, b) -> recompute());
    }

    /**
     * Shows new statistics of the whole dataset (null clears). Per-split statistics given before are dropped.
     * FX thread.
     */
    public void setStats(DatasetStats all) {
        splitStats.clear();
        stats.set(all);
    }

    /**
     * Adds the statistics of one split, so the box histograms follow the split selector (without them the
     * histograms show the whole dataset). FX thread.
     */
    public void putSplitStats(String splitName, DatasetStats forSplit) {
        splitStats.put(Objects.requireNonNull(splitName), Objects.requireNonNull(forSplit));
        recompute();
    }

    private void statsChanged() {
        DatasetStats s = stats.get();
        List<String> names = s == null ? List.of() : s.splits().stream().map(SplitCount::name).toList();
        if (!splitNames.equals(names)) {
            splitNames.setAll(names);
        }
        if (split.get() != null && !names.contains(split.get())) {
            split.set(null); // recomputes
        } else {
            recompute();
        }
    }

    private void recompute() {
        DatasetStats s = stats.get();
        if (s == null) {
            bars.set(List.of());
            imagesPerClass.set(List.of());
            imbalance.set(null);
            absentClasses.set(List.of());
            splitShares.set(List.of());
            boxes.set(null);
            boxesOfAllSplits.set(false);
            return;
        }
        SplitCount selected = selectedSplit();
        List<ClassCount> classes = selected != null ? selected.classes() : s.classes();
        Comparator<Bar> order = sortOrder.get() == SortOrder.NAME
                ? Comparator.comparing((Bar b) -> b.name().toLowerCase(Locale.ROOT)).thenComparingInt(Bar::classId)
                : Comparator.comparingLong(Bar::value).reversed().thenComparing(b -> b.name().toLowerCase(Locale.ROOT));
        List<Bar> list = new ArrayList<>();
        List<Bar> images = new ArrayList<>();
        for (ClassCount c : classes) {
            list.add(new Bar(c.id(), c.name(), measure.get() == Measure.IMAGES ? c.images() : c.instances()));
            images.add(new Bar(c.id(), c.name(), c.images()));
        }
        list.sort(order);
        images.sort(Comparator.comparingLong(Bar::value).reversed().thenComparingInt(Bar::classId));
        bars.set(List.copyOf(list));
        imagesPerClass.set(List.copyOf(images));
        imbalance.set(selected != null ? selected.imbalance() : s.imbalance());
        absentClasses.set(selected != null && selected.absentClasses() != null ? selected.absentClasses() : List.of());
        List<SplitShare> shares = new ArrayList<>();
        for (SplitCount sc : s.splits()) {
            long total = sc.classes().stream().mapToLong(ClassCount::instances).sum();
            for (ClassCount c : sc.classes()) {
                shares.add(new SplitShare(sc.name(), c.id(), c.name(), c.instances(),
                        total == 0 ? 0 : (double) c.instances() / total));
            }
        }
        splitShares.set(List.copyOf(shares));
        DatasetStats forSplit = selected != null ? splitStats.get(selected.name()) : null;
        boxes.set(forSplit != null ? forSplit.boxes() : s.boxes());
        boxesOfAllSplits.set(selected != null && forSplit == null);
    }

    private SplitCount selectedSplit() {
        DatasetStats s = stats.get();
        String name = split.get();
        if (s == null || name == null) {
            return null;
        }
        return s.splits().stream().filter(sc -> name.equals(sc.name())).findFirst().orElse(null);
    }

    /** The value a bar is drawn at: the count, or on the log scale {@code log10(count) + 1} (0 for 0). */
    public static double plotted(long count, boolean log) {
        if (!log) {
            return count;
        }
        return count <= 0 ? 0 : Math.log10(count) + 1;
    }

    /** The count a plotted axis position stands for (inverse of {@link #plotted}). */
    public static double countAt(double plotted, boolean log) {
        if (!log) {
            return plotted;
        }
        return plotted <= 0 ? 0 : Math.pow(10, plotted - 1);
    }

    /** A compact count for axis ticks and labels: 950, 1.2k, 34k, 1.5M. */
    public static String compact(double value) {
        double v = Math.abs(value);
        if (v < 1000) {
            return v == Math.rint(v) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
        }
        String[] units = {"k", "M", "G", "T"};
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            value /= 1000;
            u++;
        }
        String number = v < 10 && v != Math.rint(v) ? String.format(Locale.ROOT, "%.1f", value)
                : String.valueOf(Math.round(value));
        return number + units[u];
    }

    public ObjectProperty<DatasetStats> statsProperty() {
        return stats;
    }

    public DatasetStats getStats() {
        return stats.get();
    }

    public ObjectProperty<SortOrder> sortOrderProperty() {
        return sortOrder;
    }

    public ObjectProperty<Measure> measureProperty() {
        return measure;
    }

    public BooleanProperty logScaleProperty() {
        return logScale;
    }

    public boolean isLogScale() {
        return logScale.get();
    }

    /** The selected split's name, or null for the whole dataset. */
    public StringProperty splitProperty() {
        return split;
    }

    /** The dataset's splits, in the order the statistics list them. */
    public ObservableList<String> splitNames() {
        return FXCollections.unmodifiableObservableList(splitNames);
    }

    /** The class bars for the current split, measure and order. */
    public ReadOnlyObjectProperty<List<Bar>> barsProperty() {
        return bars.getReadOnlyProperty();
    }

    public List<Bar> getBars() {
        return bars.get();
    }

    /** Images per class for the current split, most first. */
    public ReadOnlyObjectProperty<List<Bar>> imagesPerClassProperty() {
        return imagesPerClass.getReadOnlyProperty();
    }

    /** Imbalance metrics of the current split (or the whole dataset). */
    public ReadOnlyObjectProperty<Imbalance> imbalanceProperty() {
        return imbalance.getReadOnlyProperty();
    }

    /** Classes with instances in the dataset but none in the selected split (empty for the whole dataset). */
    public ReadOnlyObjectProperty<List<ClassRef>> absentClassesProperty() {
        return absentClasses.getReadOnlyProperty();
    }

    /** Every split's class shares (for the per-split comparison); empty without splits. */
    public ReadOnlyObjectProperty<List<SplitShare>> splitSharesProperty() {
        return splitShares.getReadOnlyProperty();
    }

    /** Box geometry of the selected split when known, else of the whole dataset. */
    public ReadOnlyObjectProperty<BoxStats> boxesProperty() {
        return boxes.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Boolean> boxesOfAllSplitsProperty() {
        return boxesOfAllSplits.getReadOnlyProperty();
    }
}
