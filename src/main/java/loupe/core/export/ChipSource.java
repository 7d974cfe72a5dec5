package loupe.core.export;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import loupe.core.formats.ConversionReport;
import loupe.core.formats.DatasetSource;
import loupe.core.imaging.region.ImageSource;
import loupe.core.imaging.region.ImageSources;
import loupe.core.imaging.region.PyramidLevel;
import loupe.core.imaging.region.RegionRequest;
import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;
import loupe.core.task.Progress;

/**
 * The chips of a dataset as a {@link DatasetSource}, so that any format's writer can write them: each visited
 * "image" is a chip whose pixels were just read from its source image and written under the staging folder
 * ({@link #root()}), with the source image's annotations clipped and remapped to it (see {@link ChipGeometry}).
 *
 * <p><b>Order.</b> Source images in the dataset's order, and each image's chips row by row: not strictly in path
 * order (a chip's name is its source image's name plus {@code _x<X>_y<Y>}).
 *
 * <p><b>Parallelism and memory.</b> Chips are read and encoded on the given pool; at most {@code 4 x threads}
 * chips are in flight and visits happen on the calling thread in order. Each chip's pixels are dropped once
 * encoded, so memory holds a few chips per thread, whatever the source image's size. A tiled source is read chip by
 * chip (only the tiles under the chip are decoded); a non-tiled one (baseline JPEG, PNG, strips), which decodes every
 * row above a region again for each read, is read one row of chips at a time when such a band fits the memory
 * budget, then cut.
 *
 * <p>{@link #forEachImage} runs once per instance (it writes the chip files). Not thread-safe.
 */
final class ChipSource implements DatasetSource {

    /** Chips whose pixels could not be read are counted and reported, not fatal. */
    static final String UNREADABLE = "chip unreadable";

    /** Counters of one run; read after {@link #forEachImage}. */
    static final class Counters {
        long sourceImages;
        long imagesChipped;
        long imagesSkipped;
        long chips;
        long nonEmpty;
        long empty;
        long emptyDropped;
        long annotationsKept;
        long annotationsDropped;
    }

    /** A written chip, to be visited. Null {@code item} means it failed: {@code failure} says why. */
    private record Result(ImageItem item, List<Annotation> annotations, ChipManifest.Row row, String failure) {
    }

    private final DatasetSource dataset;
    private final Path staging;
    private final ChipOptions options;
    private final ExecutorService pool;
    private final Progress progress;
    private final ConversionReport report;
    private final ChipManifest manifest;
    private final ChipPlan plan;
    private final long bandPixels;
    final Counters counters = new Counters();
    private volatile boolean aborted;

    ChipSource(DatasetSource dataset, Path staging, ChipOptions options, ChipPlan plan, ExecutorService pool,
               Progress progress, ConversionReport report, ChipManifest manifest) {
        this.dataset = dataset;
        this.staging = staging;
        this.options = options;
        this.plan = plan;
        this.pool = pool;
        this.progress = progress;
        this.report = report;
        this.manifest = manifest;
        // A band read holds about 4 bytes per pixel (decoded, then the copy cut from it); keep all threads' bands
        // within a quarter of the heap, and never above 16 M pixels per band.
        this.bandPixels = Math.min(16L << 20, Runtime.getRuntime().maxMemory() / (16L * options.threads()));
    }

    @Override
    public Path root() {
        return staging;
    }

    @Override
    public List<ClassLabel> classes() {
        return dataset.classes();
    }

    @Override
    public long imageCount() {
        return plan.chipsToWrite();
    }

    @Override
    public ShapeCounts shapeCounts() {
        return new ShapeCounts(plan.boxes(), plan.boxesWithPolygons());
    }

    @Override
    public void forEachImage(ImageVisitor visitor) throws IOException {
        ArrayDeque<Future<List<Result>>> window = new ArrayDeque<>();
        int maxInFlight = 4 * options.threads();
        Random random = new Random(options.seed());
        long[] emptySeen = {0};
        long[] emptyKept = {0};
        boolean completed = false;
        try {
            dataset.forEachImage((image, annotations) -> {
                progress.checkCancelled();
                counters.sourceImages++;
                if (image.width() <= 0 || image.height() <= 0) {
                    skip(image, "its size is unknown (the file is missing or unreadable)");
                    return;
                }
                List<ChipGeometry.Planned> chips = plan(image, annotations);
                List<ChipGeometry.Planned> chosen = new ArrayList<>();
                for (ChipGeometry.Planned chip : chips) {
                    counters.annotationsDropped += chip.dropped();
                    if (!chip.empty() || !plan.capsEmpty()) {
                        chosen.add(chip);
                        continue;
                    }
                    // Selection sampling (Knuth's algorithm S): exactly plan.emptyToKeep() of all empty chips,
                    // each equally likely, decided in one pass in a reproducible order.
                    long remaining = plan.emptyChips() - emptySeen[0]++;
                    if (random.nextDouble() * remaining < plan.emptyToKeep() - emptyKept[0]) {
                        emptyKept[0]++;
                        chosen.add(chip);
                    } else {
                        counters.emptyDropped++;
                    }
                }
                if (chosen.isEmpty()) {
                    return;
                }
                ImageSource source;
                try {
                    source = ImageSources.open(dataset.root().resolve(image.path()), options.threads());
                } catch (IOException | RuntimeException e) {
                    skip(image, "it cannot be opened: " + e.getMessage());
                    return;
                }
                counters.imagesChipped++;
                List<List<ChipGeometry.Planned>> tasks = group(source, chosen);
                Shared shared = new Shared(source, tasks.size());
                for (List<ChipGeometry.Planned> task : tasks) {
                    try {
                        window.add(pool.submit(() -> produce(shared, image, task)));
                    } catch (RuntimeException e) {
                        shared.release();
                        throw e;
                    }
                    while (window.size() >= maxInFlight) {
                        deliver(window.poll(), visitor);
                    }
                }
            });
            while (!window.isEmpty()) {
                deliver(window.poll(), visitor);
            }
            completed = true;
        } finally {
            if (!completed) {
                // Let queued chips skip their work, and wait for running ones: nothing may write into the staging
                // folder after this returns (the caller deletes the output), and every source must be closed.
                aborted = true;
                for (Future<List<Result>> f : window) {
                    try {
                        f.get();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    } catch (ExecutionException | CancellationException e) {
                        // Already failing; the first error is the one reported.
                    }
                }
            }
        }
    }

    List<ChipGeometry.Planned> plan(ImageItem image, List<Annotation> annotations) {
        return ChipGeometry.plan(image.width(), image.height(), annotations, options.span(), options.sourceStride(),
                options.downsample(), options.minVisibility(), rect -> chipPath(image.path(), rect));
    }

    /** {@code dir/stem.ext} and a chip at (x, y) give {@code dir/stem_x<x>_y<y>.<chip ext>}. */
    String chipPath(String imagePath, ChipGeometry.Rect rect) {
        int slash = imagePath.lastIndexOf('/');
        int dot = imagePath.lastIndexOf('.');
        String stem = dot > slash ? imagePath.substring(0, dot) : imagePath;
        return stem + "_x" + rect.x() + "_y" + rect.y() + "." + options.imageFormat();
    }

    /** One chip per task for tiled sources; a row of chips per task when a row band of a non-tiled one fits. */
    private List<List<ChipGeometry.Planned>> group(ImageSource source, List<ChipGeometry.Planned> chips) {
        PyramidLevel level = PyramidLevel.forDownsample(source.levels(), options.downsample());
        List<List<ChipGeometry.Planned>> tasks = new ArrayList<>();
        long levelBandPixels = (long) level.width() * Math.max(1, Math.round(options.span() / level.downsample()));
        if (level.tiled() || levelBandPixels > bandPixels) {
            chips.forEach(c -> tasks.add(List.of(c)));
            return tasks;
        }
        List<ChipGeometry.Planned> row = new ArrayList<>();
        for (ChipGeometry.Planned c : chips) {
            if (!row.isEmpty() && row.get(0).rect().y() != c.rect().y()) {
                tasks.add(row);
                row = new ArrayList<>();
            }
            row.add(c);
        }
        if (!row.isEmpty()) {
            tasks.add(row);
        }
        return tasks;
    }

    private List<Result> produce(Shared shared, ImageItem image, List<ChipGeometry.Planned> chips) {
        try {
            if (aborted || progress.isCancelled()) {
                return List.of();
            }
            double d = options.downsample();
            List<Result> results = new ArrayList<>(chips.size());
            if (chips.size() == 1) {
                ChipGeometry.Planned c = chips.get(0);
                results.add(write(image, c, () -> shared.source.readRegion(request(c.rect()))));
                return results;
            }
            // A row band: one decode down to its bottom edge, cut into chips.
            ChipGeometry.Rect first = chips.get(0).rect();
            BufferedImage band;
            try {
                band = shared.source.readRegion(new RegionRequest(d, 0, first.y(), image.width(), first.height()));
            } catch (IOException | RuntimeException e) {
                for (ChipGeometry.Planned c : chips) {
                    results.add(failed(image, c, e));
                }
                return results;
            }
            for (ChipGeometry.Planned c : chips) {
                if (aborted || progress.isCancelled()) {
                    break;
                }
                int w = Math.max(1, (int) Math.round(c.rect().width() / d));
                int h = Math.min(band.getHeight(), Math.max(1, (int) Math.round(c.rect().height() / d)));
                int x = Math.max(0, Math.min(band.getWidth() - w, (int) Math.round(c.rect().x() / d)));
                results.add(write(image, c, () -> band.getSubimage(x, 0, Math.min(w, band.getWidth()), h)));
            }
            return results;
        } finally {
            shared.release();
        }
    }

    private RegionRequest request(ChipGeometry.Rect r) {
        return new RegionRequest(options.downsample(), r.x(), r.y(), r.width(), r.height());
    }

    @FunctionalInterface
    private interface Pixels {
        BufferedImage get() throws IOException;
    }

    private Result write(ImageItem image, ChipGeometry.Planned chip, Pixels pixels) {
        try {
            BufferedImage chipImage = pixels.get();
            Path file = staging.resolve(chip.path());
            ChipImages.write(chipImage, file, options.imageFormat(), options.quality());
            ImageItem item = new ImageItem(chip.path(), Files.size(file), Files.getLastModifiedTime(file).toMillis(),
                    chipImage.getWidth(), chipImage.getHeight(), options.imageFormat().equals("png") ? "png" : "jpeg",
                    image.split());
            ChipGeometry.Rect r = chip.rect();
            return new Result(item, chip.annotations(), new ChipManifest.Row(chip.path(), image.path(), image.split(),
                    r.x(), r.y(), r.width(), r.height(), options.downsample(), chip.annotations().size()), null);
        } catch (InterruptedIOException e) {
            throw new CancellationException("interrupted");
        } catch (IOException | RuntimeException e) {
            return failed(image, chip, e);
        }
    }

    private static Result failed(ImageItem image, ChipGeometry.Planned chip, Exception e) {
        return new Result(null, List.of(), null, image.path() + " at " + chip.rect().x() + "," + chip.rect().y()
                + ": " + e.getMessage());
    }

    private void deliver(Future<List<Result>> future, ImageVisitor visitor) throws IOException {
        List<Result> results;
        try {
            results = future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while chipping");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
        progress.checkCancelled();
        for (Result r : results) {
            if (r.item() == null) {
                report.loss(UNREADABLE, "skipped: " + r.failure());
                continue;
            }
            visitor.visit(r.item(), r.annotations());
            manifest.add(r.row());
            counters.chips++;
            counters.annotationsKept += r.annotations().size();
            if (r.annotations().isEmpty()) {
                counters.empty++;
            } else {
                counters.nonEmpty++;
            }
            progress.update("chipping", counters.chips, plan.chipsToWrite());
        }
    }

    private void skip(ImageItem image, String why) {
        counters.imagesSkipped++;
        report.loss("image not chipped", "skipped because " + why);
    }

    /** A source shared by an image's chip tasks, closed when the last one is done. */
    private static final class Shared {
        final ImageSource source;
        private final AtomicInteger remaining;

        Shared(ImageSource source, int tasks) {
            this.source = source;
            this.remaining = new AtomicInteger(tasks);
        }

        void release() {
            if (remaining.decrementAndGet() == 0) {
                try {
                    source.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
