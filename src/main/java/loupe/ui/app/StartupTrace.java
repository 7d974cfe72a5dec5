package loupe.ui.app;

import java.lang.management.ManagementFactory;

import javafx.animation.AnimationTimer;

/**
 * Start-up milestones, printed to stderr as {@code startup <ms since JVM start> <milestone>} when the system
 * property {@code loupe.trace.startup} is {@code true}, or {@code exit} to also stop the process right after the
 * first frame without saving anything (bench/gallery.sh's cold-start mode). Costs nothing otherwise.
 */
final class StartupTrace {

    private static final String MODE = System.getProperty("loupe.trace.startup", "");
    static final boolean ON = MODE.equals("true") || MODE.equals("exit");

    private StartupTrace() {
    }

    static void mark(String milestone) {
        if (ON) {
            long ms = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            System.err.println("startup " + ms + " " + milestone);
        }
    }

    /**
     * Marks the first pulse after this call and the next one: the first lays out and renders the window's first
     * frame, the second starts once that frame was handed to the screen.
     */
    static void firstFrame() {
        if (ON) {
            new AnimationTimer() {
                private int pulses;

                @Override
                public void handle(long now) {
                    mark(pulses == 0 ? "first pulse" : "second pulse (first frame done)");
                    if (++pulses == 2) {
                        stop();
                        if (MODE.equals("exit")) {
                            System.err.flush();
                            Runtime.getRuntime().halt(0);
                        }
                    }
                }
            }.start();
        }
    }
}
