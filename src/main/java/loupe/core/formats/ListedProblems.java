package loupe.core.formats;

import java.io.IOException;

import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;

/**
 * The problems of one file, of which only the first few are emitted and the rest counted, so a file broken on
 * every record does not flood the index; {@link #summarise()} then emits one problem saying how many were left
 * out. A null sink drops everything (a read done only to collect names).
 */
final class ListedProblems {
    private final String path;
    private final DatasetSink sink;
    private final int maxListed;
    private int count;

    /**
     * @param path      the file's path relative to the dataset root, the path of every problem
     * @param sink      where listed problems go, or null to drop them
     * @param maxListed how many problems are emitted before the rest are only counted
     */
    ListedProblems(String path, DatasetSink sink, int maxListed) {
        this.path = path;
        this.sink = sink;
        this.maxListed = maxListed;
    }

    /** Counts a problem of the file, emitting it while fewer than the maximum were. */
    void add(ProblemKind kind, String location, String message) {
        if (sink != null && ++count <= maxListed) {
            sink.problem(Problem.of(kind, path, location, message));
        }
    }

    /** Counts the failure to read the file, worded as {@link ReadFailures} words it. */
    void addReadFailure(IOException e) {
        Problem p = ReadFailures.problem(path, e);
        add(p.kind(), p.location(), p.message());
    }

    /** Emits how many problems were counted but not listed, if any. */
    void summarise() {
        if (sink != null && count > maxListed) {
            sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, path, "",
                    (count - maxListed) + " more problems not listed (" + count + " in all)"));
        }
    }
}
