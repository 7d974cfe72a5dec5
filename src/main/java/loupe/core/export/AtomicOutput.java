package loupe.core.export;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * An output folder written atomically: everything goes into a hidden temporary folder beside the target,
 * which is renamed to the target by {@link #commit}. Closing without committing (failure, cancellation)
 * deletes the temporary folder, so nothing half-written is ever left at the target.
 */
public final class AtomicOutput implements AutoCloseable {

    private final Path target;
    private final Path temp;
    private final boolean overwrite;
    private boolean committed;

    private AtomicOutput(Path target, Path temp, boolean overwrite) {
        this.target = target;
        this.temp = temp;
        this.overwrite = overwrite;
    }

    /**
     * Prepares to write {@code target}.
     *
     * @throws FileAlreadyExistsException when target is a non-empty folder (and not {@code overwrite}) or a file
     */
    public static AtomicOutput create(Path target, boolean overwrite) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            if (!Files.isDirectory(absolute)) {
                throw new FileAlreadyExistsException(absolute.toString(), null, "exists and is not a folder");
            }
            if (!overwrite && !isEmpty(absolute)) {
                throw new FileAlreadyExistsException(absolute.toString(), null,
                        "is not empty; choose another folder or use --overwrite");
            }
        }
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        Path temp = parent.resolve("." + absolute.getFileName() + ".loupe-tmp-" + UUID.randomUUID());
        Files.createDirectory(temp);
        return new AtomicOutput(absolute, temp, overwrite);
    }

    /** Where to write; becomes the target on commit. */
    public Path temp() {
        return temp;
    }

    public Path target() {
        return target;
    }

    /** Renames the written folder into place (replacing an existing target when overwriting). */
    public void commit() throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            if (!overwrite && !isEmpty(target)) {
                throw new FileAlreadyExistsException(target.toString(), null, "appeared while writing");
            }
            old = target.resolveSibling("." + target.getFileName() + ".loupe-old-" + UUID.randomUUID());
            Files.move(target, old);
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target);
        }
        committed = true;
        if (old != null) {
            deleteTree(old);
        }
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            deleteTree(temp);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // Walk without following links: a symlinked image must be unlinked, never its target deleted.
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
