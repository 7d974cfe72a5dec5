package loupe.core.imaging.region;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import javax.imageio.ImageReader;

/**
 * Up to {@code max} ImageIO readers of one file, made on demand and shared by threads one at a time (ImageIO readers
 * are not thread-safe). A thread that finds all of them busy waits for one. A reader that failed is disposed of
 * rather than reused, so a decoder left in a bad state never serves another read.
 */
final class ReaderPool implements AutoCloseable {

    /** Makes a reader ready to read the file. */
    @FunctionalInterface
    interface Factory {
        ImageReader create() throws IOException;
    }

    private final String fileName;
    private final int max;
    private final Factory factory;
    private final Consumer<ImageReader> disposer;
    private final LinkedBlockingQueue<ImageReader> idle = new LinkedBlockingQueue<>();
    private int created;                 // guarded by this
    private volatile boolean closed;

    /**
     * @param fileName for messages
     * @param disposer releases a reader (and its stream, if it owns one)
     */
    ReaderPool(String fileName, int max, Factory factory, Consumer<ImageReader> disposer) {
        this.fileName = fileName;
        this.max = max;
        this.factory = factory;
        this.disposer = disposer;
    }

    /** Adds a reader made elsewhere (e.g. the one that read the header) as the pool's first. */
    void adopt(ImageReader reader) {
        synchronized (this) {
            created++;
        }
        idle.add(reader);
    }

    /** A reader for this thread alone until {@link #giveBack}. */
    ImageReader borrow() throws IOException {
        if (closed) {
            throw new IllegalStateException(fileName + " is closed");
        }
        ImageReader reader = idle.poll();
        if (reader != null) {
            return reader;
        }
        boolean create;
        synchronized (this) {
            create = created < max;
            if (create) {
                created++;
            }
        }
        if (create) {
            try {
                return factory.create();
            } catch (IOException | RuntimeException e) {
                synchronized (this) {
                    created--;
                }
                throw e;
            }
        }
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a reader of " + fileName);
        }
    }

    /** Returns a reader; {@code healthy} false when its read failed, so it is disposed of instead. */
    void giveBack(ImageReader reader, boolean healthy) {
        if (healthy && !closed) {
            idle.add(reader);
            if (closed && idle.remove(reader)) {   // closed meanwhile: close() may have missed it
                disposer.accept(reader);
            }
            return;
        }
        disposer.accept(reader);
        synchronized (this) {
            created--;
        }
    }

    /** Disposes of the idle readers; busy ones are disposed of when given back. */
    @Override
    public void close() {
        closed = true;
        ImageReader reader;
        while ((reader = idle.poll()) != null) {
            disposer.accept(reader);
        }
    }
}
