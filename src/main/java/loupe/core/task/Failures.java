package loupe.core.task;

import java.io.IOException;

/** Rethrowing what a background task failed with, on the thread that waited for it. */
public final class Failures {

    private Failures() {
    }

    /**
     * Throws {@code failure} as it is when it is an IOException, a RuntimeException or an Error, else wrapped in
     * an IOException. Declared to return one so callers can write {@code throw Failures.rethrow(e)}.
     */
    public static IOException rethrow(Throwable failure) throws IOException {
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new IOException(failure);
    }
}
