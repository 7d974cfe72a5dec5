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

    /**
     * Up to this many annotations in the catalog, box medians are exact; above it they come from
     * 64-per-octave bins, within 1.1% of the exact value (see {@link BoxStats}).
     */
    public static final long EXACT_MEDIAN_LIMIT = 100_000;

    /** Bins per octave of the fine histograms that approximate box medians. */
    static final int FINE_BINS = 64;

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
        return compute(catalog, split, maxProblems, fewSamplesThreshold, EXACT_MEDIAN_LIMIT);
    }

    /** As above; box medians are exact when the catalog has at most {@code exactMedianLimit} annotations. */
    static DatasetStats compute(Catalog catalog, String split, int maxProblems, int fewSamplesThreshold,
                                long exactMedianLimit) throws CatalogException {
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
                boxes(catalog, scope, classList, scopeImages[0], exactMedianLimit), images(catalog, scope));
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

    private static BoxStats boxes(Catalog catalog, Scope scope, List<DatasetStats.ClassRef> classList,
                                  long scopeImages, long exactMedianLimit) throws CatalogException {
        // Exact medians are holistic (every value is kept and partly sorted, per class): at a million boxes
        // they were half of all the statistics' time. Above the limit the medians come from fine histogram
        // bins instead, which the histogram query below counts anyway (see FINE_BINS).
        boolean exact = ql(catalog, "SELECT count(*) FROM annotations") <= exactMedianLimit;
        // vw/vh: the size of boxes of positive size, null otherwise, so every aggregate below skips invalid boxes.
        // Materialised: the annotations are scanned and joined to their images once for all that follows.
        String base = "WITH b AS MATERIALIZED (SELECT a.class_id AS c, a.x, a.y, a.w, a.h, i.width AS iw,"
                + " i.height AS ih, a.image_path AS p, i.path IS NOT NULL AS known,"
                + " CASE WHEN a.w > 0 AND a.h > 0 THEN a.w END AS vw,"
                + " CASE WHEN a.w > 0 AND a.h > 0 THEN a.h END AS vh"
                + " FROM annotations a LEFT JOIN images i ON i.path = a.image_path " + scope.where("i.split") + ")";
        String border = String.valueOf(BORDER_PX);
        // Per class (and overall only for exact medians: otherwise Java adds the classes up, which is cheaper
        // than a second grouping set over every box).
        String summarySql = "SELECT c, grouping(c) AS gc, count(*), count(x), count(x) - count(vw),"
                + " count(*) FILTER (WHERE vw * vh < " + SMALL_AREA + "),"
                + " count(*) FILTER (WHERE vw * vh >= " + SMALL_AREA + " AND vw * vh < " + LARGE_AREA + "),"
                + " count(*) FILTER (WHERE vw * vh >= " + LARGE_AREA + "),"
                + " count(*) FILTER (WHERE vw > 0 AND iw > 0 AND ih > 0 AND (x <= " + border + " OR y <= " + border
                + "   OR x + w >= iw - " + border + " OR y + h >= ih - " + border + ")),"
                + dist("vw", exact) + ", " + dist("vh", exact) + ", " + dist("vw * vh", exact) + ", "
                + dist("vw / vh", exact) + " FROM b GROUP BY " + (exact ? "GROUPING SETS ((c), ())" : "c");
        String summaryNulls = ", NULL".repeat(2 + 7 + 16);

        // Fine bins per class and metric, and the centre heatmap, in one GROUP BY with grouping sets. From the
        // fine bins SQL derives the report's coarse histograms (a coarse bin is a run of whole fine bins:
        // floor(floor(64 x) / 32) = floor(2 x)) and, with running sums, the bins that hold the median ranks,
        // so only a few thousand rows come back. Row kinds (column q): 0 median bins, 1 coarse histogram bins,
        // 2 heatmap cells, 3 the summary above.
        Map<Integer, Object[]> summary = new HashMap<>();
        TreeMap<Long, Long> perImageCounts = new TreeMap<>();
        Map<String, Map<Integer, Long>> hist = new HashMap<>();
        Map<String, List<long[]>> medianBins = new HashMap<>();
        long[][] heat = new long[HEATMAP_GRID][HEATMAP_GRID];
        long[] heatBoxes = {0};
        String g = String.valueOf(HEATMAP_GRID);
        String cell = "CASE WHEN iw > 0 AND ih > 0 THEN"
                + " least(greatest(floor((y + h / 2) / ih * " + g + "), 0), " + g + " - 1)::INTEGER * " + g
                + " + least(greatest(floor((x + w / 2) / iw * " + g + "), 0), " + g + " - 1)::INTEGER END";
        String coarse = "CASE m WHEN 0 THEN " + clamp("floor(k / 32.0)", 0, 32) + " WHEN 1 THEN "
                + clamp("floor(k / 32.0)", 0, 32) + " WHEN 2 THEN " + clamp("floor(k / 64.0)", 0, 40)
                + " ELSE " + clamp("floor(k / 16.0)", -16, 15) + " END";
        q(catalog, base + ", g AS MATERIALIZED (SELECT c, wb, hb, ab, rb, grouping(wb) AS gw, grouping(hb) AS gh,"
                + " grouping(ab) AS ga, grouping(cell) AS gcell, cell, count(*) AS n FROM (SELECT c, "
                + fine("vw") + " AS wb, " + fine("vh") + " AS hb, " + fine("vw * vh") + " AS ab, " + fine("vw / vh")
                + " AS rb, " + cell + " AS cell FROM b WHERE vw IS NOT NULL)"
                + " GROUP BY GROUPING SETS ((c, wb), (c, hb), (c, ab), (c, rb), (cell))),"
                + " f AS (SELECT c, CASE WHEN gw = 0 THEN 0 WHEN gh = 0 THEN 1 WHEN ga = 0 THEN 2 ELSE 3 END AS m,"
                + "   coalesce(wb, hb, ab, rb) AS k, n FROM g WHERE gcell = 1),"
                + " fa AS (SELECT 0 AS o, c, m, k, n FROM f UNION ALL SELECT 1, NULL, m, k, sum(n)::BIGINT FROM f"
                + "   GROUP BY m, k),"
                + " cu AS (SELECT o, c, m, k, n, (sum(n) OVER (PARTITION BY o, c, m ORDER BY k))::BIGINT AS cum,"
                + "   (sum(n) OVER (PARTITION BY o, c, m))::BIGINT AS tot FROM fa)"
                // bins holding rank (tot + 1) // 2 or tot // 2 + 1 (1-based): the one or two middle values
                + " SELECT 0 AS q, o, c, m, k, n, cum, tot" + summaryNulls + " FROM cu"
                + "   WHERE cum >= (tot + 1) // 2 AND cum - n < tot // 2 + 1"
                + " UNION ALL SELECT 1, 0, c, m, " + coarse + ", sum(n)::BIGINT, 0, 0" + summaryNulls
                + "   FROM f GROUP BY c, m, 5"
                + " UNION ALL SELECT 2, 0, NULL, NULL, cell, n, 0, 0" + summaryNulls
                + "   FROM g WHERE gcell = 0 AND cell IS NOT NULL"
                + " UNION ALL SELECT 3, 0, NULL, NULL, NULL, NULL, NULL, NULL, * FROM (" + summarySql + ")"
                // boxes per image, for the images with annotations (the others have none: added in Java)
                + " UNION ALL SELECT 4, 0, NULL, NULL, n, count(*), 0, 0" + summaryNulls
                + "   FROM (SELECT count(x) AS n FROM b WHERE known GROUP BY p) GROUP BY n",
                rs -> {
                    int kind = rs.getInt(1);
                    if (kind == 4) {
                        perImageCounts.put(rs.getLong(5), rs.getLong(6));
                    } else if (kind == 3) {
                        Object[] row = new Object[7 + 4];
                        for (int k = 0; k < 7; k++) {
                            row[k] = rs.getLong(11 + k);
                        }
                        for (int m = 0; m < 4; m++) {
                            row[7 + m] = distribution(rs, 18 + m * 4, rs.getLong(12) - rs.getLong(13));
                        }
                        summary.put(rs.getInt(10) == 1 ? null : rs.getInt(9), row);
                    } else if (kind == 2) {
                        int k = rs.getInt(5);
                        heat[k / HEATMAP_GRID][k % HEATMAP_GRID] = rs.getLong(6);
                        heatBoxes[0] += rs.getLong(6);
                    } else if (kind == 1) {
                        // Overall histograms are the sums of the per-class ones.
                        int m = rs.getInt(4);
                        hist.computeIfAbsent(rs.getInt(3) + "/" + m, k -> new HashMap<>())
                                .put(rs.getInt(5), rs.getLong(6));
                        hist.computeIfAbsent("all/" + m, k -> new HashMap<>())
                                .merge(rs.getInt(5), rs.getLong(6), Long::sum);
                    } else {
                        String who = rs.getInt(2) == 1 ? "all" : String.valueOf(rs.getInt(3));
                        medianBins.computeIfAbsent(who + "/" + rs.getInt(4), k -> new ArrayList<>())
                                .add(new long[] {rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)});
                    }
                    return null;
                }, scope.params());
        if (!exact) {
            if (!summary.isEmpty()) {
                summary.put(null, total(summary.values()));
            }
            for (Map.Entry<Integer, Object[]> e : summary.entrySet()) {
                String who = e.getKey() == null ? "all" : String.valueOf(e.getKey());
                for (int m = 0; m < 4; m++) {
                    Distribution d = (Distribution) e.getValue()[7 + m];
                    e.getValue()[7 + m] = withMedian(d, binnedMedian(medianBins.get(who + "/" + m)));
                }
            }
        }
        List<List<Long>> heatRows = new ArrayList<>();
        for (long[] row : heat) {
            heatRows.add(java.util.Arrays.stream(row).boxed().toList());
        }

        long withAnnotations = perImageCounts.values().stream().mapToLong(Long::longValue).sum();
        if (scopeImages > withAnnotations) {
            perImageCounts.merge(0L, scopeImages - withAnnotations, Long::sum);
        }
        List<BoxStats.PerImage> perImage = perImageCounts.entrySet().stream()
                .map(e -> new BoxStats.PerImage(e.getKey(), e.getValue())).toList();

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

    /** The fine bin of a positive expression: {@value #FINE_BINS} bins per octave, unclamped. */
    private static String fine(String expr) {
        return "floor(" + FINE_BINS + " * log2(" + expr + "))::INTEGER";
    }

    private static String clamp(String expr, int lo, int hi) {
        return "least(greatest(" + expr + ", " + lo + "), " + hi + ")::INTEGER";
    }

    /**
     * The median from the fine bins holding the middle rank(s), each row {@code {bin, count, cumulative count,
     * total}}: the value of rank r is placed inside its bin by its position among the bin's values, evenly
     * on the log scale. The true median lies in the same bin, so the error is below one bin: 2^(1/64) - 1,
     * 1.1% of the value.
     */
    static Double binnedMedian(List<long[]> bins) {
        if (bins == null || bins.isEmpty()) {
            return null;
        }
        long total = bins.get(0)[3];
        return (rankValue(bins, (total + 1) / 2) + rankValue(bins, total / 2 + 1)) / 2;
    }

    private static double rankValue(List<long[]> bins, long rank) {
        for (long[] b : bins) {
            long before = b[2] - b[1];
            if (rank > before && rank <= b[2]) {
                double within = (rank - before - 0.5) / b[1];
                return Math.pow(2, (b[0] + within) / FINE_BINS);
            }
        }
        throw new IllegalStateException("no bin holds rank " + rank);
    }

    /** The overall summary row from the per-class ones: counts add up, min/max/mean combine; no median. */
    private static Object[] total(java.util.Collection<Object[]> rows) {
        Object[] all = new Object[7 + 4];
        for (int k = 0; k < 7; k++) {
            long sum = 0;
            for (Object[] r : rows) {
                sum += (long) r[k];
            }
            all[k] = sum;
        }
        for (int m = 0; m < 4; m++) {
            long count = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (Object[] r : rows) {
                Distribution d = (Distribution) r[7 + m];
                if (d.count() > 0) {
                    count += d.count();
                    min = Math.min(min, d.min());
                    max = Math.max(max, d.max());
                    sum += d.mean() * d.count();
                }
            }
            all[7 + m] = count == 0 ? new Distribution(0, null, null, null, null)
                    : new Distribution(count, min, null, sum / count, max);
        }
        return all;
    }

    /** {@code d} with another median, kept within its min and max (which are exact). */
    private static Distribution withMedian(Distribution d, Double median) {
        if (d.count() == 0 || median == null) {
            return d;
        }
        return new Distribution(d.count(), d.min(), Math.min(d.max(), Math.max(d.min(), median)), d.mean(), d.max());
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
        // Formats, channels, bit depths and orientations: one scan with a grouping set each.
        List<ImageSummary.FormatCount> formats = new ArrayList<>();
        Map<Integer, List<ImageSummary.ValueCount>> values = new HashMap<>();
        q(catalog, base + " SELECT coalesce(format, 'unknown'), nullif(channels, 0), nullif(bit_depth, 0),"
                        + " orientation, grouping(format), grouping(channels), grouping(bit_depth), count(*) FROM m"
                        + " GROUP BY GROUPING SETS ((format), (channels), (bit_depth), (orientation))"
                        + " ORDER BY 8 DESC, 1, 2, 3, 4", rs -> {
                    if (rs.getInt(5) == 0) {
                        formats.add(new ImageSummary.FormatCount(rs.getString(1), rs.getLong(8)));
                        return null;
                    }
                    int which = rs.getInt(6) == 0 ? 2 : rs.getInt(7) == 0 ? 3 : 4;
                    Object v = rs.getObject(which);
                    values.computeIfAbsent(which, k -> new ArrayList<>()).add(
                            new ImageSummary.ValueCount(v == null ? null : ((Number) v).intValue(), rs.getLong(8)));
                    return null;
                }, scope.params());
        // The indexer stores 0 or NULL for "not told" (a header without it, a missing file): both groups come
        // back with a null value and are summed into one "unknown" entry, listed last.
        Map<Integer, List<ImageSummary.ValueCount>> merged = new HashMap<>();
        for (Map.Entry<Integer, List<ImageSummary.ValueCount>> e : values.entrySet()) {
            Map<Integer, Long> sums = new LinkedHashMap<>();
            Long unknown = null;
            for (ImageSummary.ValueCount vc : e.getValue()) {
                if (vc.value() == null) {
                    unknown = (unknown == null ? 0 : unknown) + vc.images();
                } else {
                    sums.merge(vc.value(), vc.images(), Long::sum);
                }
            }
            List<ImageSummary.ValueCount> list = new ArrayList<>();
            sums.forEach((k, n) -> list.add(new ImageSummary.ValueCount(k, n)));
            list.sort(Comparator.comparing(ImageSummary.ValueCount::value));
            if (unknown != null) {
                list.add(new ImageSummary.ValueCount(null, unknown));
            }
            merged.put(e.getKey(), list);
        }
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
                Histogram.fromBins("bytes", 1, hist.getOrDefault(3, Map.of())), formats, common, distinct,
                merged.getOrDefault(2, List.of()), merged.getOrDefault(3, List.of()), merged.getOrDefault(4, List.of()));
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
        return dist(expr, true);
    }

    /** As {@link #dist(String)}; the median column is NULL when not {@code exact} (it is filled in later). */
    private static String dist(String expr, boolean exact) {
        return "min(" + expr + "), " + (exact ? "median(" + expr + ")" : "NULL::DOUBLE") + ", avg(" + expr
                + "), max(" + expr + ")";
    }

    private static Distribution distribution(ResultSet rs, int column, long count) throws SQLException {
        if (rs.getObject(column) == null) {
            return new Distribution(0, null, null, null, null);
        }
        Object median = rs.getObject(column + 1);
        return new Distribution(count, rs.getDouble(column), median == null ? null : rs.getDouble(column + 1),
                rs.getDouble(column + 2), rs.getDouble(column + 3));
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
