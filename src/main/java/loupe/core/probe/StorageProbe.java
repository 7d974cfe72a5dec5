package loupe.core.probe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;

import loupe.core.imaging.CorruptImageException;
import loupe.core.imaging.ImageHeaders;
import loupe.core.index.FileWalker;
import loupe.core.task.Job;
import loupe.core.task.Progress;

/**
 * Measures the storage that holds a dataset with the dataset's own files, the way training uses it: listing,
 * image headers, whole image files in random order (what a data loader does every epoch), large files read
 * sequentially for comparison, and a checkpoint-sized write beside the dataset.
 *
 * <p>Each read phase runs once per thread count; each run stops at the time bound or the file-count bound,
 * whichever comes first. Runs take files the probe has not read yet where it can (image headers from one part of
 * a shuffled list, whole files from the other), because a file read once sits in the page cache and is read
 * again at memory speed; each run counts the files it re-read. Before the random reads, a few hundred files are
 * each read twice in a row: first reads about as fast as the re-reads mean the files were already cached, and the
 * probe says so ({@link CacheAssessment}).
 *
 * <p>It never writes into the dataset: the write test goes to a temporary folder in the dataset's parent folder,
 * on the same volume, and is deleted afterwards (see {@link WriteProbe}). Cancellable through the
 * {@link Progress}; a run in progress stops within one file.
 */
public final class StorageProbe implements Job<ProbeResult> {

    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff", "webp");

    /** Files whose size is read to estimate the dataset's size and find its large files. */
    static final int SIZE_SAMPLE = 5_000;
    /** From this size on a file counts as large, for the sequential phase. */
    static final long LARGE_FILE_BYTES = 1L << 20;
    /** Without large files, the sequential phase reads this many of the largest sampled ones. */
    private static final int SEQUENTIAL_FALLBACK_FILES = 100;
    /** A data loader reads a whole image with one or two calls; 256 KB covers most images in one. */
    private static final int RANDOM_BUFFER_BYTES = 256 << 10;
    private static final int SEQUENTIAL_BUFFER_BYTES = 8 << 20;
    /** The JIT warm-up reads this many files over and over, for at most this long. */
    private static final int WARM_UP_FILES = 200;
    private static final int WARM_UP_ROUNDS = 50;
    private static final double WARM_UP_SECONDS = 0.5;
    /** Listing is cheap per entry: its file-count bound is this many times the reads' bound. */
    private static final int LISTING_ROUNDS_PER_FILE_LIMIT = 100;
    /** Files the cache check reads twice each (at most; a share of the data on a small dataset). */
    private static final int PAIRED_FILES = 300;

    private final Path root;
    private final ProbeOptions options;

    /**
     * @param root    the dataset folder; only read
     * @param options how long, with how many threads, what to write
     */
    public StorageProbe(Path root, ProbeOptions options) {
        this.root = root;
        this.options = options;
    }

    @Override
    public String title() {
        return "Probing the storage of " + root;
    }

    /**
     * Runs every phase.
     *
     * @throws java.nio.file.NoSuchFileException when the folder does not exist
     * @throws IOException                       when it is not a readable folder, holds no files, or caches were
     *                                           to be dropped and cannot be
     * @throws CancellationException             when cancelled; the write test's file is deleted first
     */
    @Override
    public ProbeResult run(Progress progress) throws IOException {
        long startNanos = System.nanoTime();
        Path dir = root.toAbsolutePath().normalize();
        if (!Files.readAttributes(dir, BasicFileAttributes.class).isDirectory()) {
            throw new IOException(dir + " is not a folder");
        }
        FileStore store = Files.getFileStore(dir);
        String volume = store.type() + " " + store.name();
        List<String> notes = new ArrayList<>();
        MemoryInfo memory = MemoryInfo.read();
        if (options.dropCaches()) {
            progress.update("dropping caches", 0, -1);
            PageCache.drop();
        }
        List<ProbeResult.Phase> phases = new ArrayList<>();

        // Listing: the first walk lists everything (it gives the files to sample) and finds the directory
        // entries cold, if they ever are; the timed walks after it find them cached.
        long listStart = System.nanoTime();
        FileWalker.Listing listing = list(dir, options.maxThreads(), "first listing", progress);
        String[] files = listing.files().toArray(String[]::new);
        phases.add(new ProbeResult.Phase("first listing", "entries",
                "the whole tree listed once (directory entries only, as the indexer lists), to find the files",
                List.of(ProbeResult.Run.of(options.maxThreads(), files.length, 0,
                        (System.nanoTime() - listStart) / 1e9, 0, 0, "all files"))));
        if (files.length == 0) {
            throw new IOException("nothing to probe: " + dir + " holds no files");
        }
        List<ProbeResult.Run> listingRuns = new ArrayList<>();
        for (int threads : options.threadCounts()) {
            listingRuns.add(timedListing(dir, threads, progress));
        }
        phases.add(new ProbeResult.Phase("listing", "entries",
                "the tree listed again and again for the time bound at each thread count (directory entries now "
                        + "cached by the system)",
                listingRuns));

        Random random = new Random();
        boolean[] touched = new boolean[files.length];
        int[] images = IntStream.range(0, files.length).filter(i -> isImage(files[i])).toArray();
        shuffle(images, random);
        boolean haveImages = images.length > 0;
        if (!haveImages) {
            notes.add("no image files (by extension): headers are skipped and random reads read any files");
        }

        // Sizes from random samples of images and of other files (few, large annotation files would make a
        // single sample's mean meaningless): the dataset's size and its large files.
        int[] others = IntStream.range(0, files.length).filter(i -> !isImage(files[i])).toArray();
        shuffle(others, random);
        int[] sample = IntStream.concat(Arrays.stream(images, 0, Math.min(SIZE_SAMPLE, images.length)),
                Arrays.stream(others, 0, Math.min(SIZE_SAMPLE, others.length))).toArray();
        long[] sizes = new long[files.length];
        Arrays.fill(sizes, -1);
        ProbeResult.Run statRun = measure("metadata", options.maxThreads(), sample, dir, files, null, touched, false,
                (index, path, buffer) -> {
                    sizes[index] = Files.size(path);
                    return 0;
                }, progress);
        phases.add(new ProbeResult.Phase("metadata", "files",
                "sizes read (stat) of a random sample of images and other files", List.of(statRun)));
        ProbeResult.DatasetSample dataset = datasetSample(files, images.length, sample, sizes);
        int runs = options.threadCounts().size();
        // The sequential phase's files are chosen now and kept out of the header and random phases: read
        // there first, they came to the sequential runs from the page cache, which then measured memory, not
        // the storage (19 of 20 files on a dataset of 390 KB images). Kept only while most files remain.
        int[] large = largeFiles(files, sample, sizes, notes);
        boolean[] reserved = new boolean[files.length];
        int reservedCandidates = 0;
        boolean allLarge = large.length > 0;
        for (int i : large) {
            reserved[i] = true;
            reservedCandidates += !haveImages || isImage(files[i]) ? 1 : 0;
            allLarge &= sizes[i] >= LARGE_FILE_BYTES;
        }
        // Not the fallback's "largest of small files": on a small dataset those are most of its files.
        boolean reserve = allLarge && reservedCandidates * 2 <= (haveImages ? images.length : files.length);
        if (reserve) {
            images = Arrays.stream(images).filter(i -> !reserved[i]).toArray();
            haveImages = images.length > 0;
        }

        if (haveImages) {
            int headerShare = images.length >= 2 ? Math.max(1, images.length / 4) : images.length;
            int[] headerPart = Arrays.copyOf(images, headerShare);
            warmUp(headerPart, dir, files, touched, progress);
            if (headerPart.length > 2 * WARM_UP_FILES) {
                // the warm-up read the last few: leave them out of the measured runs
                headerPart = Arrays.copyOf(headerPart, headerPart.length - WARM_UP_FILES);
            }
            Cursor headerFiles = new Cursor(headerPart);
            List<ProbeResult.Run> headerRuns = new ArrayList<>();
            for (int threads : options.threadCounts()) {
                headerRuns.add(measure("headers", threads, headerFiles.next(perRun(headerPart.length, runs)), dir,
                        files, headerFiles, touched, true, StorageProbe::readHeader, progress));
            }
            phases.add(new ProbeResult.Phase("headers", "headers",
                    "image headers read (size, format) in random order, as the indexer does", headerRuns));
        }

        // Whole files in random order: from the images the header phase did not touch (the header read's
        // read-ahead may have cached a small image whole).
        int[] readable = haveImages
                ? (images.length >= 2 ? Arrays.copyOfRange(images, Math.max(1, images.length / 4), images.length)
                : images)
                : reserve ? Arrays.stream(shuffled(files.length, random)).filter(i -> !reserved[i]).toArray()
                : shuffled(files.length, random);
        if (!haveImages) {
            warmUp(Arrays.copyOf(readable, Math.min(readable.length, WARM_UP_FILES)), dir, files, touched, progress);
        }
        Cursor randomFiles = new Cursor(readable);
        // The cache check comes first, on files nothing has read yet.
        PairedTiming paired = pairedReads(randomFiles.next(Math.min(PAIRED_FILES,
                Math.max(1, readable.length / (runs + 1)))), dir, files, touched, progress);
        randomFiles.advance(paired.used());
        int randomShare = Math.max(1, readable.length - paired.used());
        List<ProbeResult.Run> randomRuns = new ArrayList<>();
        int[] firstRunFiles = null;
        for (int threads : options.threadCounts()) {
            int[] items = randomFiles.next(perRun(randomShare, runs));
            ProbeResult.Run run = measure("random reads", threads, items, dir, files, randomFiles, touched, true,
                    (index, path, buffer) -> readWhole(path, buffer), RANDOM_BUFFER_BYTES, progress);
            if (firstRunFiles == null) {
                firstRunFiles = Arrays.copyOf(items, (int) run.count());
            }
            randomRuns.add(run);
        }
        String what = haveImages ? "image files" : "files";
        phases.add(new ProbeResult.Phase("random reads", "files",
                "whole " + what + " read in random order, each file once, as a data loader reads an epoch",
                randomRuns));
        int firstThreads = options.threadCounts().get(0);
        ProbeResult.Run reread = measure("re-reads", firstThreads, firstRunFiles, dir, files, null, touched, true,
                (index, path, buffer) -> readWhole(path, buffer), RANDOM_BUFFER_BYTES, progress);
        phases.add(new ProbeResult.Phase("re-reads", "files",
                "the first random-read run's files read again at the same thread count (from the page cache, "
                        + "if it kept them)", List.of(reread)));

        if (large.length > 0) {
            // With enough large files each run gets its own; with fewer, each run reads them all (and all but
            // the first re-read them, which the re-read column shows).
            Cursor largeCursor = new Cursor(large);
            int perSequentialRun = large.length >= runs ? perRun(large.length, runs) : large.length;
            List<ProbeResult.Run> sequentialRuns = new ArrayList<>();
            for (int threads : options.threadCounts()) {
                sequentialRuns.add(measure("sequential reads", threads, largeCursor.next(perSequentialRun), dir,
                        files, largeCursor, touched, true, (index, path, buffer) -> readWhole(path, buffer),
                        SEQUENTIAL_BUFFER_BYTES, progress));
            }
            phases.add(new ProbeResult.Phase("sequential reads", "files",
                    "the largest files read start to end in path order with 8 MB reads, one file per thread",
                    sequentialRuns));
        }

        ProbeResult.WriteResult write = options.writeBytes() > 0
                ? WriteProbe.run(dir, options.writeBytes(), progress)
                : ProbeResult.WriteResult.skipped("write test not run (--no-write)");

        ProbeResult.Run best = bestOf(randomRuns);
        ProbeResult.Feed feed = new ProbeResult.Feed(best.perSecond(), best.threads(), best.megabytesPerSecond(),
                "whole " + what + " read in random order at " + best.threads() + " thread"
                        + (best.threads() == 1 ? "" : "s"));
        if (best.count() > 0 && best.reread() * 2 > best.count()) {
            notes.add(String.format(Locale.ROOT, "the best random-read run (%d threads) re-read %,d of its %,d files "
                    + "(the dataset is small for this many runs): its rate is cache speed", best.threads(),
                    best.reread(), best.count()));
        }
        CacheAssessment cache = CacheAssessment.assess(dataset.estimatedBytes(), memory, paired.coldMicros(),
                paired.warmMicros(), options.dropCaches());
        FeedVerdict verdict = options.targetImagesPerSecond() > 0
                ? FeedVerdict.of(feed.imagesPerSecond(), options.targetImagesPerSecond(), cache.dominated())
                : null;
        ProbeResult.Run freshSequential = freshest(phases.stream().filter(p -> p.name().equals("sequential reads"))
                .flatMap(p -> p.runs().stream()).toList());
        ProbeResult.Run freshRandom = freshest(randomRuns);
        if (freshSequential != null && freshRandom != null && freshSequential.megabytesPerSecond() > 0) {
            notes.add(String.format(Locale.ROOT, "random reads reach %.0f%% of the sequential read rate (%.0f vs "
                            + "%.0f MB/s, best runs without re-reads)",
                    100 * freshRandom.megabytesPerSecond() / freshSequential.megabytesPerSecond(),
                    freshRandom.megabytesPerSecond(), freshSequential.megabytesPerSecond()));
        }
        long failed = phases.stream().flatMap(p -> p.runs().stream()).mapToLong(ProbeResult.Run::failed).sum();
        if (failed > 0) {
            notes.add(String.format(Locale.ROOT, "%,d file reads failed (vanished or unreadable files)", failed));
        }
        return new ProbeResult(dir.toString(), volume, options.secondsPerRun(), options.threadCounts(), dataset,
                memory, options.dropCaches(), phases, write, feed, verdict, cache, notes,
                (System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * The file-count bound of one run: the option's bound, and a fair share of the part of the dataset the phase
     * reads from, so that every thread count gets files not read before (on a dataset small enough to be read
     * whole, later runs would otherwise re-read cached files).
     */
    private int perRun(int partLength, int runs) {
        return Math.max(1, Math.min(options.maxFilesPerRun(), partLength / runs));
    }

    /**
     * Runs the header and whole-file reads over a few files, again and again, for a moment, so that the first
     * measured run does not pay for the JIT compiling the read path (it made the first run look twice as slow
     * as the same reads later). The files are marked as read.
     */
    private void warmUp(int[] part, Path dir, String[] files, boolean[] touched, Progress progress) {
        if (part.length == 0) {
            return;
        }
        int[] few = Arrays.copyOfRange(part, Math.max(0, part.length - WARM_UP_FILES), part.length);
        int[] repeated = new int[few.length * WARM_UP_ROUNDS];
        for (int k = 0; k < repeated.length; k++) {
            repeated[k] = few[k % few.length];
        }
        double seconds = Math.min(WARM_UP_SECONDS, options.secondsPerRun());
        measure("warm-up", options.maxThreads(), repeated, dir, files, null, touched, true, seconds,
                (index, path, buffer) -> {
                    if (isImage(files[index])) {
                        readHeader(index, path, buffer);
                    }
                    return readWhole(path, buffer);
                }, RANDOM_BUFFER_BYTES, progress);
    }

    /** Median times of first reads and of the immediate re-reads of the same files, and the files used. */
    record PairedTiming(int used, double coldMicros, double warmMicros) {
    }

    /**
     * Reads each file twice in a row on this thread and times both reads, until the time bound: the evidence
     * for {@link CacheAssessment}. Back-to-back pairs see the same machine load, so their medians compare fairly.
     */
    private PairedTiming pairedReads(int[] items, Path dir, String[] files, boolean[] touched, Progress progress) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(RANDOM_BUFFER_BYTES);
        long deadline = System.nanoTime() + (long) (options.secondsPerRun() * 1e9);
        long[] cold = new long[items.length];
        long[] warm = new long[items.length];
        int timed = 0;
        int used = 0;
        while (used < items.length && System.nanoTime() - deadline < 0) {
            progress.checkCancelled();
            int index = items[used++];
            Path path = dir.resolve(files[index]);
            try {
                long t0 = System.nanoTime();
                readWhole(path, buffer);
                long t1 = System.nanoTime();
                readWhole(path, buffer);
                long t2 = System.nanoTime();
                if (!touched[index]) {
                    cold[timed] = t1 - t0;
                    warm[timed] = t2 - t1;
                    timed++;
                }
            } catch (IOException e) {
                // a vanished file says nothing about the cache
            }
            touched[index] = true;
            progress.update("cache check", used, items.length);
        }
        return new PairedTiming(used, median(cold, timed) / 1e3, median(warm, timed) / 1e3);
    }

    private static double median(long[] values, int n) {
        if (n == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    // ---- listing

    private FileWalker.Listing list(Path dir, int threads, String phase, Progress progress) throws IOException {
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            return new FileWalker(pool).list(dir, new Bounded(progress, phase, false, 0));
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Lists the tree again and again until the time bound (a small tree lists in milliseconds, too short to time
     * once); a walk the bound cuts short counts the entries it had found.
     */
    private ProbeResult.Run timedListing(Path dir, int threads, Progress progress) throws IOException {
        String phase = "listing (" + threadsText(threads) + ")";
        long start = System.nanoTime();
        long deadline = start + (long) (options.secondsPerRun() * 1e9);
        long entries = 0;
        String stoppedBy = "time";
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            while (System.nanoTime() - deadline < 0) {
                Bounded bounded = new Bounded(progress, phase, true, deadline);
                try {
                    entries += new FileWalker(pool).list(dir, bounded).files().size();
                } catch (CancellationException e) {
                    progress.checkCancelled();
                    entries += bounded.maxDone.get();
                    break;
                }
                if (entries >= (long) options.maxFilesPerRun() * LISTING_ROUNDS_PER_FILE_LIMIT) {
                    stoppedBy = "file limit";
                    break;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return ProbeResult.Run.of(threads, entries, 0, (System.nanoTime() - start) / 1e9, 0, 0, stoppedBy);
    }

    /** Forwards progress under a phase name of its own and, if timed, reports cancelled once the deadline passed. */
    private static final class Bounded implements Progress {
        private final Progress outer;
        private final String phase;
        private final boolean timed;
        private final long deadlineNanos;
        final AtomicLong maxDone = new AtomicLong();

        Bounded(Progress outer, String phase, boolean timed, long deadlineNanos) {
            this.outer = outer;
            this.phase = phase;
            this.timed = timed;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public void update(String ignored, long done, long total) {
            maxDone.accumulateAndGet(done, Math::max);
            outer.update(phase, done, total);
        }

        @Override
        public boolean isCancelled() {
            return outer.isCancelled() || (timed && System.nanoTime() - deadlineNanos > 0);
        }
    }

    // ---- timed runs over files

    /** Reads one file (or part of it) and returns the bytes read. */
    @FunctionalInterface
    private interface FileAction {
        long apply(int index, Path path, ByteBuffer buffer) throws IOException;
    }

    /** A shuffled list of files handed out in slices, wrapping around once they are used up. */
    private static final class Cursor {
        private final int[] items;
        private int position;

        Cursor(int[] items) {
            this.items = items;
        }

        int[] next(int max) {
            int n = Math.min(max, items.length);
            int[] slice = new int[n];
            for (int k = 0; k < n; k++) {
                slice[k] = items[(position + k) % items.length];
            }
            return slice;
        }

        void advance(long used) {
            if (items.length > 0) {
                position = (int) ((position + used) % items.length);
            }
        }
    }

    private ProbeResult.Run measure(String phase, int threads, int[] items, Path dir, String[] files, Cursor cursor,
                                    boolean[] touched, boolean markTouched, FileAction action, Progress progress) {
        return measure(phase, threads, items, dir, files, cursor, touched, markTouched, options.secondsPerRun(),
                action, 0, progress);
    }

    private ProbeResult.Run measure(String phase, int threads, int[] items, Path dir, String[] files, Cursor cursor,
                                    boolean[] touched, boolean markTouched, FileAction action, int bufferBytes,
                                    Progress progress) {
        return measure(phase, threads, items, dir, files, cursor, touched, markTouched, options.secondsPerRun(),
                action, bufferBytes, progress);
    }

    /** Reads items[0..] on {@code threads} threads until the time bound or the end of items; counts re-reads. */
    private ProbeResult.Run measure(String phase, int threads, int[] items, Path dir, String[] files, Cursor cursor,
                                    boolean[] touched, boolean markTouched, double seconds, FileAction action,
                                    int bufferBytes, Progress progress) {
        progress.checkCancelled();
        String label = phase + " (" + threadsText(threads) + ")";
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        AtomicInteger next = new AtomicInteger();
        LongAdder done = new LongAdder();
        LongAdder bytes = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicLong lastEnd = new AtomicLong(start);
        AtomicReference<RuntimeException> crash = new AtomicReference<>();
        Runnable work = () -> {
            try {
                ByteBuffer buffer = bufferBytes > 0 ? ByteBuffer.allocateDirect(bufferBytes) : null;
                while (System.nanoTime() - deadline < 0 && !progress.isCancelled()) {
                    int i = next.getAndIncrement();
                    if (i >= items.length) {
                        break;
                    }
                    try {
                        bytes.add(action.apply(items[i], dir.resolve(files[items[i]]), buffer));
                    } catch (IOException e) {
                        failed.increment();
                    }
                    done.increment();
                    progress.update(label, done.sum(), items.length);
                }
            } catch (RuntimeException e) {
                crash.compareAndSet(null, e);
            } finally {
                lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
            }
        };
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(work, "loupe-probe-" + (t + 1));
            workers[t].setDaemon(true);
            workers[t].start();
        }
        for (Thread worker : workers) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            }
        }
        if (crash.get() != null) {
            throw crash.get();
        }
        progress.checkCancelled();
        int used = Math.min(next.get(), items.length);
        long reread = 0;
        for (int k = 0; k < used; k++) {
            if (touched[items[k]]) {
                reread++;
            } else if (markTouched) {
                touched[items[k]] = true;
            }
        }
        if (cursor != null) {
            cursor.advance(used);
        }
        String stoppedBy = used < items.length ? "time"
                : items.length >= options.maxFilesPerRun() ? "file limit" : "all files";
        return ProbeResult.Run.of(threads, used, bytes.sum(), (lastEnd.get() - start) / 1e9, reread, failed.sum(),
                stoppedBy);
    }

    private static long readHeader(int index, Path path, ByteBuffer unused) throws IOException {
        try {
            ImageHeaders.read(path);
        } catch (CorruptImageException e) {
            // Still a header read as far as the storage is concerned.
        }
        return 0;
    }

    private static long readWhole(Path path, ByteBuffer buffer) throws IOException {
        long total = 0;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    return total;
                }
                total += n;
            }
        }
    }

    // ---- sampling

    private static ProbeResult.DatasetSample datasetSample(String[] files, int imageCount, int[] sample,
                                                           long[] sizes) {
        long imageSum = 0;
        long otherSum = 0;
        int imagesCounted = 0;
        int othersCounted = 0;
        for (int i : sample) {
            if (sizes[i] < 0) {
                continue;
            }
            if (isImage(files[i])) {
                imageSum += sizes[i];
                imagesCounted++;
            } else {
                otherSum += sizes[i];
                othersCounted++;
            }
        }
        long imageMean = imagesCounted == 0 ? 0 : imageSum / imagesCounted;
        long otherMean = othersCounted == 0 ? 0 : otherSum / othersCounted;
        long imageBytes = imageMean * imageCount;
        long estimated = imageBytes + otherMean * (files.length - imageCount);
        return new ProbeResult.DatasetSample(files.length, imageCount, imagesCounted + othersCounted,
                files.length == 0 ? 0 : estimated / files.length, imageMean, estimated, imageBytes);
    }

    /** The large files of the sample in path order, or the largest ones when none is large. */
    private static int[] largeFiles(String[] files, int[] sample, long[] sizes, List<String> notes) {
        Integer[] bySize = Arrays.stream(sample).filter(i -> sizes[i] > 0).boxed()
                .sorted(Comparator.comparingLong((Integer i) -> sizes[i]).reversed()).toArray(Integer[]::new);
        if (bySize.length == 0) {
            notes.add("no file with content in the sample: sequential reads skipped");
            return new int[0];
        }
        int large = (int) Arrays.stream(bySize).filter(i -> sizes[i] >= LARGE_FILE_BYTES).count();
        int take = large > 0 ? large : Math.min(SEQUENTIAL_FALLBACK_FILES, bySize.length);
        if (large == 0) {
            notes.add("no sampled file reaches " + ByteSizes.format(LARGE_FILE_BYTES) + ": sequential reads use the "
                    + take + " largest sampled files (up to " + ByteSizes.format(sizes[bySize[0]])
                    + "), which says little more than random reads");
        }
        return Arrays.stream(bySize, 0, take).sorted(Comparator.comparing((Integer i) -> files[i]))
                .mapToInt(Integer::intValue).toArray();
    }

    /** The fastest run that re-read nothing (its numbers are not inflated by this probe's own reads), or null. */
    private static ProbeResult.Run freshest(List<ProbeResult.Run> runs) {
        return runs.stream().filter(r -> r.reread() == 0 && r.count() > 0)
                .max(Comparator.comparingDouble(ProbeResult.Run::megabytesPerSecond)).orElse(null);
    }

    private static ProbeResult.Run bestOf(List<ProbeResult.Run> runs) {
        return runs.stream().max(Comparator.comparingDouble(ProbeResult.Run::perSecond)).orElseThrow();
    }

    static boolean isImage(String path) {
        int dot = path.lastIndexOf('.');
        return dot >= 0 && IMAGE_EXTENSIONS.contains(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static int[] shuffled(int n, Random random) {
        int[] order = IntStream.range(0, n).toArray();
        shuffle(order, random);
        return order;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static String threadsText(int threads) {
        return threads + (threads == 1 ? " thread" : " threads");
    }
}
