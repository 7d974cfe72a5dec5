package loupe.core.query;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

class CatalogSessionTest {

    @Test
    void submitAfterTheExecutorShutDownFailsTheFutureInsteadOfThrowing() {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        CatalogSession session = new CatalogSession(executor);
        executor.shutdown();

        CompletableFuture<Integer> result = session.submit(open -> 1);

        assertTrue(result.isCompletedExceptionally());
        ExecutionException e = assertThrows(ExecutionException.class, result::get);
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }

    @Test
    void submitWithoutAnOpenCatalogFails() {
        CatalogSession session = new CatalogSession(Runnable::run);

        ExecutionException e = assertThrows(ExecutionException.class, () -> session.submit(open -> 1).get());

        assertInstanceOf(IllegalStateException.class, e.getCause());
    }
}
