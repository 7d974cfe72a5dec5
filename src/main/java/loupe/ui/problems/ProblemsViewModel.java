package loupe.ui.problems;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import loupe.core.query.CatalogSession;
import loupe.core.stats.DatasetStats.ProblemEntry;
import loupe.ui.fx.Notification;
import loupe.ui.fx.Notifications;

/**
 * The problems of the open dataset, filtered by kind in the catalog; at most {@link #ROW_LIMIT} rows are listed,
 * the count says how many there are. FX thread only; queries run on the session's thread.
 */
public final class ProblemsViewModel {

    static final int ROW_LIMIT = 10_000;

    /** A kind the filter offers, with its count; kind null is "all kinds". */
    public record KindOption(String kind, long count) {
        @Override
        public String toString() {
            return (kind == null ? "All kinds" : kind.toLowerCase(Locale.ROOT).replace('_', ' '))
                    + String.format(Locale.ROOT, " (%,d)", count);
        }
    }

    private final CatalogSession session;
    private final Executor fx;
    private final Notifications notifications;
    private final ObservableList<KindOption> kinds = FXCollections.observableArrayList();
    private final ObservableList<ProblemEntry> rows = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<String> kind = new ReadOnlyObjectWrapper<>(this, "kind");
    private final ReadOnlyStringWrapper countText = new ReadOnlyStringWrapper(this, "countText", "");
    private long generation;
    private boolean loaded;

    public ProblemsViewModel(CatalogSession session, Executor fx, Notifications notifications) {
        this.session = session;
        this.fx = fx;
        this.notifications = notifications;
    }

    /** Reads the kinds and the rows of the open catalog. */
    public void load() {
        loaded = true;
        long gen = ++generation;
        session.submit(open -> {
            Map<String, Long> counts = open.gallery().problemKinds();
            return counts;
        }).whenCompleteAsync((counts, error) -> {
            if (gen != generation) {
                return;
            }
            if (error != null) {
                notifications.post(Notification.error("Cannot read the problems from the catalog.", error));
                return;
            }
            List<KindOption> options = new ArrayList<>();
            options.add(new KindOption(null, counts.values().stream().mapToLong(Long::longValue).sum()));
            counts.forEach((k, n) -> options.add(new KindOption(k, n)));
            kinds.setAll(options);
            if (kind.get() != null && !counts.containsKey(kind.get())) {
                kind.set(null);
            }
            query();
        }, fx);
    }

    public void clear() {
        generation++;
        loaded = false;
        kinds.clear();
        rows.clear();
        countText.set("");
    }

    /** Shows only problems of {@code value} (a ProblemKind name), or all when null. */
    public void setKind(String value) {
        kind.set(value);
        if (loaded) {
            query();
        }
    }

    private void query() {
        long gen = ++generation;
        String k = kind.get();
        session.submit(open -> {
            String where = k == null ? "TRUE" : "kind = ?";
            Object[] params = k == null ? new Object[0] : new Object[] {k};
            long total = open.catalog().queryLong("SELECT count(*) FROM problems WHERE " + where, params);
            List<ProblemEntry> list = open.catalog().query("SELECT severity, kind, path, location, message"
                    + " FROM problems WHERE " + where + " ORDER BY CASE severity WHEN 'ERROR' THEN 0"
                    + " WHEN 'WARNING' THEN 1 ELSE 2 END, kind, path, location LIMIT " + ROW_LIMIT,
                    rs -> new ProblemEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5)), params);
            return new Result(total, list);
        }).whenCompleteAsync((result, error) -> {
            if (gen != generation) {
                return;
            }
            if (error != null) {
                notifications.post(Notification.error("Cannot read the problems from the catalog.", error));
                return;
            }
            rows.setAll(result.rows());
            countText.set(result.rows().size() < result.total()
                    ? String.format(Locale.ROOT, "First %,d of %,d problems", result.rows().size(), result.total())
                    : String.format(Locale.ROOT, "%,d %s", result.total(), result.total() == 1 ? "problem"
                            : "problems"));
        }, fx);
    }

    private record Result(long total, List<ProblemEntry> rows) {
    }

    public ObservableList<KindOption> getKinds() {
        return kinds;
    }

    public ObservableList<ProblemEntry> getRows() {
        return rows;
    }

    public ReadOnlyObjectProperty<String> kindProperty() {
        return kind.getReadOnlyProperty();
    }

    /** "12 problems", "First 10,000 of 25,000 problems". */
    public ReadOnlyStringProperty countTextProperty() {
        return countText.getReadOnlyProperty();
    }

    public String getCountText() {
        return countText.get();
    }
}
