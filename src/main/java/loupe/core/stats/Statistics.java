package loupe.core.stats;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;

/**
 * Computes {@link DatasetStats} from a catalog. Every aggregation runs in SQL inside the catalog (one
 * {@code GROUP BY} with grouping sets per family of numbers), so Java only sees small result sets: the whole
 * computation takes well under a second for a million boxes. Not thread-safe (the catalog is not).
 */
public final class Statistics {

    /** Classes with fewer instances than this are listed as having few samples, unless told otherwise. */
    public static final int DEFAULT_FEW_SAMPLES = 10;

    /** A box edge within this many pixels of the image border (or beyond it) touches the border. */
    public static final double BORDER_PX = 1.0;

    /** Cells per side of the box-centre heatmap. */
    public static final int HEATMAP_GRID = 16;

    /** COCO's area thresholds: small below 32², large from 96² (in px²). */
    static final int SMALL_AREA = 32 * 32;
    static final int LARGE_AREA = 96 * 96;

    private static final String SEVERITY_RANK =
            "CASE severity WHEN 'ERROR' THEN 0 WHEN 'WARNING' THEN 1 WHEN 'INFO' THEN 2 ELSE 3 END";

    private Statistics() {
    }

    /** As {@link #compute(Catalog, String, int, int)} with {@link #DEFAULT_FEW_SAMPLES}. */
    public static DatasetStats compute(Catalog catalog, String split, int maxProblems) throws CatalogException {
        return compute(catalog, split, maxProblems, DEFAULT_FEW_SAMPLES);
    }

    /**
     * Statistics of the whole dataset ({@code split} null) or of one split.
     *
     * @param maxProblems        at most this many problems are listed ({@code problemCount} counts them all)
     * @param fewSamplesThreshold classes with fewer instances than this are listed in {@code fewSamples}
     * @throws CatalogException when the catalog cannot be read
     */
    public static DatasetStats compute(Catalog catalog, String split, int maxProblems, int fewSamplesThreshold)
            throws CatalogException {
        Scope scope = new Scope(split);
        String root = catalog.meta("root").orElse("");
        String format = catalog.meta("format").orElse("");

        List<DatasetStats.ClassRef> classList = q(catalog, "SELECT id, name FROM classes ORDER BY id",
                rs -> new DatasetStats.ClassRef(rs.getInt(1), rs.getString(2)));
        Map<String, Long> imagesPerSplit = new TreeMap<>();
        long[] scopeImages = {0};
        q(catalog, "SELECT split, count(*) FROM images " + scope.where("split") + " GROUP BY split",
                rs -> {
                    if (rs.getString(1) != null) {
                        imagesPerSplit.put(rs.getString(1), rs.getLong(2));
                    }
                    scopeImages[0] += rs.getLong(2);
                    return null;
                }, scope.params());

        // Instances and images per class, per split and for the whole dataset, in one pass over the annotations.
        Map<Integer, long[]> totals = new HashMap<>();
        Map<String, Map<Integer, long[]>> perSplit = new TreeMap<>();
        long[] allAnnotations = {0};
        Map<String, Long> annotationsPerSplit = new HashMap<>();
        // Pre-aggregating per (image, class) makes "images with the class" a plain count (twice as fast as
        // count(DISTINCT image_path) at a million boxes).
        q(catalog, "SELECT i.split, t.class_id, sum(t.n), count(*), grouping(i.split)"
                + " FROM (SELECT image_path, class_id, count(*) AS n FROM annotations GROUP BY image_path, class_id) t"
                + " LEFT JOIN images i ON i.path = t.image_path"
                + " GROUP BY GROUPING SETS ((t.class_id), (i.split, t.class_id))", rs -> {
                    long[] counts = {rs.getLong(3), rs.getLong(4)};
                    if (rs.getInt(5) == 1) {
                        totals.put(rs.getInt(2), counts);
                        allAnnotations[0] += counts[0];
                    } else if (rs.getString(1) != null) {
                        perSplit.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getInt(2), counts);
                        annotationsPerSplit.merge(rs.getString(1), counts[0], Long::sum);
                    }
                    return null;
                });
        Map<Integer, long[]> scopeCounts = split == null ? totals : perSplit.getOrDefault(split, Map.of());
        long annotations = split == null ? allAnnotations[0] : annotationsPerSplit.getOrDefault(split, 0L);
        List<DatasetStats.ClassCount> classes = classCounts(classList, scopeCounts);

        List<DatasetStats.SplitCount> splits = new ArrayList<>();
        for (Map.Entry<String, Long> e : imagesPerSplit.entrySet()) {
            List<DatasetStats.ClassCount> counts = classCounts(classList, perSplit.getOrDefault(e.getKey(), Map.of()));
            List<DatasetStats.ClassRef> absent = new ArrayList<>();
            for (DatasetStats.ClassCount c : counts) {
                if (c.instances() == 0 && totals.containsKey(c.id()) && totals.get(c.id())[0] > 0) {
                    absent.add(new DatasetStats.ClassRef(c.id(), c.name()));
                }
            }
            splits.add(new DatasetStats.SplitCount(e.getKey(), e.getValue(),
                    annotationsPerSplit.getOrDefault(e.getKey(), 0L), counts, imbalance(counts), absent));
        }

        long classInstances = classes.stream().mapToLong(DatasetStats.ClassCount::instances).sum();
        List<DatasetStats.ClassShare> shares = classes.stream().map(c -> new DatasetStats.ClassShare(c.id(), c.name(),
                classInstances == 0 ? 0 : (double) c.instances() / classInstances,
                scopeImages[0] == 0 ? 0 : (double) c.images() / scopeImages[0])).toList();
        List<DatasetStats.ClassCount> few = classes.stream().filter(c -> c.instances() < fewSamplesThreshold)
                .sorted(Comparator.comparingLong(DatasetStats.ClassCount::instances)
                        .thenComparingInt(DatasetStats.ClassCount::id)).toList();

        List<DatasetStats.KindCount> kinds = q(catalog, "SELECT severity, kind, count(*) FROM problems"
                        + scope.problemFilter() + " GROUP BY severity, kind ORDER BY min(" + SEVERITY_RANK
                        + "), count(*) DESC, kind",
                rs -> new DatasetStats.KindCount(rs.getString(1), rs.getString(2), rs.getLong(3)), scope.params());
        List<DatasetStats.ProblemEntry> problems = q(catalog, 
                "SELECT severity, kind, path, location, message FROM problems" + scope.problemFilter()
                        + " ORDER BY " + SEVERITY_RANK + ", kind, path, location LIMIT " + Math.max(0, maxProblems),
                rs -> new DatasetStats.ProblemEntry(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5)), scope.params());

        return new DatasetStats(root, format, split, scopeImages[0], annotations, classes,
                split == null ? splits : splits.stream().filter(s -> s.name().equals(split)).toList(),
                problems, kinds.stream().mapToLong(DatasetStats.KindCount::count).sum(), kinds, shares,
                imbalance(classes), new DatasetStats.FewSamples(fewSamplesThreshold, few),
                split == null ? splitShift(classList, splits) : List.of(),
                boxes(catalog, scope, classList), images(catalog, scope));
    }

    /** All problems, whatever their split. */
    public static long problemCount(Catalog catalog) throws CatalogException {
        return ql(catalog, "SELECT count(*) FROM problems");
    }

    // ------------------------------------------------------------------------------------------- classes

    private static List<DatasetStats.ClassCount> classCounts(List<DatasetStats.ClassRef> classList,
                                                             Map<Integer, long[]> counts) {
        return classList.stream().map(c -> {
            long[] n = counts.getOrDefault(c.id(), new long[2]);
            return new DatasetStats.ClassCount(c.id(), c.name(), n[0], n[1]);
        }).toList();
    }

    private static Imbalance imbalance(List<DatasetStats.ClassCount> classes) {
        return Imbalance.of(classes.stream().mapToLong(DatasetStats.ClassCount::instances).toArray());
    }

    private static List<SplitShift> splitShift(List<DatasetStats.ClassRef> classList,
                                               List<DatasetStats.SplitCount> splits) {
        List<SplitShift> shifts = new ArrayList<>();
        if (splits.size() < 2) {
            return shifts;
        }
        Map<String, long[]> vectors = new LinkedHashMap<>();
        long[] all = new long[classList.size()];
        for (DatasetStats.SplitCount s : splits) {
            long[] v = s.classes().stream().mapToLong(DatasetStats.ClassCount::instances).toArray();
            vectors.put(s.name(), v);
            for (int i = 0; i < v.length; i++) {
                all[i] += v[i];
            }
        }
        List<String> names = new ArrayList<>(vectors.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                shifts.add(shift(classList, names.get(i), vectors.get(names.get(i)), names.get(j),
                        vectors.get(names.get(j))));
            }
        }
        for (String name : names) {
            shifts.add(shift(classList, name, vectors.get(name), "all", all));
        }
        return shifts;
    }

    private static SplitShift shift(List<DatasetStats.ClassRef> classList, String a, long[] va, String b, long[] vb) {
        Double tv = Imbalance.totalVariation(va, vb);
        if (tv == null) {
            return new SplitShift(a, b, null, null, null, null);
        }
        double sa = java.util.Arrays.stream(va).sum();
        double sb = java.util.Arrays.stream(vb).sum();
        int worst = 0;
        double worstDiff = 0;
        for (int i = 0; i < va.length; i++) {
            double d = va[i] / sa - vb[i] / sb;
            if (Math.abs(d) > Math.abs(worstDiff)) {
                worst = i;
                worstDiff = d;
            }
        }
        return new SplitShift(a, b, tv, classList.get(worst).id(), classList.get(worst).name(), worstDiff);
    }

    // --------------------------------------------------------------------------------------------- boxes

    private static BoxStats boxes(Catalog catalog, Scope scope, List<DatasetStats.ClassRef> classList)
            throws CatalogException {
        // vw/vh: the size of boxes of positive size, null otherwise, so every aggregate below skips invalid boxes.
        String base = "WITH b AS (SELECT a.class_id AS c, a.x, a.y, a.w, a.h, i.width AS iw, i.height AS ih,"
                + " CASE WHEN a.w > 0 AND a.h > 0 THEN a.w END AS vw, CASE WHEN a.w > 0 AND a.h > 0 THEN a.h END AS vh"
                + " FROM annotations a LEFT JOIN images i ON i.path = a.image_path " + scope.where("i.split") + ")";
        String border = String.valueOf(BORDER_PX);
        Map<Integer, Object[]> summary = new HashMap<>();
        q(catalog, base + " SELECT c, grouping(c), count(*), count(x), count(x) - count(vw),"
                + " count(*) FILTER (WHERE vw * vh < " + SMALL_AREA + "),"
                + " count(*) FILTER (WHERE vw * vh >= " + SMALL_AREA + " AND vw * vh < " + LARGE_AREA + "),"
                + " count(*) FILTER (WHERE vw * vh >= " + LARGE_AREA + "),"
                + " count(*) FILTER (WHERE vw > 0 AND iw > 0 AND ih > 0 AND (x <= " + border + " OR y <= " + border
                + "   OR x + w >= iw - " + border + " OR y + h >= ih - " + border + ")),"
                + dist("vw") + ", " + dist("vh") + ", " + dist("vw * vh") + ", " + dist("vw / vh")
                + " FROM b GROUP BY GROUPING SETS ((c), ())", rs -> {
                    Object[] row = new Object[7 + 4];
                    for (int k = 0; k < 7; k++) {
                        row[k] = rs.getLong(3 + k);
                    }
                    for (int m = 0; m < 4; m++) {
                        row[7 + m] = distribution(rs, 10 + m * 4, rs.getLong(4) - rs.getLong(5));
                    }
                    summary.put(rs.getInt(2) == 1 ? null : rs.getInt(1), row);
                    return null;
                }, scope.params());

        // Histograms per class and overall, and the centre heatmap: one GROUP BY with a grouping set per
        // (metric, class or all), so the annotations are scanned and joined once.
        Map<String, Map<Integer, Long>> hist = new HashMap<>();
        long[][] heat = new long[HEATMAP_GRID][HEATMAP_GRID];
        long[] heatBoxes = {0};
        String g = String.valueOf(HEATMAP_GRID);
        String cell = "CASE WHEN iw > 0 AND ih > 0 THEN"
                + " least(greatest(floor((y + h / 2) / ih * " + g + "), 0), " + g + " - 1)::INTEGER * " + g
                + " + least(greatest(floor((x + w / 2) / iw * " + g + "), 0), " + g + " - 1)::INTEGER END";
        q(catalog, base + " SELECT c, wb, hb, ab, rb, grouping(c), grouping(wb), grouping(hb), grouping(ab),"
                + " grouping(rb), count(*), cell, grouping(cell) FROM (SELECT c, " + bin("vw", 2, 0, 32) + " AS wb, "
                + bin("vh", 2, 0, 32) + " AS hb, " + bin("vw * vh", 1, 0, 40) + " AS ab, "
                + bin("vw / vh", 4, -16, 15) + " AS rb, " + cell + " AS cell FROM b WHERE vw IS NOT NULL)"
                + " GROUP BY GROUPING SETS ((c, wb), (wb), (c, hb), (hb), (c, ab), (ab), (c, rb), (rb), (cell))",
                rs -> {
                    if (rs.getInt(13) == 0) {
                        if (rs.getObject(12) != null) {
                            int k = rs.getInt(12);
                            heat[k / HEATMAP_GRID][k % HEATMAP_GRID] = rs.getLong(11);
                            heatBoxes[0] += rs.getLong(11);
                        }
                        return null;
                    }
                    String who = rs.getInt(6) == 1 ? "all" : String.valueOf(rs.getInt(1));
                    for (int m = 0; m < 4; m++) {
                        if (rs.getInt(7 + m) == 0) {
                            hist.computeIfAbsent(who + "/" + m, k -> new HashMap<>()).put(rs.getInt(2 + m), rs.getLong(11));
                        }
                    }
                    return null;
                }, scope.params());
        List<List<Long>> heatRows = new ArrayList<>();
        for (long[] row : heat) {
            heatRows.add(java.util.Arrays.stream(row).boxed().toList());
        }

        List<BoxStats.PerImage> perImage = q(catalog, "SELECT n, count(*) FROM (SELECT count(a.x) AS n"
                        + " FROM images i LEFT JOIN annotations a ON a.image_path = i.path " + scope.where("i.split")
                        + " GROUP BY i.path) GROUP BY n ORDER BY n",
                rs -> new BoxStats.PerImage(rs.getLong(1), rs.getLong(2)), scope.params());

        List<BoxStats.ClassBoxes> perClass = new ArrayList<>();
        for (DatasetStats.ClassRef c : classList) {
            Object[] row = summary.get(c.id());
            if (row == null || (long) row[1] == 0) {
                continue;
            }
            String k = String.valueOf(c.id());
            perClass.add(new BoxStats.ClassBoxes(c.id(), c.name(), (long) row[1], (long) row[2], (long) row[3],
                    (long) row[4], (long) row[5], (long) row[6], ((Distribution) row[7]).median(),
                    ((Distribution) row[8]).median(), ((Distribution) row[10]).median(),
                    histogram(hist, k, 0), histogram(hist, k, 1), histogram(hist, k, 2), histogram(hist, k, 3)));
        }
        Object[] all = summary.get(null);
        if (all == null) {
            Distribution none = new Distribution(0, null, null, null, null);
            all = new Object[] {0L, 0L, 0L, 0L, 0L, 0L, 0L, none, none, none, none};
        }
        return new BoxStats((long) all[1], (long) all[0] - (long) all[1], (long) all[2], (long) all[3],
                (long) all[4], (long) all[5], (long) all[6],
                (Distribution) all[7], (Distribution) all[8], (Distribution) all[9],
                (Distribution) all[10], histogram(hist, "all", 0), histogram(hist, "all", 1),
                histogram(hist, "all", 2), histogram(hist, "all", 3), perImage,
                new Heatmap(HEATMAP_GRID, heatBoxes[0], heatRows), perClass);
    }

    private static Histogram histogram(Map<String, Map<Integer, Long>> hist, String who, int metric) {
        Map<Integer, Long> bins = hist.getOrDefault(who + "/" + metric, Map.of());
        return switch (metric) {
            case 0, 1 -> Histogram.fromBins("px", 2, bins);
            case 2 -> Histogram.fromBins("px²", 1, bins);
            default -> Histogram.fromBins("ratio", 4, bins);
        };
    }

    // -------------------------------------------------------------------------------------------- images

    private static ImageSummary images(Catalog catalog, Scope scope) throws CatalogException {
        String base = "WITH m AS (SELECT *, CASE WHEN width > 0 AND height > 0 THEN width END AS vw,"
                + " CASE WHEN width > 0 AND height > 0 THEN height END AS vh,"
                + " CASE WHEN present THEN size END AS vs FROM images " + scope.where("split") + ")";
        Object[][] summary = new Object[1][];
        q(catalog, base + " SELECT count(*), count(*) FILTER (WHERE present), count(*) FILTER (WHERE NOT present),"
                + " count(*) - count(vw), coalesce(sum(vs), 0), " + dist("vw") + ", " + dist("vh") + ", "
                + dist("vw / vh") + ", " + dist("vs") + " FROM m", rs -> {
                    summary[0] = new Object[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        distribution(rs, 6, rs.getLong(1) - rs.getLong(4)), distribution(rs, 10, rs.getLong(1) - rs.getLong(4)),
                        distribution(rs, 14, rs.getLong(1) - rs.getLong(4)), distribution(rs, 18, rs.getLong(2))};
                    return null;
                }, scope.params());
        Map<Integer, Map<Integer, Long>> hist = new HashMap<>();
        q(catalog, base + " SELECT wb, hb, rb, sb, grouping(wb), grouping(hb), grouping(rb), grouping(sb), count(*)"
                + " FROM (SELECT " + bin("vw", 2, 0, 32) + " AS wb, " + bin("vh", 2, 0, 32) + " AS hb, "
                + bin("vw / vh", 4, -16, 15) + " AS rb, " + bin("CASE WHEN vs > 0 THEN vs END", 1, 0, 50)
                + " AS sb FROM m) GROUP BY GROUPING SETS ((wb), (hb), (rb), (sb))", rs -> {
                    for (int m = 0; m < 4; m++) {
                        if (rs.getInt(5 + m) == 0 && rs.getObject(1 + m) != null) {
                            hist.computeIfAbsent(m, k -> new HashMap<>()).put(rs.getInt(1 + m), rs.getLong(9));
                        }
                    }
                    return null;
                }, scope.params());
        List<ImageSummary.FormatCount> formats = q(catalog, base + " SELECT coalesce(format, 'unknown'), count(*)"
                        + " FROM m GROUP BY 1 ORDER BY 2 DESC, 1",
                rs -> new ImageSummary.FormatCount(rs.getString(1), rs.getLong(2)), scope.params());
        List<ImageSummary.SizeCount> common = q(catalog, base + " SELECT vw, vh, count(*) FROM m"
                        + " WHERE vw IS NOT NULL GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 20",
                rs -> new ImageSummary.SizeCount(rs.getInt(1), rs.getInt(2), rs.getLong(3)), scope.params());
        long distinct = ql(catalog, base + " SELECT count(*) FROM (SELECT DISTINCT vw, vh FROM m"
                + " WHERE vw IS NOT NULL)", scope.params());
        long without = ql(catalog, "SELECT count(*) FROM images i ANTI JOIN annotations a"
                + " ON a.image_path = i.path WHERE i.present" + (scope.split == null ? "" : " AND i.split = ?"),
                scope.params());
        Object[] s = summary[0];
        return new ImageSummary((long) s[0], (long) s[1], (long) s[2], (long) s[3], without, (long) s[4],
                (Distribution) s[5], (Distribution) s[6], (Distribution) s[7], (Distribution) s[8],
                Histogram.fromBins("px", 2, hist.getOrDefault(0, Map.of())),
                Histogram.fromBins("px", 2, hist.getOrDefault(1, Map.of())),
                Histogram.fromBins("ratio", 4, hist.getOrDefault(2, Map.of())),
                Histogram.fromBins("bytes", 1, hist.getOrDefault(3, Map.of())), formats, common, distinct);
    }

    // ------------------------------------------------------------------------------------------- helpers

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Statistics.class);

    /** A catalog query, timed in the debug log (the budget for all statistics is a second at 1M boxes). */
    private static <T> List<T> q(Catalog catalog, String sql, Catalog.RowMapper<T> mapper, Object... params)
            throws CatalogException {
        long t0 = System.nanoTime();
        List<T> rows = catalog.query(sql, mapper, params);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.debug("{} ms: {}", ms, sql);
        return rows;
    }

    private static long ql(Catalog catalog, String sql, Object... params) throws CatalogException {
        List<Long> rows = q(catalog, sql, rs -> rs.getLong(1), params);
        return rows.isEmpty() ? 0 : rows.get(0);
    }

    /** min, median, mean, max of an expression (four columns). */
    private static String dist(String expr) {
        return "min(" + expr + "), median(" + expr + "), avg(" + expr + "), max(" + expr + ")";
    }

    private static Distribution distribution(ResultSet rs, int column, long count) throws SQLException {
        if (rs.getObject(column) == null) {
            return new Distribution(0, null, null, null, null);
        }
        return new Distribution(count, rs.getDouble(column), rs.getDouble(column + 1), rs.getDouble(column + 2),
                rs.getDouble(column + 3));
    }

    /** The log-spaced bin index of {@link Histogram} for a positive expression, clamped to [lo, hi]. */
    private static String bin(String expr, int binsPerOctave, int lo, int hi) {
        return "least(greatest(floor(" + binsPerOctave + " * log2(" + expr + ")), " + lo + "), " + hi + ")::INTEGER";
    }

    /** The split filter: none for the whole dataset. */
    private record Scope(String split) {
        String where(String column) {
            return split == null ? "" : "WHERE " + column + " = ?";
        }

        Object[] params() {
            return split == null ? new Object[0] : new Object[] {split};
        }

        /** Problems about the split's images, and those about no image (annotation files, the dataset). */
        String problemFilter() {
            return split == null ? ""
                    : " WHERE path IN (SELECT path FROM images WHERE split = ?) OR path NOT IN (SELECT path FROM images)";
        }
    }
}
