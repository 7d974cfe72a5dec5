package loupe.core.curation;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.export.AtomicOutput;
import loupe.core.export.Converter;
import loupe.core.formats.ConversionReport;
import loupe.core.formats.DatasetFormat;
import loupe.core.formats.DatasetSource;
import loupe.core.formats.DatasetWriter;
import loupe.core.formats.Formats;
import loupe.core.formats.ImageMode;
import loupe.core.formats.UnknownFormatException;
import loupe.core.formats.WriteTarget;
import loupe.core.index.Catalog;
import loupe.core.index.IndexOptions;
import loupe.core.index.IndexResult;
import loupe.core.index.Indexer;
import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.task.Progress;

/**
 * Exports the subset a recipe selects: indexes the source (incrementally), evaluates the recipe, and writes the
 * selected, relabelled and re-split items through the target format's writer into a folder renamed into place
 * only when everything was written. Next to the data it writes the conversion report
 * ({@value Converter#REPORT_FILE}), the effective recipe with its seed ({@value #RECIPE_FILE}, which replays the
 * export byte for byte) and, when oversampling repeated items, one list per split ({@code loupe-lists/SPLIT.txt}:
 * the items' source paths, each as many times as it is repeated). The source is never written to.
 */
public final class Exporter {

    /** The effective recipe written into the output. */
    public static final String RECIPE_FILE = "loupe-recipe.json";

    /** Threads making hard links while the writer writes. */
    private static final int LINK_THREADS = 2;

    /** The folder of per-split item lists (written when items are repeated). */
    public static final String LISTS_FOLDER = "loupe-lists";

    /**
     * @param fromFormat source format id, or null to detect
     * @param toFormat   target format id, or null for the source's format
     * @param seed       overrides the recipe's seed, or null
     * @param dryRun     evaluate and preview only; write nothing
     * @param reindex    bring the catalog up to date first (incremental); false trusts an indexed catalog as it
     *                   is (the UI, which has just indexed), and still indexes a catalog that never was
     */
    public record Options(String fromFormat, String toFormat, ImageMode images, boolean overwrite, int threads,
                          Long seed, boolean dryRun, boolean reindex) {

        public Options(String fromFormat, String toFormat, ImageMode images, boolean overwrite, int threads,
                       Long seed, boolean dryRun) {
            this(fromFormat, toFormat, images, overwrite, threads, seed, dryRun, true);
        }
    }

    /**
     * @param report the conversion report, or null on a dry run
     * @param recipe the effective recipe (version and seed filled in)
     */
    public record Result(Preview preview, ConversionReport report, Recipe recipe, String format, Path output) {
    }

    /**
     * @throws UnknownFormatException when the target format is unknown or cannot be written
     * @throws RecipeException        when the recipe does not fit the dataset
     * @throws IOException            when the output overlaps the source, exists and is not empty, or cannot be
     *                                written
     * @throws java.util.concurrent.CancellationException when cancelled (nothing is left behind)
     */
    public Result export(Path source, Path output, Catalog catalog, Recipe recipe, Options options,
                         Progress progress) throws IOException {
        Path src = source.toAbsolutePath().normalize();
        Path out = output.toAbsolutePath().normalize();
        if (out.startsWith(src) || src.startsWith(out)) {
            throw new IOException("the output " + out + " overlaps the source " + src
                    + "; Loupe never writes into a dataset it reads");
        }
        if (options.toFormat() != null) {
            writerFor(options.toFormat());
        }
        if (!options.dryRun() && !options.overwrite() && Files.exists(out)) {
            // Fail before the (possibly long) indexing; AtomicOutput checks again when writing.
            AtomicOutput.create(out, false).close();
        }
        String sourceFormat;
        if (options.reindex() || !catalog.isIndexed()) {
            IndexResult indexed = new Indexer(new IndexOptions(options.threads(), options.fromFormat()))
                    .index(catalog, src, progress);
            sourceFormat = indexed.format();
        } else {
            String root = catalog.meta("root").orElse("");
            if (!Path.of(root).toAbsolutePath().normalize().equals(src)) {
                throw new IOException("the catalog " + catalog.file() + " indexes " + root + ", not " + src);
            }
            sourceFormat = catalog.meta("format").orElse(null);
        }
        String to = options.toFormat() != null ? options.toFormat() : sourceFormat;
        DatasetWriter writer = writerFor(to);
        Recipe effective = recipe.effective(options.seed());
        try (CurationSession session = CurationSession.open(catalog)) {
            Preview preview = session.evaluate(effective, progress);
            if (options.dryRun()) {
                return new Result(preview, null, effective, to, out);
            }
            ConversionReport report = new ConversionReport(sourceFormat, to);
            try (AtomicOutput atomic = AtomicOutput.create(out, options.overwrite())) {
                progress.update("writing", 0, preview.distinctImagesAfter());
                // Hard links are system calls, not CPU: made on two threads beside the writer, they overlap the
                // JSON formatting instead of following it (see docs/PERFORMANCE.md).
                try (WriteTarget target = new WriteTarget(atomic.temp(), src, options.images(), report, progress)
                        .linkInBackground(LINK_THREADS)) {
                    writer.write(new Prefetched(session.selection()), target);
                    target.awaitImages();
                }
                progress.checkCancelled();
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(
                        atomic.temp().resolve(Converter.REPORT_FILE).toFile(), Converter.ReportJson.of(report));
                Files.writeString(atomic.temp().resolve(RECIPE_FILE), effective.toJson(), StandardCharsets.UTF_8);
                if (session.hasRepeats()) {
                    writeLists(session, atomic.temp().resolve(LISTS_FOLDER), progress);
                }
                atomic.commit();
            }
            return new Result(preview, report, effective, to, out);
        }
    }

    private static DatasetWriter writerFor(String id) throws UnknownFormatException {
        DatasetFormat format = Formats.byId(id).orElseThrow(() -> new UnknownFormatException(
                "unknown format '" + id + "'; known formats: " + String.join(", ", Formats.ids())));
        return format.writer().orElseThrow(() -> new UnknownFormatException(
                "Loupe reads " + format.id() + " but cannot write it yet; writable formats: "
                        + String.join(", ", Formats.writableIds()) + " (choose one with --to)"));
    }

    private static void writeLists(CurationSession session, Path folder, Progress progress) throws IOException {
        Files.createDirectories(folder);
        Map<String, BufferedWriter> writers = new HashMap<>();
        try {
            session.forEachItem((split, path, repeats) -> {
                BufferedWriter w = writers.get(split == null ? "" : split);
                if (w == null) {
                    String name = split == null || split.isEmpty() ? "all" : split.replaceAll("[^A-Za-z0-9._-]", "_");
                    w = Files.newBufferedWriter(folder.resolve(name + ".txt"), StandardCharsets.UTF_8);
                    writers.put(split == null ? "" : split, w);
                }
                for (int r = 0; r < repeats; r++) {
                    w.write(path);
                    w.write('\n');
                }
                progress.checkCancelled();
            });
        } finally {
            for (BufferedWriter w : writers.values()) {
                w.close();
            }
        }
    }

    /**
     * A source read on a second thread, in batches, while the writer formats and links on the caller's: reading
     * the selection out of DuckDB (attributes parsed, polygons decoded) and writing (JSON, one link per image)
     * then use both cores. The reading thread stops when the writer fails or is cancelled; its own failure is
     * thrown to the writer once the images read before it are written.
     */
    private static final class Prefetched implements DatasetSource {

        private static final int BATCH = 256;
        private static final List<Object[]> END = new ArrayList<>();

        private final DatasetSource inner;

        Prefetched(DatasetSource inner) {
            this.inner = inner;
        }

        @Override
        public Path root() {
            return inner.root();
        }

        @Override
        public List<ClassLabel> classes() {
            return inner.classes();
        }

        @Override
        public long imageCount() {
            return inner.imageCount();
        }

        @Override
        public ShapeCounts shapeCounts() throws IOException {
            return inner.shapeCounts();
        }

        @Override
        @SuppressWarnings("unchecked")
        public void forEachImage(ImageVisitor visitor) throws IOException {
            BlockingQueue<List<Object[]>> queue = new ArrayBlockingQueue<>(16);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            boolean[] stop = {false};
            Object lock = new Object();
            Thread reader = new Thread(() -> {
                try {
                    List<Object[]>[] batch = new List[] {new ArrayList<>(BATCH)};
                    inner.forEachImage((image, annotations) -> {
                        batch[0].add(new Object[] {image, annotations});
                        if (batch[0].size() == BATCH) {
                            put(queue, batch[0], stop, lock);
                            batch[0] = new ArrayList<>(BATCH);
                        }
                    });
                    put(queue, batch[0], stop, lock);
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    try {
                        put(queue, END, stop, lock);
                    } catch (CancellationException | InterruptedIOException ignored) {
                        // The writer has stopped and no longer takes anything.
                    }
                }
            }, "loupe-export-read");
            reader.setDaemon(true);
            reader.start();
            boolean completed = false;
            try {
                while (true) {
                    List<Object[]> batch = queue.take();
                    if (batch == END) {
                        break;
                    }
                    for (Object[] item : batch) {
                        visitor.visit((ImageItem) item[0], (List<Annotation>) item[1]);
                    }
                }
                completed = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing");
            } finally {
                synchronized (lock) {
                    stop[0] = true;
                }
                queue.clear();
                try {
                    reader.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Throwable failed = failure.get();
            if (completed && failed != null) {
                throw loupe.core.task.Failures.rethrow(failed);
            }
        }

        /** Hands a batch to the writer, giving up when the writer has stopped. */
        private static void put(BlockingQueue<List<Object[]>> queue, List<Object[]> batch, boolean[] stop,
                                Object lock) throws InterruptedIOException {
            try {
                while (!queue.offer(batch, 50, TimeUnit.MILLISECONDS)) {
                    synchronized (lock) {
                        if (stop[0]) {
                            throw new CancellationException("the writer stopped");
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the selection");
            }
        }
    }
}
