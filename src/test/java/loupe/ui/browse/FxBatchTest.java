package loupe.ui.browse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class FxBatchTest {

    @Test
    void actionsPostedBeforeTheDrainRunTogetherInOrder() {
        List<Runnable> hops = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        FxBatch batch = new FxBatch(hops::add);

        batch.post(() -> ran.add("a"));
        batch.post(() -> ran.add("b"));
        batch.post(() -> ran.add("c"));
        assertEquals(1, hops.size(), "one hop to the FX thread for three actions");

        hops.remove(0).run();
        assertEquals(List.of("a", "b", "c"), ran);

        batch.post(() -> ran.add("d"));
        assertEquals(1, hops.size(), "after a drain the next action hops again");
        hops.remove(0).run();
        assertEquals(List.of("a", "b", "c", "d"), ran);
    }

    @Test
    void anActionPostedWhileDrainingIsNotLost() {
        List<Runnable> hops = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        FxBatch batch = new FxBatch(hops::add);
        batch.post(() -> {
            ran.add("first");
            batch.post(() -> ran.add("posted meanwhile"));
        });

        hops.remove(0).run();
        while (!hops.isEmpty()) {
            hops.remove(0).run();
        }

        assertEquals(List.of("first", "posted meanwhile"), ran);
    }

    @Test
    void aFailingActionDoesNotStopTheOthers() {
        List<Runnable> hops = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        FxBatch batch = new FxBatch(hops::add);
        batch.post(() -> {
            throw new IllegalStateException("broken tile");
        });
        batch.post(() -> ran.add("next"));

        Thread.UncaughtExceptionHandler before = Thread.currentThread().getUncaughtExceptionHandler();
        List<Throwable> reported = new ArrayList<>();
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> reported.add(e));
        try {
            hops.remove(0).run();
        } finally {
            Thread.currentThread().setUncaughtExceptionHandler(before);
        }

        assertEquals(List.of("next"), ran);
        assertEquals(1, reported.size());
    }
}
