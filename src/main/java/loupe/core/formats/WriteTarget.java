package loupe.core.formats;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import loupe.core.model.ImageItem;
import loupe.core.task.Progress;

/**
 * Where a {@link DatasetWriter} writes: an empty folder (renamed into place by the caller when the write
 * succeeds), how to bring the images along, the report to fill and the progress to update. Paths given to
 * it are relative to the output and may not escape it.
 */
public final class WriteTarget implements AutoCloseable {

    private final Path root;
    private final Path sourceRoot;
    private final ImageMode imageMode;
    private final ConversionReport report;
    private final Progress progress;
    /**
     * Output folders already created. Creating the parent of every file again (a stat per path component)
     * made a 100,000-image hard-link export several times slower than {@code cp -al}; each folder is now
     * created once. {@code computeIfAbsent} also makes a second thread wait until the folder exists.
     */
    private final ConcurrentHashMap<Path, Boolean> folders = new ConcurrentHashMap<>();

    /** Threads that make hard links beside the writer (see {@link #linkInBackground}); null: on the caller's. */
    private ThreadPoolExecutor linker;
    private final AtomicReference<IOException> linkFailure = new AtomicReference<>();

    public WriteTarget(Path root, Path sourceRoot, ImageMode imageMode, ConversionReport report, Progress progress) {
        this.root = root.toAbsolutePath().normalize();
        this.sourceRoot = sourceRoot.toAbsolutePath().normalize();
        this.imageMode = imageMode;
        this.report = report;
        this.progress = progress;
    }

    public Path root() {
        return root;
    }

    public ImageMode imageMode() {
        return imageMode;
    }

    public ConversionReport report() {
        return report;
    }

    public Progress progress() {
        return progress;
    }

    /**
     * Makes hard links on {@code threads} background threads from now on, so that the system calls overlap the
     * writer's formatting instead of following it: {@link #placeImage} only queues the link (a bounded queue;
     * when full, the caller links itself). The caller must then call {@link #awaitImages} before using the
     * output, and {@link #close} in any case. Other image modes are unaffected.
     */
    public WriteTarget linkInBackground(int threads) {
        if (imageMode == ImageMode.LINK && threads > 0 && linker == null) {
            AtomicInteger n = new AtomicInteger();
            linker = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096),
                    r -> {
                        Thread t = new Thread(r, "loupe-link-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.CallerRunsPolicy());
        }
        return this;
    }

    /**
     * Waits until every queued image is placed and throws the first failure among them. Does nothing without
     * {@link #linkInBackground}.
     */
    public void awaitImages() throws IOException {
        if (linker != null) {
            linker.shutdown();
            try {
                while (!linker.awaitTermination(100, TimeUnit.MILLISECONDS)) {
                    progress.checkCancelled();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while linking images");
            }
        }
        throwLinkFailure();
    }

    /** Stops the background links (queued ones are dropped) and waits for those running: nothing writes after. */
    @Override
    public void close() {
        if (linker != null) {
            linker.shutdownNow();
            boolean interrupted = false;
            while (true) {
                try {
                    if (linker.awaitTermination(1, TimeUnit.SECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void throwLinkFailure() throws IOException {
        IOException failed = linkFailure.get();
        if (failed != null) {
            throw failed;
        }
    }

    /** The output path for a relative name, with its parent folders created. Rejects names escaping the output. */
    public Path file(String relative) throws IOException {
        String normal = DatasetPaths.resolve("", relative);
        if (normal == null) {
            throw new IOException("refusing to write outside the output folder: " + relative);
        }
        Path path = root.resolve(normal);
        folder(path.getParent());
        return path;
    }

    private void folder(Path folder) throws IOException {
        if (folders.containsKey(folder)) {
            return;
        }
        try {
            folders.computeIfAbsent(folder, f -> {
                try {
                    Files.createDirectories(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return Boolean.TRUE;
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** A UTF-8 writer for a relative output file. */
    public BufferedWriter writer(String relative) throws IOException {
        return Files.newBufferedWriter(file(relative), StandardCharsets.UTF_8);
    }

    /**
     * Brings a source image to {@code relative} in the output as the image mode says. A missing source image
     * is not an error: it is counted in the report and the annotations still refer to it.
     */
    public void placeImage(ImageItem image, String relative) throws IOException {
        if (imageMode == ImageMode.NONE) {
            return;
        }
        Path source = sourceRoot.resolve(image.path());
        // Hard links (the fast mode) learn that the source is missing from the failed call: no stat per image.
        // A symbolic link to a missing file is made without complaint, and a copy of a folder makes a folder,
        // so those modes check first (a copy costs far more than the check).
        if (imageMode != ImageMode.LINK && !Files.isRegularFile(source)) {
            missing();
            return;
        }
        Path target = file(relative);
        if (linker != null) {
            throwLinkFailure();
            linker.execute(() -> {
                if (linkFailure.get() != null) {
                    return;
                }
                try {
                    place(source, target, relative);
                } catch (IOException | RuntimeException e) {
                    linkFailure.compareAndSet(null, e instanceof IOException io ? io : new IOException(e));
                }
            });
            return;
        }
        place(source, target, relative);
    }

    private void place(Path source, Path target, String relative) throws IOException {
        try {
            switch (imageMode) {
                case COPY -> Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                case SYMLINK -> Files.createSymbolicLink(target, source);
                case LINK -> link(source, target);
                default -> throw new IllegalStateException(imageMode.toString());
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException("two source images map to the same output file " + relative
                    + "; rename one of them", e);
        } catch (NoSuchFileException e) {
            if (Files.isRegularFile(source)) {
                throw e;
            }
            missing();
        }
    }

    private void link(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
        } catch (FileAlreadyExistsException | NoSuchFileException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            if (!Files.isRegularFile(source)) {
                // A folder (or something else) where an image file should be: as good as missing.
                throw new NoSuchFileException(source.toString());
            }
            Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
            report.loss("hard link impossible", "copied instead (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void missing() {
        report.loss("missing image", "not copied: the source file does not exist");
    }

    /**
     * The file name an image gets under a format's image folder: the source path without a leading image
     * folder ({@code images/}, {@code JPEGImages/}, {@code Images/}) and without a leading split folder,
     * so {@code images/train/a.jpg} in split train becomes {@code a.jpg} and sub-folders below are kept.
     */
    public static String imageName(ImageItem image) {
        String path = image.path();
        for (int pass = 0; pass < 2; pass++) {
            int slash = path.indexOf('/');
            if (slash < 0) {
                break;
            }
            String first = path.substring(0, slash).toLowerCase(Locale.ROOT);
            String split = image.split() == null ? null : image.split().toLowerCase(Locale.ROOT);
            if (first.equals("images") || first.equals("jpegimages") || first.equals("imgs")
                    || (split != null && (first.equals(split) || first.startsWith(split) && first.substring(split.length()).matches("\\d+")))) {
                path = path.substring(slash + 1);
            } else {
                break;
            }
        }
        return path;
    }
}
