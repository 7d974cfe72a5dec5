package loupe.core.task;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void rethrowsIoRuntimeAndErrorsAsTheyAreAndWrapsTheRest() {
        IOException io = new IOException("disk");
        assertSame(io, assertThrows(IOException.class, () -> Failures.rethrow(io)));
        IllegalStateException runtime = new IllegalStateException("state");
        assertSame(runtime, assertThrows(IllegalStateException.class, () -> Failures.rethrow(runtime)));
        OutOfMemoryError error = new OutOfMemoryError("heap");
        assertSame(error, assertThrows(OutOfMemoryError.class, () -> Failures.rethrow(error)));
        Exception checked = new Exception("other");
        assertSame(checked, assertThrows(IOException.class, () -> Failures.rethrow(checked)).getCause());
    }
}
