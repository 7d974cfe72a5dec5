package loupe.core.formats;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes many small output files (YOLO label files) from background threads, so that creating them, which
 * is system time (about 50-250 us per file on ext4, much of it under the folder's lock), overlaps reading
 * and formatting the next images on the caller's thread. A path always goes to the same thread, so two
 * writes of one path land in call order. At most {@link #MAX_PENDING} files wait in memory.
 * {@link #close()} waits until every file is written and throws the first failure; a failure is also
 * thrown by the next {@link #write} after it. One caller thread.
 */
final class FileSpool implements AutoCloseable {

    static final int MAX_PENDING = 256;
    /**
     * Files handed to a thread at once: one queue hand-over (and thread wake-up, a system call) per file cost
     * about as much as the file's own write.
     */
    static final int BATCH = 32;

    private final WriteTarget target;
    private final ExecutorService[] threads;
    /** Per thread, the files not yet handed over (fewer than {@link #batch}). */
    private final List<List<Runnable>> batches = new ArrayList<>();
    private final int batch;
    private final Semaphore pending = new Semaphore(MAX_PENDING);
    private final AtomicReference<IOException> failure = new AtomicReference<>();

    FileSpool(WriteTarget target) {
        this(target, 2);
    }

    FileSpool(WriteTarget target, int threadCount) {
        this.target = target;
        threads = new ExecutorService[threadCount];
        // Files waiting in unsent batches hold permits too: leave enough for the sent ones.
        batch = Math.max(1, Math.min(BATCH, MAX_PENDING / (2 * threadCount)));
        for (int i = 0; i < threadCount; i++) {
            String name = "loupe-file-spool-" + (i + 1);
            threads[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            batches.add(new ArrayList<>(batch));
        }
    }

    /** The text of a file, made on the thread that writes it (see {@link #write(String, Text)}). */
    @FunctionalInterface
    interface Text {
        /** Appends the file's bytes to an empty buffer. Must not depend on state the caller changes later. */
        void appendTo(AsciiBuffer buffer);
    }

    /** Per writing thread, the buffer {@link Text}s are made in (reused from file to file). */
    private final ThreadLocal<AsciiBuffer> buffers = ThreadLocal.withInitial(AsciiBuffer::new);

    /** Queues {@code bytes[0, length)} as the content of {@code relative} (a copy is kept; the buffer can be reused). */
    void write(String relative, byte[] bytes, int length) throws IOException {
        byte[] content = Arrays.copyOf(bytes, length);
        queue(relative, file -> {
            try (FileOutputStream out = new FileOutputStream(file.toFile())) {
                out.write(content);
            }
        });
    }

    /**
     * Queues a file whose bytes the writing thread makes: formatting numbers then overlaps reading the next
     * images on the caller's thread as well as the file creation.
     */
    void write(String relative, Text text) throws IOException {
        queue(relative, file -> {
            AsciiBuffer buffer = buffers.get();
            buffer.setLength(0);
            text.appendTo(buffer);
            try (FileOutputStream out = new FileOutputStream(file.toFile())) {
                out.write(buffer.bytes(), 0, buffer.length());
            }
        });
    }

    private interface FileWrite {
        void write(Path file) throws IOException;
    }

    private void queue(String relative, FileWrite write) throws IOException {
        throwFailure();
        Path file = target.file(relative);
        try {
            pending.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing " + relative);
        }
        int thread = Math.floorMod(file.hashCode(), threads.length);
        List<Runnable> files = batches.get(thread);
        files.add(() -> {
            try {
                write.write(file);
            } catch (IOException e) {
                failure.compareAndSet(null, e);
            } catch (RuntimeException e) {
                failure.compareAndSet(null, new IOException("cannot write " + relative + ": " + e, e));
            } finally {
                pending.release();
            }
        });
        if (files.size() == batch) {
            send(thread);
        }
    }

    private void send(int thread) {
        List<Runnable> files = batches.get(thread);
        if (files.isEmpty()) {
            return;
        }
        batches.set(thread, new ArrayList<>(batch));
        threads[thread].execute(() -> files.forEach(Runnable::run));
    }

    private void throwFailure() throws IOException {
        IOException e = failure.get();
        if (e != null) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Waits for every queued file; throws the first failure. */
    @Override
    public void close() throws IOException {
        boolean interrupted = false;
        for (int i = 0; i < threads.length; i++) {
            send(i);
            threads[i].shutdown();
        }
        for (ExecutorService thread : threads) {
            while (true) {
                try {
                    if (thread.awaitTermination(1, TimeUnit.MINUTES)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    // The queued files must be written (or fail) before the caller deletes or renames their folder.
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        throwFailure();
    }
}
