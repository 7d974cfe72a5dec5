package loupe.core.index;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import loupe.core.formats.DatasetFormat;
import loupe.core.formats.DatasetPaths;
import loupe.core.formats.DatasetSink;
import loupe.core.formats.FileListing;
import loupe.core.formats.Formats;
import loupe.core.formats.ReadContext;
import loupe.core.formats.Support;
import loupe.core.formats.Unit;
import loupe.core.formats.UnitParser;
import loupe.core.formats.UnknownFormatException;
import loupe.core.imaging.CorruptImageException;
import loupe.core.imaging.ImageHeader;
import loupe.core.imaging.ImageHeaders;
import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.task.Failures;
import loupe.core.task.Progress;
import loupe.core.task.WorkloadHint;

/**
 * Indexes a dataset folder into its {@link Catalog}, in parallel and incrementally.
 *
 * <p>Phases, each reported through {@link Progress}: {@code listing} (directory entries only, see
 * {@link FileWalker}), {@code scanning} (one stat per file, and the header of each image whose size or mtime
 * changed since the last run), {@code annotations} (the format's reader; annotation units whose files did not
 * change are kept from the last run) and {@code catalog} (one transaction that swaps in the new result and
 * runs the dataset-wide checks). Cancellable at every file; a cancelled or killed run leaves the previous
 * index intact.
 */
public final class Indexer {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Indexer.class);

    /** Images whose headers are read in one go while the chunk before is staged (see Run.readHeaders). */
    private static final int HEADER_CHUNK = 8192;

    private final IndexOptions options;

    public Indexer(IndexOptions options) {
        this.options = Objects.requireNonNull(options);
    }

    /**
     * Indexes {@code root} into {@code catalog}.
     *
     * @throws NoSuchFileException     when root does not exist
     * @throws UnknownFormatException  when the format cannot be detected or the given id is unknown
     * @throws CatalogException        when the catalog cannot be written
     * @throws CancellationException   when progress was cancelled
     */
    public IndexResult index(Catalog catalog, Path root, Progress progress) throws IOException {
        return index(Catalog.Opening.of(catalog), root, progress);
    }

    /**
     * {@link #index(Catalog, Path, Progress)} into a catalog that may still be opening: the listing and the stat
     * of every file need no catalog, so they run meanwhile (and format detection too, for a fresh catalog).
     */
    public IndexResult index(Catalog.Opening opening, Path root, Progress progress) throws IOException {
        long start = System.nanoTime();
        Path absolute = existingFolder(root);
        ForkJoinPool pool = newPool(options.threads());
        try {
            Map<String, Long> phases = new LinkedHashMap<>();
            Listed listed = list(absolute, pool, progress, phases);
            FileWalker.Listing walk = listed.walk();
            FileListing listing = listed.listing();
            long mark = listed.end();

            // An unknown --format fails before any work.
            DatasetFormat chosen = chosenFormat();
            // Detection needs only the listing: it runs on its own thread while files are stat'ed and headers
            // read. A catalog never indexed cannot be unchanged, so there it starts at once; otherwise only once
            // the files turn out changed (re-detecting a million unchanged paths would be wasted work).
            CompletableFuture<Formats.Detection> detection = chosen == null && opening.fresh()
                    ? detectAside(absolute, listing) : null;
            Run run = new Run(absolute, listing, pool, progress);
            try {
                run.stat();  // scan problems are held until the stage is open
            } catch (SQLException e) {
                throw new CatalogException("cannot write to the catalog", e);  // never: nothing is staged yet
            }
            progress.checkCancelled();
            Catalog catalog = opening.await();
            run.catalog = catalog;
            catalog.recoverStaging();
            if (detection == null && chosen == null && !catalog.isIndexed()) {
                detection = detectAside(absolute, listing);
            }
            DatasetFormat format;
            String reason;
            boolean unchanged;
            String filesFingerprint;
            try (Catalog.Stage stage = catalog.openStage()) {
                run.stage = stage;
                for (Problem p : walk.problems()) {
                    run.globalSink.problem(p);
                }
                run.stageHeldProblems();
                run.reportWorkload();
                filesFingerprint = run.filesFingerprint();
                // Readers and probes are functions of the files: when no file was added, removed or changed
                // since a complete index (in the format asked for, if one was), that index stands and nothing
                // needs reading, not even for format detection. The fingerprint (a 64-bit hash of every path,
                // size and mtime, kept in meta) spares staging and comparing a million rows.
                String previousFormat = catalog.meta("format").orElse("");
                unchanged = walk.problems().isEmpty() && run.problemsWhileScanning.get() == 0
                        && catalog.isIndexed() && Formats.byId(previousFormat).isPresent()
                        && (chosen == null || chosen.id().equals(previousFormat))
                        && filesFingerprint.equals(catalog.meta("files_fingerprint").orElse(""));
                LOG.debug("compared with the last index: {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - mark));
                if (unchanged) {
                    format = Formats.byId(previousFormat).orElseThrow();
                    reason = catalog.meta("format_reason").orElse("");
                    run.format = format;
                    mark = lap(phases, "scanning", mark);
                } else {
                    if (chosen == null && detection == null) {
                        detection = detectAside(absolute, listing);
                    }
                    run.stageFiles();
                    stage.flush();
                    Run.Settled settled = run.readBesideHeaders(chosen, detection, phases, mark);
                    format = settled.format();
                    reason = settled.reason();
                    stage.flush();
                    mark = lap(phases, "annotations", settled.readerStart());
                }
            } catch (SQLException e) {
                throw new CatalogException("cannot write to the catalog", e);
            }
            progress.update("catalog", 0, 1);
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long maxPixels = options.maxPixels() > 0 ? options.maxPixels()
                    : catalog.meta("max_pixels").map(Long::parseLong).orElse(IndexOptions.DEFAULT_MAX_PIXELS);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("root", absolute.toString());
            meta.put("format", format.id());
            meta.put("format_reason", reason);
            meta.put("indexed_at", Instant.now().toString());
            meta.put("elapsed_ms", String.valueOf(elapsed));
            meta.put("files", String.valueOf(listing.size()));
            meta.put("max_pixels", String.valueOf(maxPixels));
            meta.put("files_fingerprint", filesFingerprint);
            if (unchanged) {
                catalog.commitUnchanged(meta, maxPixels);
            } else {
                catalog.commit(meta, maxPixels);
            }
            progress.update("catalog", 1, 1);
            mark = lap(phases, "catalog", mark);
            ContentChecks.Settings content = contentSettings(catalog);
            if (content != null && (!unchanged || !ContentChecks.stamp(catalog, content)
                    .equals(catalog.meta("content_checked").orElse("")))) {
                ContentChecks.Result checked = ContentChecks.run(catalog, content, progress);
                checked.phaseMillis().forEach((phase, ms) -> phases.put(phase.equals("catalog") ? "content catalog"
                        : phase, ms));
                LOG.debug("content checks: {}", checked);
            }
            elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return new IndexResult(absolute.toString(), format.id(), reason, listing.size(),
                    catalog.queryLong("SELECT count(*) FROM images"),
                    catalog.queryLong("SELECT count(*) FROM annotations"),
                    catalog.queryLong("SELECT count(*) FROM classes"),
                    catalog.queryLong("SELECT count(*) FROM problems"),
                    run.headersRead.get(), run.unitsParsed.get(),
                    unchanged ? catalog.queryLong("SELECT count(*) FROM units") : run.unitsReused.get(), elapsed,
                    phases);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Reads {@code root} into memory, with no catalog: the listing, one stat per file, the image headers and the
     * format's reader, as {@link #index} does them, into a {@link MemoryIndex} that serves what a
     * {@link CatalogSource} over a fresh index of the same files would serve. For a conversion, which reads a
     * dataset once: the catalog's staging, commit and sorted read-back cost about as much as the parse. Nothing
     * is cached for a next run and no dataset-wide checks run (the problems they find are the catalog's).
     *
     * @param budgetBytes how much heap the annotations may take (an estimate); past it the read stops
     * @throws MemoryIndex.TooLarge    when the annotations outgrow {@code budgetBytes} (the catalog path streams them)
     * @throws NoSuchFileException     when root does not exist
     * @throws UnknownFormatException  when the format cannot be detected or the given id is unknown
     * @throws CancellationException   when progress was cancelled
     */
    public MemoryIndex read(Path root, long budgetBytes, Progress progress) throws IOException {
        long start = System.nanoTime();
        Path absolute = existingFolder(root);
        ForkJoinPool pool = newPool(options.threads());
        try {
            Map<String, Long> phases = new LinkedHashMap<>();
            Listed listed = list(absolute, pool, progress, phases);
            FileWalker.Listing walk = listed.walk();
            FileListing listing = listed.listing();
            long mark = listed.end();
            DatasetFormat chosen = chosenFormat();
            CompletableFuture<Formats.Detection> detection = chosen == null ? detectAside(absolute, listing) : null;
            MemoryIndex.Collector collector = new MemoryIndex.Collector(budgetBytes);
            Run run = new Run(absolute, listing, pool, progress);
            run.stage = collector;
            for (Problem p : walk.problems()) {
                run.globalSink.problem(p);
            }
            try {
                run.stat();
            } catch (SQLException e) {
                throw new CatalogException("cannot collect the dataset in memory", e);  // never: memory throws none
            }
            progress.checkCancelled();
            run.reportWorkload();
            DatasetFormat format;
            String reason;
            try {
                Run.Settled settled = run.readBesideHeaders(chosen, detection, phases, mark);
                format = settled.format();
                reason = settled.reason();
                mark = settled.readerStart();
            } catch (StageWriteException e) {
                collector.throwIfTooLarge();
                throw new CatalogException("cannot collect the dataset in memory", e.getCause());
            } catch (CatalogException e) {
                collector.throwIfTooLarge();
                throw e;
            } catch (SQLException e) {
                throw new CatalogException("cannot collect the dataset in memory", e);  // never: memory throws none
            }
            collector.throwIfTooLarge();  // a reader may have swallowed the first refusal as a problem
            progress.checkCancelled();
            mark = lap(phases, "annotations", mark);
            MemoryIndex index = collector.finish(absolute, format.id(), reason, listing, run.sizes, run.mtimes,
                    run.headers, phases);
            lap(phases, "grouping", mark);
            LOG.debug("read into memory in {} ms: {} images, {} annotations, ~{} MB, phases {}",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), index.imageCount(),
                    index.annotationCount(), collector.bytes() >> 20, phases);
            return index;
        } finally {
            pool.shutdownNow();
        }
    }

    /** What the listing phase found, and when it ended. */
    private record Listed(FileWalker.Listing walk, FileListing listing, long end) {
    }

    /** Lists every file under {@code absolute} (the phase "listing" of {@code phases}). */
    private static Listed list(Path absolute, ForkJoinPool pool, Progress progress, Map<String, Long> phases)
            throws IOException {
        long start = System.nanoTime();
        FileWalker.Listing walk = new FileWalker(pool).list(absolute, progress);
        FileListing listing = FileListing.of(walk.files());
        progress.checkCancelled();
        return new Listed(walk, listing, lap(phases, "listing", start));
    }

    /** Starts format detection on a thread of its own (a daemon: it never keeps the JVM alive). */
    private static CompletableFuture<Formats.Detection> detectAside(Path root, FileListing listing) {
        CompletableFuture<Formats.Detection> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            long start = System.nanoTime();
            try {
                result.complete(Formats.detect(root, listing));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
            LOG.debug("format detected in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }, "loupe-detect");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** The detection's result, or the exception it threw (UnknownFormatException, IOException ...). */
    private static Formats.Detection awaitDetection(CompletableFuture<Formats.Detection> detection)
            throws IOException {
        try {
            return detection.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        } catch (ExecutionException e) {
            throw Failures.rethrow(e.getCause());
        }
    }

    /**
     * The content checks to run: those asked for now, plus those the catalog has had before (they stay on, so
     * a re-index does not silently drop what they found); null for none.
     */
    private ContentChecks.Settings contentSettings(Catalog catalog) {
        ContentChecks.Settings previous = ContentChecks.previous(catalog, options.threads());
        boolean hashes = options.hashes() || (previous != null && previous.hashes());
        boolean deep = options.deep() || (previous != null && previous.deep());
        if (!hashes && !deep) {
            return null;
        }
        int near = options.nearDistance() >= 0 ? options.nearDistance()
                : previous != null ? previous.nearDistance() : IndexOptions.DEFAULT_NEAR_DISTANCE;
        return new ContentChecks.Settings(hashes, deep, near, options.threads());
    }

    /** Records the milliseconds since {@code since} as {@code phase}; returns now, the next phase's start. */
    static long lap(Map<String, Long> phases, String phase, long since) {
        long now = System.nanoTime();
        phases.put(phase, TimeUnit.NANOSECONDS.toMillis(now - since));
        return now;
    }

    /** The format {@code --format} names, or null to detect one; an unknown id fails before any work. */
    private DatasetFormat chosenFormat() throws UnknownFormatException {
        return options.formatId() == null ? null : Formats.byId(options.formatId())
                .orElseThrow(() -> new UnknownFormatException("unknown format '" + options.formatId()
                        + "'; known formats: " + String.join(", ", Formats.ids())));
    }

    /** {@code root} as an absolute, normalised path, checked to be a folder that exists. */
    private static Path existingFolder(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        if (!Files.exists(absolute)) {
            throw new NoSuchFileException(absolute.toString(), null, "no such folder");
        }
        if (!Files.isDirectory(absolute)) {
            throw new IOException(absolute + " is not a folder");
        }
        return absolute;
    }

    private static ForkJoinPool newPool(int threads) {
        return newPool(threads, "loupe-index-");
    }

    /** A pool of named daemon workers, so a cancelled or crashed run never keeps the JVM alive. */
    static ForkJoinPool newPool(int threads, String namePrefix) {
        AtomicInteger n = new AtomicInteger();
        return new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName(namePrefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    /** One index run: the read context readers see, and the per-file state, as arrays parallel to the listing. */
    private static final class Run implements ReadContext {
        /** Null for a read into memory ({@link #read}), and until the catalog is open. */
        private Catalog catalog;
        private final Path root;
        private final FileListing listing;
        private DatasetFormat format;
        private final ForkJoinPool pool;
        private final Progress progress;
        private final long[] sizes;
        private final long[] mtimes;
        private final ImageHeader[] headers;
        private Map<String, Long> previousUnits;
        private final AtomicLong problemsWhileScanning = new AtomicLong();
        private final AtomicLong headersRead = new AtomicLong();
        private final AtomicLong unitsParsed = new AtomicLong();
        private final AtomicLong unitsReused = new AtomicLong();
        private final StageSink globalSink = new StageSink("");
        private Staging stage;

        /** Problems the stat found before there was a stage to put them in. */
        private final List<Problem> heldProblems = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        Run(Path root, FileListing listing, ForkJoinPool pool, Progress progress) {
            this.root = root;
            this.listing = listing;
            this.pool = pool;
            this.progress = progress;
            this.sizes = new long[listing.size()];
            this.mtimes = new long[listing.size()];
            this.headers = new ImageHeader[listing.size()];
        }

        /** One stat per file, in parallel, into arrays; then staged from one thread (no appender contention). */
        void stat() throws IOException, SQLException {
            int n = listing.size();
            AtomicLong done = new AtomicLong();
            progress.update("scanning", 0, n);
            parallel(n, i -> {
                String path = listing.get(i);
                sizes[i] = -1;
                mtimes[i] = -1;
                try {
                    BasicFileAttributes attributes = Files.readAttributes(root.resolve(path), BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        sizes[i] = attributes.size();
                        mtimes[i] = attributes.lastModifiedTime().to(TimeUnit.MICROSECONDS);
                    } else {
                        // A FIFO or device named like an image would block a header read forever.
                        scanProblem(Problem.of(ProblemKind.OTHER, path, "not a regular file; skipped"));
                    }
                } catch (NoSuchFileException e) {
                    scanProblem(Files.isSymbolicLink(root.resolve(path))
                            ? Problem.of(ProblemKind.OTHER, path, "broken symbolic link: its target does not exist")
                            : Problem.of(ProblemKind.FILE_VANISHED, path, "file vanished during indexing"));
                } catch (AccessDeniedException e) {
                    scanProblem(Problem.of(ProblemKind.PERMISSION_DENIED, path, "cannot be read: permission denied"));
                }
                long d = done.incrementAndGet();
                if ((d & 255) == 0 || d == n) {
                    progress.update("scanning", d, n);
                }
            });
        }

        /**
         * Reports the dataset's size to {@link WorkloadHint} (when someone listens): the file count, and the bytes
         * of files that are not images, counted only up to 200,000 files (beyond, the count alone says "big").
         */
        void reportWorkload() {
            if (!WorkloadHint.wanted()) {
                return;
            }
            long annotationBytes = 0;
            if (listing.size() <= 200_000) {
                for (int i = 0; i < listing.size(); i++) {
                    if (sizes[i] > 0 && !DatasetPaths.isImage(listing.get(i))) {
                        annotationBytes += sizes[i];
                    }
                }
            }
            WorkloadHint.report(listing.size(), annotationBytes);
        }

        /** Stages every file's size and mtime (from one thread: no appender contention). */
        void stageFiles() throws SQLException {
            for (int i = 0; i < listing.size(); i++) {
                if (sizes[i] >= 0) {
                    stage.file(listing.get(i), sizes[i], mtimes[i]);
                }
            }
        }

        /** A hash of every path with its size and mtime, in listing order (the listing is sorted). */
        String filesFingerprint() {
            long h = 1125899906842597L;
            for (int i = 0; i < listing.size(); i++) {
                h = 31 * h + listing.get(i).hashCode();
                h = 1_000_003L * h + sizes[i];
                h = 1_000_003L * h + mtimes[i];
                h ^= h >>> 29;
            }
            return Long.toHexString(h) + ":" + listing.size();
        }

        private void scanProblem(Problem problem) {
            problemsWhileScanning.incrementAndGet();
            if (stage == null) {
                heldProblems.add(problem);
            } else {
                globalSink.problem(problem);
            }
        }

        /** Stages what {@link #scanProblem} held back, in the order found. */
        void stageHeldProblems() {
            synchronized (heldProblems) {
                heldProblems.forEach(globalSink::problem);
                heldProblems.clear();
            }
        }

        /**
         * Reads the header of every image that is new or changed since it was last cached. The pool reads one
         * chunk of images while this thread stages the chunk before it: the appender is never contended, and a
         * killed run keeps what was staged (see {@link Catalog.Stage}).
         */
        /** The format a run settled on and why, and when its reader started (the end of the scanning phase). */
        record Settled(DatasetFormat format, String reason, long readerStart) {
        }

        /**
         * Settles the format (the one chosen, else what {@code detection} finds) and runs its reader, with the
         * image headers read beside it, or before it for a format that needs them (with the catalog's cached
         * ones). Records the scanning phase, which ends where the reader starts.
         */
        Settled readBesideHeaders(DatasetFormat chosen, CompletableFuture<Formats.Detection> detection,
                                  Map<String, Long> phases, long scanningSince) throws IOException, SQLException {
            if (detection != null && detection.isCompletedExceptionally()) {
                awaitDetection(detection);  // an undetectable dataset fails before its headers are read
            }
            try (Headers headers = startHeaders()) {
                String reason = "chosen with --format";
                format = chosen;
                if (chosen == null) {
                    Formats.Detection detected = awaitDetection(detection);
                    format = detected.format();
                    reason = detected.support().reason();
                }
                if (format.needsImageHeaders()) {
                    headers.await();
                    if (catalog != null) {
                        loadCachedHeaders();
                    }
                }
                long readerStart = lap(phases, "scanning", scanningSince);
                format.reader().read(this);
                progress.checkCancelled();
                headers.await();
                return new Settled(format, reason, readerStart);
            }
        }

        /**
         * Starts reading the image headers on a thread of its own, so that a reader that does not need them
         * (COCO, VOC: sizes are declared) parses its annotations meanwhile: the parse mostly waits on the staging
         * sink, the headers on the disk. Their progress is shown once {@link Headers#await} is called, so the
         * display does not flicker between two phases.
         */
        Headers startHeaders() throws CatalogException {
            // The catalog's connection serves one statement at a time, and the header thread's appends are
            // serialised only against the stage: every query the two threads need is made here, first.
            int[] todo = imagesWithoutCachedHeader();
            previousUnits();
            return new Headers(todo);
        }

        /**
         * Header reading under way. Closing it without a successful {@link #await} (the reader failed or was
         * cancelled) stops the reading within a file, then waits for it to end.
         */
        final class Headers implements AutoCloseable {
            private volatile boolean shown;
            private volatile boolean awaited;
            private volatile boolean stopped;
            private final CompletableFuture<Void> reading = new CompletableFuture<>();

            private Headers(int[] todo) {
                Progress gated = new Progress() {
                    @Override
                    public void update(String phase, long done, long total) {
                        if (shown) {
                            progress.update(phase, done, total);
                        }
                    }

                    @Override
                    public boolean isCancelled() {
                        return stopped || progress.isCancelled();
                    }
                };
                Thread thread = new Thread(() -> {
                    try {
                        readHeaders(todo, gated);
                        reading.complete(null);
                    } catch (Throwable e) {
                        reading.completeExceptionally(e);
                    }
                }, "loupe-headers");
                thread.setDaemon(true);
                thread.start();
            }

            /** Waits for every header to be read and staged; rethrows what stopped the reading. */
            void await() throws IOException, SQLException {
                shown = true;
                try {
                    reading.get();
                    awaited = true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("interrupted");
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof SQLException sql) {
                        throw sql;
                    }
                    throw Failures.rethrow(e.getCause());
                }
            }

            /** Waits for the reading to stop, its outcome aside (the caller is already failing, or has awaited). */
            @Override
            public void close() {
                stopped = !awaited;
                try {
                    reading.handle((v, e) -> null).get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException e) {
                    // handled above
                }
            }
        }

        private void readHeaders(int[] todo, Progress progress) throws IOException, SQLException {
            ImageHeader[] read = new ImageHeader[todo.length];
            String[] errors = new String[todo.length];
            boolean[] found = new boolean[todo.length];
            AtomicLong done = new AtomicLong();
            progress.update("headers", 0, todo.length);
            int stagedUpTo = 0;
            for (int from = 0; from < todo.length; from += HEADER_CHUNK) {
                int chunkStart = from;
                int chunkEnd = Math.min(todo.length, chunkStart + HEADER_CHUNK);
                ForkJoinTask<?> reading = start(chunkEnd - chunkStart, k -> {
                    progress.checkCancelled();  // this reading's own: stopped when the reader beside it failed
                    int j = chunkStart + k;
                    String path = listing.get(todo[j]);
                    headersRead.incrementAndGet();
                    try {
                        read[j] = ImageHeaders.read(root.resolve(path));
                        found[j] = true;
                    } catch (CorruptImageException e) {
                        // A truncated file keeps the size read before the damage: its boxes can still be placed.
                        read[j] = e.header();
                        errors[j] = e.getMessage();
                        found[j] = true;
                    } catch (NoSuchFileException e) {
                        globalSink.problem(Problem.of(ProblemKind.FILE_VANISHED, path, "file vanished during indexing"));
                    } catch (AccessDeniedException e) {
                        globalSink.problem(Problem.of(ProblemKind.PERMISSION_DENIED, path, "cannot be read: permission denied"));
                    }
                    long d = done.incrementAndGet();
                    if ((d & 255) == 0 || d == todo.length) {
                        progress.update("headers", d, todo.length);
                    }
                });
                stageHeaders(todo, read, errors, found, stagedUpTo, chunkStart);
                stagedUpTo = chunkStart;
                await(reading);
            }
            stageHeaders(todo, read, errors, found, stagedUpTo, todo.length);
        }

        /** Stages the headers read of {@code todo[from..to)} (all but vanished files) and keeps them for readers. */
        private void stageHeaders(int[] todo, ImageHeader[] read, String[] errors, boolean[] found, int from,
                                  int to) throws SQLException {
            for (int j = from; j < to; j++) {
                if (found[j]) {
                    int i = todo[j];
                    headers[i] = read[j];
                    stage.header(listing.get(i), sizes[i], mtimes[i], read[j], errors[j]);
                }
            }
        }

        /**
         * The listing positions of the images whose header is not cached for their current size and mtime. With
         * nothing cached (a new catalog) that is every image found by the stat, without asking the catalog.
         */
        private int[] imagesWithoutCachedHeader() throws CatalogException {
            if (catalog == null || catalog.queryLong("SELECT count(*) FROM (SELECT 1 FROM header_cache LIMIT 1)") == 0) {
                return IntStream.range(0, listing.size())
                        .filter(i -> sizes[i] >= 0 && DatasetPaths.isImage(listing.get(i))).toArray();
            }
            return catalog.pathsWithoutCachedHeader().stream().filter(DatasetPaths::isImage)
                    .mapToInt(listing::indexOf).filter(i -> i >= 0).toArray();
        }

        @Override
        public Path root() {
            return root;
        }

        @Override
        public FileListing files() {
            return listing;
        }

        @Override
        public DatasetSink sink() {
            return globalSink;
        }

        @Override
        public ImageHeader header(String relativePath) {
            int i = listing.indexOf(relativePath);
            if (i < 0) {
                return null;
            }
            return headers[i];
        }

        /** Headers not read this run come from the catalog, for readers that need them. */
        void loadCachedHeaders() throws CatalogException {
            catalog.forEachCachedHeader((path, header) -> {
                int i = listing.indexOf(path);
                if (i >= 0 && headers[i] == null) {
                    headers[i] = header;
                }
            });
        }

        @Override
        public Progress progress() {
            return progress;
        }

        /** The fingerprints of the units of the last index (none in memory), loaded once. */
        private Map<String, Long> previousUnits() throws CatalogException {
            if (previousUnits == null) {
                previousUnits = catalog == null ? Map.of() : catalog.loadUnitFingerprints();
            }
            return previousUnits;
        }

        @Override
        public void parseUnits(List<Unit> units, UnitParser parser) throws IOException {
            previousUnits();
            int n = units.size();
            AtomicLong done = new AtomicLong();
            progress.update("annotations", 0, n);
            parallel(n, i -> {
                Unit unit = units.get(i);
                // In memory nothing is kept for a next run: no fingerprint (a lookup per file of the unit).
                long fingerprint = catalog == null ? 0 : fingerprint(unit);
                Long previous = previousUnits.get(unit.key());
                boolean kept = previous != null && previous == fingerprint;
                stage.unit(unit.key(), fingerprint, kept);
                if (kept) {
                    unitsReused.incrementAndGet();
                } else {
                    unitsParsed.incrementAndGet();
                    StageSink sink = new StageSink(unit.key());
                    try {
                        parser.parse(unit, sink);
                    } catch (CancellationException | CatalogException e) {
                        throw e;
                    } catch (StageWriteException e) {
                        throw new CatalogException("cannot write to the catalog", e.getCause());
                    } catch (IOException | RuntimeException e) {
                        sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, unit.key(),
                                "cannot read this annotation file: " + e.getMessage()));
                    }
                }
                long d = done.incrementAndGet();
                if ((d & 15) == 0 || d == n) {
                    progress.update("annotations", d, n);
                }
            });
        }

        /** A hash of the format and the size and mtime of every file of the unit (-1 when absent). */
        private long fingerprint(Unit unit) {
            long h = format.id().hashCode();
            for (String f : unit.files()) {
                int i = listing.indexOf(f);
                h = 31 * h + f.hashCode();
                h = 1_000_003L * h + (i >= 0 ? sizes[i] : -1);
                h = 1_000_003L * h + (i >= 0 ? mtimes[i] : -1);
            }
            return h;
        }

        @FunctionalInterface
        private interface IndexedTask {
            void run(int i) throws IOException, SQLException;
        }

        /** Runs {@code task} for 0..n-1 on the pool, checking for cancellation at every item. */
        private void parallel(int n, IndexedTask task) throws IOException {
            await(start(n, task));
        }

        /** Starts {@code task} for 0..n-1 on the pool; {@link #await} waits for it. */
        private ForkJoinTask<?> start(int n, IndexedTask task) {
            return pool.submit(() -> IntStream.range(0, n).parallel().forEach(i -> {
                progress.checkCancelled();
                try {
                    task.run(i);
                } catch (IOException e) {
                    throw new WrappedIo(e);
                } catch (SQLException e) {
                    throw new WrappedIo(new CatalogException("cannot write to the catalog", e));
                }
            }));
        }

        /** Waits for a task {@link #start} started, rethrowing what it threw; then checks for cancellation. */
        private void await(ForkJoinTask<?> task) throws IOException {
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof WrappedIo w) {
                    throw w.io;
                }
                if (cause instanceof CancellationException c) {
                    throw c;
                }
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw new IOException(cause);
            }
            progress.checkCancelled();
        }

        /** Writes what a reader finds into staging, tagged with the unit it came from ("" for dataset-level). */
        private final class StageSink implements DatasetSink {
            private final String unit;

            StageSink(String unit) {
                this.unit = unit;
            }

            @Override
            public void classLabel(ClassLabel label) {
                write(() -> stage.classLabel(unit, label.id(), label.name()));
            }

            @Override
            public void image(ImageRef image) {
                write(() -> stage.image(unit, image.path(), image.split(), image.declaredWidth(),
                        image.declaredHeight()));
            }

            @Override
            public void annotation(Annotation a) {
                write(() -> stage.annotation(unit, a));
            }

            @Override
            public void problem(Problem p) {
                write(() -> stage.problem(unit, p));
            }

            private void write(SqlAction action) {
                progress.checkCancelled();
                try {
                    action.run();
                } catch (SQLException e) {
                    throw new StageWriteException(e);
                }
            }
        }

        @FunctionalInterface
        private interface SqlAction {
            void run() throws SQLException;
        }
    }

    /** Attributes as a JSON object of strings, written by hand: Jackson's per-call overhead showed in profiles. */
    static String attributesJson(Annotation a) {
        Map<String, String> attributes = a.attributes();
        // Keys sorted, so equal attributes give equal text; a plain array sort (most maps hold two or three keys).
        String[] keys = attributes.keySet().toArray(new String[0]);
        Arrays.sort(keys);
        StringBuilder sb = new StringBuilder(16 * keys.length + 2).append('{');
        for (String key : keys) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            jsonString(sb, key);
            sb.append(':');
            jsonString(sb, attributes.get(key));
        }
        return sb.append('}').toString();
    }

    private static void jsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** A failed catalog write inside a reader's callback: fatal for the run, never a data problem. */
    private static final class StageWriteException extends RuntimeException {
        StageWriteException(SQLException cause) {
            super(cause);
        }
    }

    private static final class WrappedIo extends RuntimeException {
        final IOException io;

        WrappedIo(IOException io) {
            super(io);
            this.io = io;
        }
    }
}
