package loupe.core.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import loupe.core.formats.ConversionReport;
import loupe.core.formats.DatasetFormat;
import loupe.core.formats.DatasetSource;
import loupe.core.formats.DatasetWriter;
import loupe.core.formats.Formats;
import loupe.core.formats.ImageMode;
import loupe.core.formats.UnknownFormatException;
import loupe.core.formats.WriteTarget;
import loupe.core.imaging.ImageHeader;
import loupe.core.imaging.ImageHeaders;
import loupe.core.index.Catalog;
import loupe.core.index.CatalogSource;
import loupe.core.index.IndexOptions;
import loupe.core.index.IndexResult;
import loupe.core.index.Indexer;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.task.Progress;

/**
 * Cuts a dataset's images (or one big image) into chips of a fixed size, with the annotations clipped to each chip,
 * and writes them as a dataset in any writable format plus a chip manifest ({@link ChipManifest}).
 *
 * <p><b>How.</b> A dataset folder is indexed into its catalog first (incrementally) and streamed from there; a
 * single image file is chipped without annotations. A first pass computes every chip's annotations from geometry
 * alone (to count empty chips for the {@link ChipOptions#emptyRatio() cap}); the second reads each chip's region
 * through {@link loupe.core.imaging.region.ImageSource} (only the region, pyramid-aware), encodes it into a staging
 * folder and hands the chips, as a {@link DatasetSource}, to the target format's writer, which hard-links them to
 * where that format keeps images. The manifest then records each chip's final path.
 *
 * <p><b>Guarantees.</b> The output is written atomically ({@link AtomicOutput}): a failure or cancellation leaves
 * nothing. The source is never written. Peak memory is a few chips per thread, not the source image: a tiled
 * pyramidal slide of any size chips in a small heap. Chips whose pixels cannot be decoded are skipped and reported
 * as losses; images that cannot be opened are skipped and counted.
 */
public final class Chipper {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Chipper.class);

    /** Where the chips are encoded before the writer links them into place; deleted before the commit. */
    static final String STAGING = ".loupe-chip-staging";

    /**
     * Chips {@code source} into {@code output}.
     *
     * @param source  a dataset folder or a single image file
     * @param catalog the catalog to index a dataset folder into; may be null for a single image file
     * @throws UnknownFormatException when the target format is unknown or not writable
     * @throws NoSuchFileException    when the source does not exist
     * @throws IOException            when the output overlaps the source, is not empty (without overwrite), or a
     *                                file cannot be read or written
     * @throws java.util.concurrent.CancellationException when {@code progress} was cancelled (nothing is left)
     */
    public ChipReport chip(Path source, Path output, Catalog catalog, ChipOptions options, Progress progress)
            throws IOException {
        long start = System.nanoTime();
        DatasetFormat to = Formats.byId(options.toFormat()).orElseThrow(() -> new UnknownFormatException(
                "unknown format '" + options.toFormat() + "'; known formats: " + String.join(", ", Formats.ids())));
        DatasetWriter writer = to.writer().orElseThrow(() -> new UnknownFormatException(
                "Loupe reads " + to.id() + " but cannot write it yet; writable formats: "
                        + String.join(", ", Formats.writableIds())));
        Path src = source.toAbsolutePath().normalize();
        Path out = output.toAbsolutePath().normalize();
        if (!Files.exists(src)) {
            throw new NoSuchFileException(src.toString());
        }
        if (out.startsWith(src) || src.startsWith(out)) {
            throw new IOException("the output " + out + " overlaps the source " + src
                    + "; Loupe never writes into what it reads");
        }
        boolean single = Files.isRegularFile(src);
        DatasetSource dataset;
        String from;
        if (single) {
            dataset = new SingleImage(src);
            from = "image";
        } else {
            if (catalog == null) {
                throw new IllegalArgumentException("a dataset folder needs a catalog to index into");
            }
            IndexResult indexed = new Indexer(new IndexOptions(options.threads(), options.fromFormat()))
                    .index(catalog, src, progress);
            dataset = new CatalogSource(catalog);
            from = indexed.format();
        }
        ConversionReport report = new ConversionReport(from, to.id());
        if (single && options.capsEmpty()) {
            report.note("--empty-ratio ignored: a single image has no annotations, so every chip is empty");
        }
        ChipManifest manifest = new ChipManifest();
        String manifestName = ChipManifest.fileName(options.manifest());
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), threads());
        ChipSource chips;
        try (AtomicOutput atomic = AtomicOutput.create(out, options.overwrite())) {
            try {
                Path staging = atomic.temp().resolve(STAGING);
                ChipSource planner = new ChipSource(dataset, staging, options, null, pool, progress, report, manifest);
                ChipPlan plan = ChipPlan.compute(dataset, planner::plan, options.emptyRatio(),
                        options.capsEmpty() && !single, progress);
                LOG.debug("plan: {}", plan);
                chips = new ChipSource(dataset, staging, options, plan, pool, progress, report, manifest);
                progress.update("chipping", 0, plan.chipsToWrite());
                writer.write(chips, new WriteTarget(atomic.temp(), staging, ImageMode.LINK, report, quiet(progress)));
                progress.checkCancelled();
                Map<String, String> paths = outputPaths(atomic.temp(), staging);
                AtomicOutput.deleteTree(staging);
                manifest.write(atomic.temp().resolve(manifestName), options.manifest(), paths);
                report.note(String.format(java.util.Locale.ROOT, "chips of %d px (stride %d, downsample %s) from %s;"
                        + " manifest %s", options.size(), options.stride(), options.downsample(), src, manifestName));
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(
                        atomic.temp().resolve(Converter.REPORT_FILE).toFile(), Converter.ReportJson.of(report));
                atomic.commit();
            } finally {
                pool.shutdownNow();
                try {
                    if (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                        LOG.warn("chip workers did not stop within a minute");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        ChipSource.Counters c = chips.counters;
        return new ChipReport(src.toString(), out.toString(), from, to.id(), c.sourceImages, c.imagesChipped,
                c.imagesSkipped, c.chips, c.nonEmpty, c.empty, c.emptyDropped, c.annotationsKept, c.annotationsDropped,
                manifestName, seconds, c.chips / Math.max(1e-9, seconds), report.losses(), report.notes());
    }

    /** Passes cancellation to the writer but not its per-image progress, which would fight with the chip count. */
    private static Progress quiet(Progress progress) {
        return new Progress() {
            @Override
            public void update(String phase, long done, long total) {
            }

            @Override
            public boolean isCancelled() {
                return progress.isCancelled();
            }
        };
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "loupe-chip-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Where the writer put each staged chip: the output file that is the same file (a hard link) as the staged one,
     * found by file key (inode); by file name where the file system has no keys or the writer had to copy.
     */
    static Map<String, String> outputPaths(Path root, Path staging) throws IOException {
        Map<Object, String> byKey = new HashMap<>();
        Map<String, String> byName = new HashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.startsWith(staging)) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (a.isRegularFile()) {
                    String rel = relative(root, p);
                    if (a.fileKey() != null) {
                        byKey.merge(a.fileKey(), rel, (x, y) -> x.compareTo(y) <= 0 ? x : y);
                    }
                    byName.merge(p.getFileName().toString(), rel, (x, y) -> x.compareTo(y) <= 0 ? x : y);
                }
            }
        }
        Map<String, String> paths = new HashMap<>();
        if (!Files.isDirectory(staging)) {
            return paths;
        }
        try (Stream<Path> walk = Files.walk(staging)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (!a.isRegularFile()) {
                    continue;
                }
                String found = a.fileKey() == null ? null : byKey.get(a.fileKey());
                if (found == null) {
                    found = byName.get(p.getFileName().toString());
                }
                if (found != null) {
                    paths.put(relative(staging, p), found);
                }
            }
        }
        return paths;
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    /** One image file as a dataset without annotations; its folder is the root. */
    private static final class SingleImage implements DatasetSource {

        private final Path file;

        SingleImage(Path file) {
            this.file = file;
        }

        @Override
        public Path root() {
            return file.getParent();
        }

        @Override
        public List<ClassLabel> classes() {
            return List.of();
        }

        @Override
        public long imageCount() {
            return 1;
        }

        @Override
        public void forEachImage(ImageVisitor visitor) throws IOException {
            ImageHeader header = ImageHeaders.read(file);
            visitor.visit(new ImageItem(file.getFileName().toString(), Files.size(file),
                    Files.getLastModifiedTime(file).toMillis(), header.width(), header.height(), header.format(),
                    null), List.of());
        }
    }
}
