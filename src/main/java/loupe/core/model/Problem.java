package loupe.core.model;

/**
 * Something wrong (or worth knowing) about the data. Problems are values, never exceptions: readers and the
 * indexer collect them and go on.
 *
 * @param severity how bad it is
 * @param kind     what kind of problem
 * @param path     the file concerned, relative to the dataset root ('/' separators), or "" for the dataset itself
 * @param location where in that file ("line 3", a JSON pointer "/annotations/17"), or "" when not applicable
 * @param message  what was found and what was expected, in words a user understands
 */
public record Problem(Severity severity, ProblemKind kind, String path, String location, String message) {

    public static Problem of(ProblemKind kind, String path, String location, String message) {
        return new Problem(kind.defaultSeverity(), kind, path, location == null ? "" : location, message);
    }

    public static Problem of(ProblemKind kind, String path, String message) {
        return of(kind, path, "", message);
    }
}
