package loupe.core.curation;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import loupe.core.export.ManifestWriter;
import loupe.core.export.ShardWriter;
import loupe.core.formats.DatasetSource;
import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;
import loupe.core.index.Polygons;
import loupe.core.model.Annotation;
import loupe.core.model.BoundingBox;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.task.Progress;

/**
 * Evaluates {@link Recipe}s against an indexed catalog. Filters and relabelling run as SQL into temporary
 * tables ({@code cur_*}) private to this session; only the sequential steps (caps, group-aware splits,
 * oversampling) pull a compact per-image label table into Java and write their result back. Nothing is ever
 * written to the catalog's own tables or to the dataset, so evaluating again as a recipe is edited is cheap
 * and safe.
 *
 * <p>The session has its own connection to the catalog's database (DuckDB shares one database between the
 * connections of a process), which holds the temporary tables. Not thread-safe: one evaluation at a time.
 * {@link #selection()} streams the result of the last evaluation.
 */
public final class CurationSession implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CurationSession.class);

    private static final ObjectReader STRING_MAP = new ObjectMapper().readerFor(
            new TypeReference<Map<String, String>>() {
            });

    private final DuckDBConnection db;
    private final Path root;
    private List<ClassLabel> resultClasses;
    private List<Preview.SplitCounts> before;
    private long sourceImages = -1;
    private long sourceAnnotations;
    private Recipe evaluated;

    private CurationSession(DuckDBConnection db, Path root) {
        this.db = db;
        this.root = root;
    }

    /**
     * Opens a session on an indexed catalog (the catalog stays open and usable).
     *
     * @throws CatalogException when the catalog holds no index or cannot be connected to
     */
    public static CurationSession open(Catalog catalog) throws CatalogException {
        String rootValue = catalog.meta("root").orElseThrow(
                () -> new CatalogException("the catalog holds no index yet", null));
        try {
            DuckDBConnection db = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + catalog.file());
            return new CurationSession(db, Path.of(rootValue));
        } catch (SQLException e) {
            throw new CatalogException("cannot open a curation session on " + catalog.file(), e);
        }
    }

    /** The recipe of the last evaluation, or null before the first. */
    public Recipe evaluated() {
        return evaluated;
    }

    /**
     * Applies a recipe and returns the preview. Writes nothing but this session's temporary tables; the result
     * stays available through {@link #selection()} until the next evaluation.
     *
     * @throws RecipeException        when the recipe contradicts itself against this dataset
     * @throws java.util.concurrent.CancellationException when progress is cancelled
     */
    public Preview evaluate(Recipe recipe, Progress progress) throws IOException {
        Objects.requireNonNull(recipe, "recipe");
        List<String> notes = new ArrayList<>();
        List<Preview.Step> steps = new ArrayList<>();
        try {
            progress.update("selecting", 0, 5);
            List<ClassLabel> sourceClasses = sourceClasses();
            if (sourceImages < 0) {
                sourceImages = queryLong("SELECT count(*) FROM images");
                sourceAnnotations = queryLong("SELECT count(*) FROM annotations");
            }
            steps.add(new Preview.Step("source", sourceImages, sourceAnnotations));
            mapClasses(recipe, sourceClasses, notes);
            progress.checkCancelled();
            filterImages(recipe.filter(), sourceClasses, notes);
            steps.add(step("filter", "SELECT count(*) FROM cur_img",
                    "SELECT count(*) FROM annotations a JOIN cur_img c ON c.path = a.image_path"));
            progress.update("selecting", 1, 5);
            progress.checkCancelled();
            relabel(recipe);
            steps.add(step("labels", "SELECT count(*) FROM cur_img", "SELECT count(*) FROM cur_ann"));
            progress.update("selecting", 2, 5);
            progress.checkCancelled();
            sample(recipe, notes, steps, progress);
            progress.update("selecting", 4, 5);
            if (before == null) {
                before = beforeCounts();   // the source does not change while the session is open
            }
            long t0 = System.nanoTime();
            List<Preview.SplitCounts> after = afterCounts();
            LOG.debug("{} ms: counts after", (System.nanoTime() - t0) / 1_000_000);
            Preview preview = new Preview(before, after, steps,
                    resultClasses.stream().map(c -> new Preview.ClassEntry(c.id(), c.name())).toList(), notes);
            progress.update("selecting", 5, 5);
            evaluated = recipe;
            return preview;
        } catch (SQLException e) {
            throw new CatalogException("evaluating the recipe failed", e);
        }
    }

    private List<ClassLabel> sourceClasses() throws SQLException {
        List<ClassLabel> classes = new ArrayList<>();
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, name FROM classes ORDER BY id")) {
            while (rs.next()) {
                classes.add(new ClassLabel(rs.getInt(1), rs.getString(2)));
            }
        }
        return classes;
    }

    private Preview.Step step(String name, String imagesSql, String annotationsSql) throws SQLException {
        return new Preview.Step(name, queryLong(imagesSql), queryLong(annotationsSql));
    }

    private long queryLong(String sql) throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void execute(String sql, List<Object> parameters) throws SQLException {
        long t0 = System.nanoTime();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                ps.setObject(i + 1, parameters.get(i));
            }
            ps.execute();
        }
        LOG.debug("{} ms: {}", (System.nanoTime() - t0) / 1_000_000, sql.length() > 80 ? sql.substring(0, 80) : sql);
    }

    private void execute(String sql) throws SQLException {
        execute(sql, List.of());
    }

    // ------------------------------------------------------------------------------------------ classes

    /**
     * Fills {@code cur_map(src_id, dst_id, drop_boxes, drop_images)} and the result's class list: renamed and
     * merged names, the lowest source id of each name, dropped classes left out.
     */
    private void mapClasses(Recipe recipe, List<ClassLabel> classes, List<String> notes)
            throws SQLException, RecipeException {
        Recipe.Labels labels = recipe.labels();
        Map<String, String> newName = new HashMap<>();
        Set<String> known = new HashSet<>();
        classes.forEach(c -> known.add(c.name()));
        if (labels != null && labels.rename() != null) {
            labels.rename().forEach((from, to) -> {
                if (!known.contains(from)) {
                    notes.add("labels.rename names '" + from + "', which the dataset does not have");
                }
                newName.put(from, to);
            });
        }
        if (labels != null && labels.merge() != null) {
            for (Map.Entry<String, List<String>> e : labels.merge().entrySet()) {
                for (String from : e.getValue()) {
                    if (!known.contains(from)) {
                        notes.add("labels.merge." + e.getKey() + " names '" + from + "', which the dataset does not have");
                    }
                    String previous = newName.put(from, e.getKey());
                    if (previous != null && !previous.equals(e.getKey())) {
                        throw new RecipeException("labels.merge." + e.getKey(), "recipe: class '" + from
                                + "' is both renamed to '" + previous + "' and merged into '" + e.getKey() + "'");
                    }
                }
            }
        }
        Map<String, Integer> idOfName = new LinkedHashMap<>();
        for (ClassLabel c : classes) {
            idOfName.merge(newName.getOrDefault(c.name(), c.name()), c.id(), Math::min);
        }
        Set<String> dropBoxes = new HashSet<>(labels == null || labels.dropBoxes() == null ? List.of() : labels.dropBoxes());
        Set<String> dropImages = new HashSet<>(labels == null || labels.dropImages() == null ? List.of() : labels.dropImages());
        for (String name : dropBoxes) {
            if (!idOfName.containsKey(name)) {
                notes.add("labels.dropBoxes names '" + name + "', which the dataset does not have (after renaming)");
            }
        }
        for (String name : dropImages) {
            if (!idOfName.containsKey(name)) {
                notes.add("labels.dropImages names '" + name + "', which the dataset does not have (after renaming)");
            }
        }
        execute("CREATE OR REPLACE TEMP TABLE cur_map(src_id INTEGER, dst_id INTEGER, drop_boxes BOOLEAN,"
                + " drop_images BOOLEAN)");
        try (DuckDBAppender appender = db.createAppender("temp", "main", "cur_map")) {
            for (ClassLabel c : classes) {
                String name = newName.getOrDefault(c.name(), c.name());
                appender.beginRow().append(c.id()).append(idOfName.get(name)).append(dropBoxes.contains(name))
                        .append(dropImages.contains(name)).endRow();
            }
        }
        List<ClassLabel> result = new ArrayList<>();
        new TreeMap<>(invert(idOfName)).forEach((id, name) -> {
            if (!dropBoxes.contains(name) && !dropImages.contains(name)) {
                result.add(new ClassLabel(id, name));
            }
        });
        resultClasses = List.copyOf(result);
    }

    private static Map<Integer, String> invert(Map<String, Integer> map) {
        Map<Integer, String> out = new HashMap<>();
        map.forEach((k, v) -> out.put(v, k));
        return out;
    }

    // ------------------------------------------------------------------------------------------ filters

    /** {@code cur_img(path, split)}: the images every filter condition keeps, dropImages classes removed. */
    private void filterImages(Recipe.Filter f, List<ClassLabel> classes, List<String> notes) throws SQLException {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        boolean boxCount = false;
        if (f != null) {
            Set<String> known = new HashSet<>();
            classes.forEach(c -> known.add(c.name()));
            if (f.splits() != null && !f.splits().isEmpty()) {
                where.add("coalesce(i.split, '') IN (" + placeholders(f.splits().size()) + ")");
                params.addAll(f.splits());
            }
            if (f.paths() != null && !f.paths().isEmpty()) {
                List<String> globs = new ArrayList<>();
                for (String glob : f.paths()) {
                    globs.add("i.path GLOB ?");
                    params.add(glob);
                }
                where.add("(" + String.join(" OR ", globs) + ")");
            }
            range(where, params, "i.width", f.imageWidth());
            range(where, params, "i.height", f.imageHeight());
            if (f.boxCount() != null && f.boxCount().isSet()) {
                boxCount = true;
                range(where, params, "coalesce(bc.n, 0)", f.boxCount());
            }
            Recipe.ProblemFilter p = f.problems();
            if (p != null && p.any() != null && !p.any().isEmpty()) {
                where.add("i.path IN (SELECT path FROM problems WHERE kind IN (" + placeholders(p.any().size()) + "))");
                p.any().forEach(k -> params.add(k.toUpperCase(Locale.ROOT)));
            }
            if (p != null && p.none() != null && !p.none().isEmpty()) {
                where.add("i.path NOT IN (SELECT path FROM problems WHERE path IS NOT NULL AND kind IN ("
                        + placeholders(p.none().size()) + "))");
                p.none().forEach(k -> params.add(k.toUpperCase(Locale.ROOT)));
            }
            Recipe.ClassFilter c = f.classes();
            if (c != null) {
                String having = "SELECT a.image_path FROM annotations a JOIN classes k ON k.id = a.class_id WHERE k.name IN (";
                for (String[] entry : new String[][] {{"any", ""}, {"all", ""}, {"none", ""}}) {
                    List<String> names = switch (entry[0]) {
                        case "any" -> c.any();
                        case "all" -> c.all();
                        default -> c.none();
                    };
                    if (names == null || names.isEmpty()) {
                        continue;
                    }
                    for (String name : names) {
                        if (!known.contains(name)) {
                            notes.add("filter.classes." + entry[0] + " names '" + name + "', which the dataset does not have");
                        }
                    }
                    String sub = having + placeholders(names.size()) + ")";
                    switch (entry[0]) {
                        case "any" -> where.add("i.path IN (" + sub + ")");
                        case "all" -> where.add("i.path IN (" + sub + " GROUP BY a.image_path HAVING count(DISTINCT k.name) = "
                                + new HashSet<>(names).size() + ")");
                        default -> where.add("i.path NOT IN (" + sub + ")");
                    }
                    params.addAll(names);
                }
            }
        }
        String sql = "CREATE OR REPLACE TEMP TABLE cur_img AS SELECT i.path, i.split FROM images i"
                + (boxCount ? " LEFT JOIN (SELECT image_path, count(*) AS n FROM annotations WHERE x IS NOT NULL"
                + " GROUP BY image_path) bc ON bc.image_path = i.path" : "")
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
        execute(sql, params);
    }

    private static void range(List<String> where, List<Object> params, String expression, Recipe.Range r) {
        if (r == null) {
            return;
        }
        if (r.min() != null) {
            where.add(expression + " >= ?");
            params.add(r.min());
        }
        if (r.max() != null) {
            where.add(expression + " <= ?");
            params.add(r.max());
        }
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    // ------------------------------------------------------------------------------------------ labels

    /** Drops images of dropImages classes, builds {@code cur_ann} (mapped, filtered boxes), drops empty images. */
    private void relabel(Recipe recipe) throws SQLException {
        execute("DELETE FROM cur_img WHERE path IN (SELECT a.image_path FROM annotations a"
                + " JOIN cur_map m ON m.src_id = a.class_id WHERE m.drop_images)");
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        where.add("NOT coalesce(m.drop_boxes, false)");
        Recipe.Filter f = recipe.filter();
        if (f != null) {
            List<String> box = new ArrayList<>();
            range(box, params, "a.w", f.boxWidth());
            range(box, params, "a.h", f.boxHeight());
            range(box, params, "a.w * a.h", f.boxArea());
            if (!box.isEmpty()) {
                where.add("(a.x IS NULL OR (" + String.join(" AND ", box) + "))");
            }
        }
        // Narrow on purpose: geometry, polygons and attributes are joined back by rowid only when writing,
        // so an evaluation copies three columns, not every polygon.
        execute("CREATE OR REPLACE TEMP TABLE cur_ann AS SELECT a.rowid AS aid, a.image_path,"
                + " coalesce(m.dst_id, a.class_id) AS class_id"
                + " FROM annotations a JOIN cur_img c ON c.path = a.image_path"
                + " LEFT JOIN cur_map m ON m.src_id = a.class_id WHERE " + String.join(" AND ", where), params);
        Recipe.Labels labels = recipe.labels();
        if (labels != null && Boolean.TRUE.equals(labels.dropEmptyImages())) {
            execute("DELETE FROM cur_img WHERE path NOT IN (SELECT image_path FROM cur_ann)");
        }
    }

    // ------------------------------------------------------------------------------------------ sampling

    /** Caps, split and oversampling into {@code cur_sel(path, split, repeats)}. */
    private void sample(Recipe recipe, List<String> notes, List<Preview.Step> steps, Progress progress)
            throws SQLException, IOException {
        execute("CREATE OR REPLACE TEMP TABLE cur_sel(path VARCHAR, split VARCHAR, repeats INTEGER)");
        Recipe.Balance balance = recipe.balance();
        boolean caps = balance != null && (balance.maxImagesPerClass() != null || balance.maxInstancesPerClass() != null);
        boolean oversample = balance != null && balance.oversample() != null;
        String method = recipe.method();
        if (!caps && !oversample && method.equals("keep")) {
            // Nothing sequential to do: stay in SQL.
            execute("INSERT INTO cur_sel SELECT path, split, 1 FROM cur_img");
            return;
        }
        long t0 = System.nanoTime();
        Items items = loadItems(recipe.effectiveSeed());
        LOG.debug("{} ms: loaded {} images' labels", (System.nanoTime() - t0) / 1_000_000, items.size);
        progress.checkCancelled();
        boolean[] keep = Balancer.undersample(items, caps ? balance.maxImagesPerClass() : null,
                caps ? balance.maxInstancesPerClass() : null);
        if (caps) {
            long kept = 0;
            for (boolean k : keep) {
                kept += k ? 1 : 0;
            }
            long annotations = 0;
            for (int i = 0; i < items.size; i++) {
                if (keep[i]) {
                    for (int k = items.start[i]; k < items.start[i + 1]; k++) {
                        annotations += items.instances[k];
                    }
                }
            }
            steps.add(new Preview.Step("balance", kept, annotations));
        }
        progress.checkCancelled();
        String[] split;
        if (method.equals("keep")) {
            split = items.sourceSplits.clone();
        } else {
            Splitter.Groups groups = groups(recipe, items, notes);
            split = Splitter.assign(items, keep, groups, recipe.normalisedRatios(), method.equals("stratified"),
                    recipe.effectiveSeed());
        }
        progress.checkCancelled();
        LOG.debug("{} ms: sampled and split", (System.nanoTime() - t0) / 1_000_000);
        int[] repeats;
        if (oversample) {
            Recipe.Oversample o = balance.oversample();
            Set<String> splits = new LinkedHashSet<>(o.splits() == null ? List.of("train") : o.splits());
            repeats = Balancer.oversample(items, keep, split, splits, o.targetRatio(),
                    "instances".equals(o.by()), o.maxRepeats() == null ? Balancer.DEFAULT_MAX_REPEATS : o.maxRepeats());
        } else {
            repeats = new int[items.size];
            for (int i = 0; i < items.size; i++) {
                repeats[i] = keep[i] ? 1 : 0;
            }
        }
        try (DuckDBAppender appender = db.createAppender("temp", "main", "cur_sel")) {
            for (int i = 0; i < items.size; i++) {
                if (repeats[i] > 0) {
                    appender.beginRow().append(items.paths[i]);
                    if (split[i] == null) {
                        appender.appendNull();
                    } else {
                        appender.append(split[i]);
                    }
                    appender.append(repeats[i]).endRow();
                }
            }
        }
        LOG.debug("{} ms: selection written", (System.nanoTime() - t0) / 1_000_000);
        if (oversample) {
            steps.add(new Preview.Step("oversample", queryLong("SELECT sum(repeats) FROM cur_sel"),
                    queryLong("SELECT sum(s.repeats) FROM cur_ann a JOIN cur_sel s ON s.path = a.image_path")));
        }
    }

    /**
     * The selected images with their label counts, sorted by path. Two queries: paths once, then labels as
     * (image index, class, count) integers, which cross JDBC far faster than a path string per label.
     */
    private Items loadItems(long seed) throws SQLException {
        execute("CREATE OR REPLACE TEMP TABLE cur_idx AS SELECT path, split,"
                + " (row_number() OVER (ORDER BY path) - 1)::INTEGER AS idx FROM cur_img");
        int n = (int) queryLong("SELECT count(*) FROM cur_idx");
        String[] paths = new String[n];
        String[] splits = new String[n];
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT idx, path, split FROM cur_idx ORDER BY idx")) {
            while (rs.next()) {
                int i = rs.getInt(1);
                paths[i] = rs.getString(2);
                splits[i] = rs.getString(3);
            }
        }
        int[] start = new int[n + 1];
        IntList images = new IntList();
        IntList classIds = new IntList();
        IntList counts = new IntList();
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT x.idx, a.class_id, count(*)::INTEGER FROM cur_ann a"
                     + " JOIN cur_idx x ON x.path = a.image_path GROUP BY ALL ORDER BY 1, 2")) {
            while (rs.next()) {
                images.add(rs.getInt(1));
                classIds.add(rs.getInt(2));
                counts.add(rs.getInt(3));
            }
        }
        for (int k = 0; k < images.size; k++) {
            start[images.values[k] + 1]++;
        }
        for (int i = 0; i < n; i++) {
            start[i + 1] += start[i];
        }
        int[] distinct = java.util.Arrays.stream(classIds.toArray()).distinct().sorted().toArray();
        Map<Integer, Integer> dense = new HashMap<>();
        for (int k = 0; k < distinct.length; k++) {
            dense.put(distinct[k], k);
        }
        int[] classIndex = new int[classIds.size];
        for (int k = 0; k < classIds.size; k++) {
            classIndex[k] = dense.get(classIds.values[k]);
        }
        return new Items(paths, splits, start, classIndex, counts.toArray(), distinct, seed);
    }

    /** A growable int array (avoids boxing a million labels). */
    private static final class IntList {
        int[] values = new int[1024];
        int size;

        void add(int v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }

    private Splitter.Groups groups(Recipe recipe, Items items, List<String> notes) throws IOException {
        Splitter.Groups groups = new Splitter.Groups(items.size);
        if (recipe.split() == null || recipe.split().groupBy() == null) {
            return groups;
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < items.size; i++) {
            index.put(items.paths[i], i);
        }
        GroupSource.Context context = new GroupSource.Context() {
            @Override
            public void forEachSelectedPath(GroupSource.PathConsumer consumer) throws IOException {
                for (String path : items.paths) {
                    consumer.accept(path);
                }
            }

            @Override
            public void forEachKey(String sql, GroupSource.KeySink sink) throws IOException {
                try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                    while (rs.next()) {
                        sink.accept(rs.getString(1), rs.getString(2));
                    }
                } catch (SQLException e) {
                    throw new CatalogException("reading group keys failed", e);
                }
            }

            @Override
            public List<String> columns(String table) throws IOException {
                List<String> columns = new ArrayList<>();
                try (PreparedStatement ps = db.prepareStatement("SELECT column_name FROM information_schema.columns"
                        + " WHERE table_name = ? ORDER BY ordinal_position")) {
                    ps.setString(1, table);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            columns.add(rs.getString(1).toLowerCase(Locale.ROOT));
                        }
                    }
                } catch (SQLException e) {
                    throw new CatalogException("reading the catalog's tables failed", e);
                }
                return columns;
            }

            @Override
            public void note(String note) {
                notes.add(note);
            }
        };
        for (Recipe.GroupRule rule : recipe.split().groupBy()) {
            Map<String, Integer> firstOfKey = new HashMap<>();
            GroupSources.byId(rule.by()).keys(rule, context, (path, key) -> {
                Integer i = index.get(path);
                if (i == null) {
                    return;
                }
                Integer first = firstOfKey.putIfAbsent(key, i);
                if (first != null) {
                    groups.union(first, i);
                }
            });
        }
        return groups;
    }

    // ------------------------------------------------------------------------------------------ counts

    private List<Preview.SplitCounts> beforeCounts() throws SQLException {
        Map<Integer, String> names = new HashMap<>();
        sourceClasses().forEach(c -> names.put(c.id(), c.name()));
        return counts("SELECT coalesce(split, ''), count(*), count(*) FROM images GROUP BY 1",
                "SELECT coalesce(i.split, ''), count(*) FROM annotations a JOIN images i ON i.path = a.image_path"
                        + " GROUP BY 1",
                "SELECT coalesce(i.split, ''), a.class_id, count(DISTINCT a.image_path), count(*) FROM annotations a"
                        + " JOIN images i ON i.path = a.image_path GROUP BY ALL", names);
    }

    private List<Preview.SplitCounts> afterCounts() throws SQLException {
        Map<Integer, String> names = new HashMap<>();
        resultClasses.forEach(c -> names.put(c.id(), c.name()));
        return counts("SELECT coalesce(split, ''), sum(repeats), count(*) FROM cur_sel GROUP BY 1",
                "SELECT coalesce(s.split, ''), sum(s.repeats) FROM cur_ann a JOIN cur_sel s ON s.path = a.image_path"
                        + " GROUP BY 1",
                "WITH per AS (SELECT image_path, class_id, count(*) AS n FROM cur_ann GROUP BY ALL)"
                        + " SELECT coalesce(s.split, ''), per.class_id, sum(s.repeats), sum(s.repeats * per.n)"
                        + " FROM per JOIN cur_sel s ON s.path = per.image_path GROUP BY ALL", names);
    }

    private List<Preview.SplitCounts> counts(String imagesSql, String annotationsSql, String classesSql,
                                             Map<Integer, String> names) throws SQLException {
        Map<String, long[]> images = new TreeMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(imagesSql)) {
            while (rs.next()) {
                images.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), 0});
            }
        }
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(annotationsSql)) {
            while (rs.next()) {
                images.computeIfAbsent(rs.getString(1), k -> new long[3])[2] = rs.getLong(2);
            }
        }
        Map<String, List<Preview.ClassCount>> classes = new HashMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(classesSql)) {
            while (rs.next()) {
                int id = rs.getInt(2);
                classes.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(new Preview.ClassCount(id, names.get(id), rs.getLong(3), rs.getLong(4)));
            }
        }
        List<Preview.SplitCounts> out = new ArrayList<>();
        images.forEach((split, n) -> {
            List<Preview.ClassCount> list = new ArrayList<>(classes.getOrDefault(split, List.of()));
            list.sort(java.util.Comparator.comparingInt(Preview.ClassCount::id));
            out.add(new Preview.SplitCounts(split.isEmpty() ? null : split, n[0], n[1], n[2], list));
        });
        return out;
    }

    // ------------------------------------------------------------------------------------------ result

    /**
     * The result of the last evaluation as a dataset to write: the selected images in path order, each once,
     * with its new split and its relabelled annotations; the class list after relabelling.
     *
     * @throws IllegalStateException before the first evaluation
     */
    public DatasetSource selection() {
        if (evaluated == null) {
            throw new IllegalStateException("evaluate a recipe first");
        }
        List<ClassLabel> classes = resultClasses;
        return new DatasetSource() {
            @Override
            public Path root() {
                return root;
            }

            @Override
            public List<ClassLabel> classes() {
                return classes;
            }

            @Override
            public long imageCount() {
                try {
                    return queryLong("SELECT count(*) FROM cur_sel");
                } catch (SQLException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }

            @Override
            public ShapeCounts shapeCounts() throws IOException {
                try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT count(*) FILTER (WHERE a.x IS NOT NULL), count(*) FILTER (WHERE a.x IS NOT NULL AND"
                                + " a.polygons IS NOT NULL) FROM cur_ann c JOIN cur_sel s ON s.path = c.image_path"
                                + " JOIN annotations a ON a.rowid = c.aid")) {
                    rs.next();
                    return new ShapeCounts(rs.getLong(1), rs.getLong(2));
                } catch (SQLException e) {
                    throw new CatalogException("reading the selection failed", e);
                }
            }

            @Override
            public void forEachImage(ImageVisitor visitor) throws IOException {
                streamSelection(visitor);
            }
        };
    }

    private void streamSelection(DatasetSource.ImageVisitor visitor) throws IOException {
        List<Annotation> annotations = new ArrayList<>();
        ImageItem current = null;
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT i.path, coalesce(i.size, -1), coalesce(i.mtime, -1), coalesce(i.width, 0),"
                        + " coalesce(i.height, 0), i.format, s.split, c.class_id, a.x, a.y, a.w, a.h, a.polygons,"
                        + " a.crowd, a.attributes FROM cur_sel s JOIN images i ON i.path = s.path"
                        + " LEFT JOIN cur_ann c ON c.image_path = s.path LEFT JOIN annotations a ON a.rowid = c.aid"
                        + " ORDER BY i.path, c.aid")) {
            while (rs.next()) {
                String path = rs.getString(1);
                if (current == null || !current.path().equals(path)) {
                    if (current != null) {
                        visitor.visit(current, List.copyOf(annotations));
                        annotations.clear();
                    }
                    current = new ImageItem(path, rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getInt(5),
                            rs.getString(6), rs.getString(7));
                }
                int classId = rs.getInt(8);
                if (rs.wasNull()) {
                    continue;
                }
                double x = rs.getDouble(9);
                BoundingBox box = rs.wasNull() ? null
                        : new BoundingBox(x, rs.getDouble(10), rs.getDouble(11), rs.getDouble(12));
                String attributes = rs.getString(15);
                annotations.add(new Annotation(path, classId, box, Polygons.decode(rs.getBytes(13)), rs.getBoolean(14),
                        attributes(attributes)));
            }
        } catch (SQLException e) {
            throw new CatalogException("reading the selection failed", e);
        }
        if (current != null) {
            visitor.visit(current, List.copyOf(annotations));
        }
    }

    /**
     * The result of the last evaluation for {@link ManifestWriter} and {@link ShardWriter}: the selected images with
     * their new splits, each once per repeat (oversampling), their relabelled annotations and the class list after
     * relabelling, in this session's temporary tables ({@code cur_x_*}, rebuilt by each call). Valid until the
     * next evaluation; use it on the thread that evaluates.
     *
     * @throws IllegalStateException before the first evaluation
     */
    public ManifestWriter.Selection exportSelection() throws CatalogException {
        if (evaluated == null) {
            throw new IllegalStateException("evaluate a recipe first");
        }
        try {
            execute("CREATE OR REPLACE TEMP TABLE cur_x_classes(id INTEGER, name VARCHAR)");
            try (DuckDBAppender appender = db.createAppender("temp", "main", "cur_x_classes")) {
                for (ClassLabel c : resultClasses) {
                    appender.beginRow().append(c.id()).append(c.name()).endRow();
                }
            }
            // images' own columns with the new split, one row per repeat.
            execute("CREATE OR REPLACE TEMP TABLE cur_x_images AS SELECT i.* REPLACE (s.split AS split), r.rep"
                    + " FROM cur_sel s JOIN images i ON i.path = s.path"
                    + " CROSS JOIN LATERAL (SELECT unnest(range(s.repeats::BIGINT)) AS rep) r"
                    + " ORDER BY i.path, r.rep");
            // The columns of the catalog's image_labels (see Catalog), over the relabelled annotations.
            execute("CREATE OR REPLACE TEMP TABLE cur_x_labels AS " + Catalog.imageLabelsSelect("cur_x_classes",
                    "SELECT c.image_path AS path, c.class_id AS id, count(*) AS count, count(a.x) AS boxes"
                            + " FROM cur_ann c JOIN cur_sel s ON s.path = c.image_path"
                            + " JOIN annotations a ON a.rowid = c.aid GROUP BY ALL",
                    "cur_x_images", "i.path, i.rep"));
            boolean repeats = queryLong("SELECT count(*) FROM cur_sel WHERE repeats > 1") > 0;
            return new ManifestWriter.Selection() {
                @Override
                public String images() {
                    return "cur_x_images";
                }

                @Override
                public String labels() {
                    return "cur_x_labels";
                }

                @Override
                public String annotations() {
                    return "(SELECT c.image_path, c.class_id, a.x, a.y, a.w, a.h, a.polygons, a.crowd, a.attributes,"
                            + " c.aid AS ord FROM cur_ann c JOIN annotations a ON a.rowid = c.aid)";
                }

                @Override
                public String classes() {
                    return "cur_x_classes";
                }

                @Override
                public boolean repeats() {
                    return repeats;
                }

                @Override
                public boolean csvColumns() {
                    return true;
                }

                @Override
                public long queryLong(String sql) throws CatalogException {
                    try {
                        return CurationSession.this.queryLong(sql);
                    } catch (SQLException e) {
                        throw new CatalogException("reading the selection failed", e);
                    }
                }

                @Override
                public void forEachRow(String sql, Catalog.RowConsumer consumer) throws IOException {
                    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                        while (rs.next()) {
                            consumer.accept(rs);
                        }
                    } catch (SQLException e) {
                        throw new CatalogException("reading the selection failed", e);
                    }
                }
            };
        } catch (SQLException e) {
            throw new CatalogException("preparing the selection failed", e);
        }
    }

    /**
     * An annotation's attributes from the catalog's JSON text. The indexer writes a flat object of strings
     * ({@code {"area":"792.0","id":"742598"}}): such text without escapes is split here, which was several times
     * faster than a Jackson parse per annotation; anything else (escapes, non-string values) goes to Jackson.
     */
    static Map<String, String> attributes(String json) throws IOException {
        if (json == null || json.equals("{}")) {
            return Map.of();
        }
        Map<String, String> simple = flatStrings(json);
        return simple != null ? simple : STRING_MAP.readValue(json);
    }

    /** {@code {"k":"v",...}} without backslashes or spaces, else null. */
    private static Map<String, String> flatStrings(String json) {
        int n = json.length();
        if (n < 2 || json.charAt(0) != '{' || json.charAt(n - 1) != '}' || json.indexOf('\\') >= 0) {
            return null;
        }
        Map<String, String> map = new HashMap<>();
        int i = 1;
        while (i < n - 1) {
            if (json.charAt(i) != '"') {
                return null;
            }
            int keyEnd = json.indexOf('"', i + 1);
            if (keyEnd < 0 || keyEnd + 2 >= n || json.charAt(keyEnd + 1) != ':' || json.charAt(keyEnd + 2) != '"') {
                return null;
            }
            int valueEnd = json.indexOf('"', keyEnd + 3);
            if (valueEnd < 0) {
                return null;
            }
            if (map.put(json.substring(i + 1, keyEnd), json.substring(keyEnd + 3, valueEnd)) != null) {
                return null;   // a repeated key: let Jackson decide
            }
            i = valueEnd + 1;
            if (json.charAt(i) == ',') {
                i++;
                if (i >= n - 1) {
                    return null;
                }
            } else if (i != n - 1) {
                return null;
            }
        }
        return map;
    }

    /** Receives one item of a split list. */
    @FunctionalInterface
    public interface ListConsumer {
        void accept(String split, String path, int repeats) throws IOException;
    }

    /** Visits the selected items by split then path, with their repeat counts (1 without oversampling). */
    public void forEachItem(ListConsumer consumer) throws IOException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT split, path, repeats FROM cur_sel ORDER BY split NULLS FIRST, path")) {
            while (rs.next()) {
                consumer.accept(rs.getString(1), rs.getString(2), rs.getInt(3));
            }
        } catch (SQLException e) {
            throw new CatalogException("reading the selection failed", e);
        }
    }

    /** True when the last evaluation repeated any item. */
    public boolean hasRepeats() throws IOException {
        try {
            return queryLong("SELECT count(*) FROM cur_sel WHERE repeats > 1") > 0;
        } catch (SQLException e) {
            throw new CatalogException("reading the selection failed", e);
        }
    }

    @Override
    public void close() throws CatalogException {
        try {
            db.close();
        } catch (SQLException e) {
            throw new CatalogException("cannot close the curation session", e);
        }
    }
}
