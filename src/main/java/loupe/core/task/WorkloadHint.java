package loupe.core.task;

/**
 * Tells whoever listens how big the work of this run turned out to be, as soon as the indexer knows (after
 * listing and stat'ing the files). The command line uses it to choose the JIT for the rest of the run
 * (see {@code loupe.cli.QuickJit}): a quick compiler for runs of seconds, the optimising one for long runs.
 * A process-wide hook because the choice is process-wide; nothing listens in the app or in tests.
 */
public final class WorkloadHint {

    /** Receives the size of the dataset being indexed. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param files           files in the dataset
         * @param annotationBytes bytes of the files that are not images (annotation files, mostly)
         */
        void sized(long files, long annotationBytes);
    }

    private static volatile Listener listener;

    private WorkloadHint() {
    }

    /** Sets the one listener (null for none). */
    public static void listen(Listener newListener) {
        listener = newListener;
    }

    /** True when someone listens: the indexer skips counting bytes otherwise. */
    public static boolean wanted() {
        return listener != null;
    }

    public static void report(long files, long annotationBytes) {
        Listener l = listener;
        if (l != null) {
            l.sized(files, annotationBytes);
        }
    }
}
