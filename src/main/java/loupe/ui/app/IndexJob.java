package loupe.ui.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import loupe.core.formats.Formats;
import loupe.core.index.Catalog;
import loupe.core.index.CatalogException;
import loupe.core.index.IndexOptions;
import loupe.core.index.IndexResult;
import loupe.core.index.Indexer;
import loupe.core.query.CatalogOpener;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.Statistics;
import loupe.core.task.Job;
import loupe.core.task.Progress;

/**
 * Indexes a folder into its catalog and reads back what the main window shows. The catalog is opened and closed
 * inside {@link #run}, so on whatever thread runs the job (never the FX thread): DuckDB calls block.
 *
 * <p>A folder indexed before is opened in two steps instead, so that the window shows it at once: {@link Reopen}
 * reads the catalog as it is with cheap queries (no file is looked at), then {@link Check} re-indexes in the
 * background (only what changed is read) and says whether anything did.
 */
final class IndexJob implements Job<DatasetOverview> {

    /** Up to this many annotations the classes are counted when a folder is reopened (milliseconds). */
    static final long CHEAP_CLASS_COUNTS = 200_000;

    private final Path root;
    private final Path catalogFile;
    private final IndexOptions options;
    private final int imageLimit;
    private final int problemLimit;

    IndexJob(Path root, Path catalogFile, IndexOptions options, int imageLimit, int problemLimit) {
        this.root = root;
        this.catalogFile = catalogFile;
        this.options = options;
        this.imageLimit = imageLimit;
        this.problemLimit = problemLimit;
    }

    @Override
    public String title() {
        return "Indexing " + root;
    }

    @Override
    public DatasetOverview run(Progress progress) throws IOException {
        try (Catalog catalog = CatalogOpener.open(catalogFile)) {
            IndexResult result = new Indexer(options).index(catalog, root, progress);
            progress.update("loading", 0, 1);
            DatasetOverview overview = overview(catalog, result, imageLimit, problemLimit, true);
            progress.update("loading", 1, 1);
            return overview;
        }
    }

    /**
     * What the window shows, read from {@code catalog}. Without {@code classCounts} the classes come with zero
     * counts: counting the images of every class scans all annotations (seconds on millions).
     */
    static DatasetOverview overview(Catalog catalog, IndexResult result, int imageLimit, int problemLimit,
                                    boolean classCounts) throws CatalogException {
        List<DatasetOverview.ImageRow> images = catalog.query(
                "SELECT path, split, width, height, format, present FROM images ORDER BY path LIMIT " + imageLimit,
                rs -> new DatasetOverview.ImageRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
                        rs.getString(5), rs.getBoolean(6)));
        long imageCount = catalog.queryLong("SELECT count(*) FROM images");
        List<DatasetStats.ClassCount> classes = classCounts ? classCounts(catalog)
                : catalog.query("SELECT id, name FROM classes ORDER BY id",
                        rs -> new DatasetStats.ClassCount(rs.getInt(1), rs.getString(2), 0, 0));
        List<DatasetStats.ProblemEntry> problems = catalog.query("SELECT severity, kind, path, location, message"
                        + " FROM problems ORDER BY CASE severity WHEN 'ERROR' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END,"
                        + " kind, path LIMIT " + problemLimit,
                rs -> new DatasetStats.ProblemEntry(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5)));
        long problemCount = Statistics.problemCount(catalog);
        return new DatasetOverview(result, images, imageCount, classes, problems, problemCount);
    }

    /** Every class with its annotation and image counts. Only what the window shows: Statistics.compute also
     * counts every split, which took seconds on a million images. */
    static List<DatasetStats.ClassCount> classCounts(Catalog catalog) throws CatalogException {
        return catalog.query("SELECT c.id, c.name, coalesce(n.instances, 0),"
                        + " coalesce(n.images, 0) FROM classes c LEFT JOIN (SELECT class_id, count(*) AS instances,"
                        + " count(DISTINCT image_path) AS images FROM annotations GROUP BY class_id) n"
                        + " ON n.class_id = c.id ORDER BY c.id",
                rs -> new DatasetStats.ClassCount(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
    }

    /**
     * An indexed catalog opened as it is, and the connection left open for the {@link Check} that follows (the
     * database stays loaded, so the gallery's session opens it at no cost). The receiver closes {@code catalog}.
     */
    record Reopened(DatasetOverview overview, Catalog catalog) {
    }

    /**
     * Opens the catalog of a folder indexed before and reads what the window shows with cheap queries (counts,
     * first rows; the class counts of a big dataset are left for the check). Returns null, with the catalog closed, when the catalog has
     * no complete index of this folder: then the folder needs a plain {@link IndexJob}.
     */
    static final class Reopen implements Job<Reopened> {
        private final Path root;
        private final Path catalogFile;
        private final int imageLimit;
        private final int problemLimit;

        Reopen(Path root, Path catalogFile, int imageLimit, int problemLimit) {
            this.root = root;
            this.catalogFile = catalogFile;
            this.imageLimit = imageLimit;
            this.problemLimit = problemLimit;
        }

        @Override
        public String title() {
            return "Opening " + root;
        }

        @Override
        public Reopened run(Progress progress) throws IOException {
            if (!Files.isRegularFile(catalogFile) || !Files.isDirectory(root)) {
                return null;
            }
            progress.update("starting", 0, 1);
            Catalog catalog = CatalogOpener.open(catalogFile);
            try {
                String format = catalog.meta("format").orElse("");
                if (!catalog.isIndexed() || Formats.byId(format).isEmpty()
                        || !root.toString().equals(catalog.meta("root").orElse(""))) {
                    catalog.close();
                    return null;
                }
                IndexResult result = new IndexResult(root.toString(), format, catalog.meta("format_reason").orElse(""),
                        catalog.meta("files").map(Long::parseLong).orElse(0L),
                        catalog.queryLong("SELECT count(*) FROM images"),
                        catalog.queryLong("SELECT count(*) FROM annotations"),
                        catalog.queryLong("SELECT count(*) FROM classes"),
                        catalog.queryLong("SELECT count(*) FROM problems"), 0, 0, 0, 0, Map.of());
                DatasetOverview overview = overview(catalog, result, imageLimit, problemLimit,
                        result.annotations() <= CHEAP_CLASS_COUNTS);
                return new Reopened(overview, catalog);
            } catch (IOException | RuntimeException e) {
                catalog.close();
                throw e;
            }
        }
    }

    /**
     * What the background check found: the class counts, and the new overview when the index changed (null when
     * nothing did).
     */
    record Checked(List<DatasetStats.ClassCount> classes, DatasetOverview changed) {
    }

    /**
     * Re-indexes a reopened folder on its open catalog (only what changed is read; nothing when no file changed)
     * and counts its classes. Closes the catalog.
     */
    static final class Check implements Job<Checked> {
        private final Path root;
        private final Catalog catalog;
        private final IndexOptions options;
        private final Runnable waitTurn;
        private final int imageLimit;
        private final int problemLimit;

        /**
         * @param waitTurn blocks until the foreground work (the gallery's first page) is done: the check then
         *                 does not compete with it for the cores
         */
        Check(Path root, Catalog catalog, IndexOptions options, Runnable waitTurn, int imageLimit,
              int problemLimit) {
            this.root = root;
            this.catalog = catalog;
            this.options = options;
            this.waitTurn = waitTurn;
            this.imageLimit = imageLimit;
            this.problemLimit = problemLimit;
        }

        @Override
        public String title() {
            return "Checking " + root + " for changes";
        }

        @Override
        public Checked run(Progress progress) throws IOException {
            try (catalog) {
                waitTurn.run();
                progress.checkCancelled();
                String before = state(catalog);
                IndexResult result = new Indexer(options).index(catalog, root, progress);
                List<DatasetStats.ClassCount> classes = classCounts(catalog);
                if (before.equals(state(catalog))) {
                    return new Checked(classes, null);
                }
                return new Checked(classes, overview(catalog, result, imageLimit, problemLimit, true));
            }
        }

        /** Changes when an index read anything: the files' fingerprint, or what the checks found. */
        private static String state(Catalog catalog) throws CatalogException {
            return catalog.meta("files_fingerprint").orElse("") + "|" + catalog.meta("format").orElse("") + "|"
                    + catalog.queryLong("SELECT count(*) FROM problems") + "|"
                    + catalog.queryLong("SELECT count(*) FROM images") + "|"
                    + catalog.queryLong("SELECT count(*) FROM annotations");
        }
    }
}
