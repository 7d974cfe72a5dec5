package loupe.core.formats;

import loupe.core.model.Annotation;

/**
 * A {@link DatasetSink} whose work per annotation splits into a part that may run on any thread, in any order
 * (turning the annotation into what is stored: encoding its polygons and attributes), and a part that must run
 * in the reader's order (storing it). A reader that parses one file on several threads, as {@link CocoReader}
 * does with a big file's chunks, calls {@link #prepare} on those threads as records are parsed and
 * {@link #store} in file order, so the first part no longer waits in line with the second.
 *
 * <p>Contract: {@code store(prepare(a))} has exactly the effect of {@code annotation(a)}; {@link #prepare} is
 * thread-safe and has no effect of its own (a prepared value that is never stored is simply dropped);
 * {@link #store} is called as {@link #annotation} is (thread-safe, the order of calls is the order kept).
 *
 * @param <P> what a prepared annotation is
 */
public interface PreparingSink<P> extends DatasetSink {

    /** What {@link #store} needs to store {@code annotation}; thread-safe, no effect of its own. */
    P prepare(Annotation annotation);

    /** Stores a value {@link #prepare} returned, as {@link #annotation} would store its annotation. */
    void store(P prepared);

    @Override
    default void annotation(Annotation annotation) {
        store(prepare(annotation));
    }
}
