package loupe.ui.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.IndexResult;
import loupe.core.index.Indexer;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.Statistics;
import loupe.core.task.Job;
import loupe.core.task.Progress;

/**
 * Indexes a folder into its catalog and reads back what the main window shows. The catalog is opened and closed
 * inside {@link #run}, so on whatever thread runs the job (never the FX thread): DuckDB calls block.
 */
final class IndexJob implements Job<DatasetOverview> {

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
        try (Catalog catalog = Catalog.open(catalogFile)) {
            IndexResult result = new Indexer(options).index(catalog, root, progress);
            progress.update("loading", 0, 1);
            List<DatasetOverview.ImageRow> images = catalog.query(
                    "SELECT path, split, width, height, format, present FROM images ORDER BY path LIMIT "
                            + imageLimit,
                    rs -> new DatasetOverview.ImageRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
                            rs.getString(5), rs.getBoolean(6)));
            long imageCount = catalog.queryLong("SELECT count(*) FROM images");
            // Only what the window shows: Statistics.compute also counts every split, which took seconds on a
            // million images.
            List<DatasetStats.ClassCount> classes = catalog.query("SELECT c.id, c.name, coalesce(n.instances, 0),"
                            + " coalesce(n.images, 0) FROM classes c LEFT JOIN (SELECT class_id, count(*) AS instances,"
                            + " count(DISTINCT image_path) AS images FROM annotations GROUP BY class_id) n"
                            + " ON n.class_id = c.id ORDER BY c.id",
                    rs -> new DatasetStats.ClassCount(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
            List<DatasetStats.ProblemEntry> problems = catalog.query("SELECT severity, kind, path, location, message"
                            + " FROM problems ORDER BY CASE severity WHEN 'ERROR' THEN 0 WHEN 'WARNING' THEN 1 ELSE 2 END,"
                            + " kind, path LIMIT " + problemLimit,
                    rs -> new DatasetStats.ProblemEntry(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5)));
            long problemCount = Statistics.problemCount(catalog);
            progress.update("loading", 1, 1);
            return new DatasetOverview(result, images, imageCount, classes, problems, problemCount);
        }
    }
}
