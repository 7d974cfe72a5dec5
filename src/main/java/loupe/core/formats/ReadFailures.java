package loupe.core.formats;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;

/**
 * Turns the failure to read a dataset file into the problem the readers report for it, so every format words
 * it the same way: a file deleted since the listing is {@code FILE_VANISHED}, an unreadable one
 * {@code PERMISSION_DENIED}, any other I/O error (by default) {@code MALFORMED_ANNOTATION}.
 */
final class ReadFailures {

    private ReadFailures() {
    }

    /**
     * The problem for {@code path} failing with {@code e}; other I/O errors than a vanished or unreadable file
     * are {@code MALFORMED_ANNOTATION}.
     *
     * @param path the file's path relative to the dataset root
     */
    static Problem problem(String path, IOException e) {
        return problem(path, e, ProblemKind.MALFORMED_ANNOTATION);
    }

    /**
     * The problem for {@code path} failing with {@code e}, with {@code otherKind} for other I/O errors than a
     * vanished or unreadable file.
     */
    static Problem problem(String path, IOException e, ProblemKind otherKind) {
        if (e instanceof NoSuchFileException) {
            return Problem.of(ProblemKind.FILE_VANISHED, path, "file disappeared while reading");
        }
        if (e instanceof AccessDeniedException) {
            return Problem.of(ProblemKind.PERMISSION_DENIED, path, "cannot read: permission denied");
        }
        return Problem.of(otherKind, path, "cannot read: " + e.getMessage());
    }
}
