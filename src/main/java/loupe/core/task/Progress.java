package loupe.core.task;

import java.util.concurrent.CancellationException;

/**
 * Where long work reports how far it is and learns whether it should stop. Implementations must be
 * thread-safe and cheap: calling {@link #update} once per file is fine. The UI and the CLI both consume it.
 */
public interface Progress {

    /**
     * Reports progress within the current phase.
     *
     * @param phase   what is being done ("listing", "headers", "annotations", "catalog")
     * @param done    units done so far in this phase
     * @param total   units expected in this phase, or -1 when not known yet
     */
    void update(String phase, long done, long total);

    /** True once the user asked to stop. Work checks this in every loop over files or rows. */
    boolean isCancelled();

    /** Throws {@link CancellationException} if cancelled; call it in loops. */
    default void checkCancelled() {
        if (isCancelled()) {
            throw new CancellationException("cancelled");
        }
    }

    /** A progress that reports nowhere and is never cancelled. */
    Progress NONE = new Progress() {
        @Override
        public void update(String phase, long done, long total) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }
    };
}
