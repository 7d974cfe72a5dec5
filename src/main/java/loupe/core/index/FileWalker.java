package loupe.core.index;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicLong;

import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.task.Progress;

/**
 * Lists the regular files under a folder in parallel, one task per directory on a bounded pool.
 *
 * <p>The listing reads directory entries only: a name with a known file extension (image or annotation) is
 * taken to be a file without a stat, because the stat is the real cost of listing (5-14 us per file) and the
 * indexer stats files later anyway. Names without a known extension are stat'ed to tell folders from files.
 * Folders are followed through symbolic links; a folder seen twice (by device and inode) is a loop and is
 * reported, not followed. Unreadable folders and names that are not valid in the platform encoding become
 * problems; the walk goes on.
 */
public final class FileWalker {

    private static final Set<String> FILE_EXTENSIONS = Set.of(
            "jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff", "webp",
            "txt", "xml", "json", "yaml", "yml", "csv", "names", "data");

    private final ForkJoinPool pool;

    /** @param pool the pool the walk runs on; its parallelism bounds the concurrent directory reads */
    public FileWalker(ForkJoinPool pool) {
        this.pool = pool;
    }

    /** The walk's outcome: relative paths ('/' separators, unsorted) and the problems met. */
    public record Listing(List<String> files, List<Problem> problems) {
    }

    /**
     * Lists every regular file under {@code root}.
     *
     * @throws NoSuchFileException when root does not exist
     * @throws IOException         when root is not a readable folder
     */
    public Listing list(Path root, Progress progress) throws IOException {
        BasicFileAttributes rootAttributes = Files.readAttributes(root, BasicFileAttributes.class);
        if (!rootAttributes.isDirectory()) {
            throw new IOException(root + " is not a folder");
        }
        ConcurrentLinkedQueue<List<String>> batches = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Problem> problems = new ConcurrentLinkedQueue<>();
        Set<Object> visited = ConcurrentHashMap.newKeySet();
        Object rootKey = rootAttributes.fileKey();
        if (rootKey != null) {
            visited.add(rootKey);
        }
        AtomicLong found = new AtomicLong();
        pool.invoke(new DirectoryTask(root, "", batches, problems, visited, found, progress));
        progress.checkCancelled();
        List<String> files = new ArrayList<>((int) found.get());
        batches.forEach(files::addAll);
        progress.update("listing", files.size(), files.size());
        return new Listing(files, new ArrayList<>(problems));
    }

    private static boolean looksLikeFile(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && FILE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static final class DirectoryTask extends RecursiveAction {
        private final Path dir;
        private final String relative;
        private final ConcurrentLinkedQueue<List<String>> batches;
        private final ConcurrentLinkedQueue<Problem> problems;
        private final Set<Object> visited;
        private final AtomicLong found;
        private final Progress progress;

        DirectoryTask(Path dir, String relative, ConcurrentLinkedQueue<List<String>> batches,
                      ConcurrentLinkedQueue<Problem> problems, Set<Object> visited, AtomicLong found,
                      Progress progress) {
            this.dir = dir;
            this.relative = relative;
            this.batches = batches;
            this.problems = problems;
            this.visited = visited;
            this.found = found;
            this.progress = progress;
        }

        @Override
        protected void compute() {
            if (progress.isCancelled()) {
                return;
            }
            List<String> files = new ArrayList<>();
            List<DirectoryTask> children = new ArrayList<>();
            String prefix = relative.isEmpty() ? "" : relative + "/";
            // NOTE: java.io.File.list() returns bare names from readdir; Files.newDirectoryStream builds a Path
            // per entry and is about twice as slow on a million files. Errors come back as null, so the
            // reason is looked up separately.
            String[] names = dir.toFile().list();
            if (names == null) {
                if (!Files.exists(dir)) {
                    problems.add(Problem.of(ProblemKind.FILE_VANISHED, relative, "folder vanished while it was being listed"));
                } else {
                    problems.add(Problem.of(ProblemKind.PERMISSION_DENIED, relative, "folder cannot be read: permission denied"));
                }
                return;
            }
            for (String name : names) {
                String path = prefix + name;
                if (name.indexOf('\uFFFD') >= 0) {
                    // NOTE: the JVM decodes names with sun.jnu.encoding; bytes it cannot decode become U+FFFD
                    // and the String no longer names the file. Run with a UTF-8 locale (LC_ALL=C.UTF-8).
                    problems.add(Problem.of(ProblemKind.UNREADABLE_NAME, path,
                            "file name is not valid in the platform encoding; Loupe skips it"));
                    continue;
                }
                if (looksLikeFile(name)) {
                    files.add(path);
                    continue;
                }
                classify(dir.resolve(name), path, files, children);
            }
            if (!files.isEmpty()) {
                batches.add(files);
                long total = found.addAndGet(files.size());
                progress.update("listing", total, -1);
            }
            if (!children.isEmpty()) {
                invokeAll(children);
            }
        }

        private void classify(Path entry, String path, List<String> files, List<DirectoryTask> children) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class);
                if (attributes.isDirectory()) {
                    Object key = attributes.fileKey();
                    if (key != null && !visited.add(key)) {
                        if (Files.isSymbolicLink(entry)) {
                            problems.add(Problem.of(ProblemKind.SYMLINK_LOOP, path,
                                    "symbolic link leads back to a folder already listed; not followed"));
                        }
                        return;
                    }
                    children.add(new DirectoryTask(entry, path, batches, problems, visited, found, progress));
                } else if (attributes.isRegularFile()) {
                    files.add(path);
                }
            } catch (FileSystemLoopException e) {
                problems.add(Problem.of(ProblemKind.SYMLINK_LOOP, path, "symbolic link loop; not followed"));
            } catch (NoSuchFileException e) {
                if (Files.isSymbolicLink(entry)) {
                    problems.add(Problem.of(ProblemKind.OTHER, path, "broken symbolic link: its target does not exist"));
                } else {
                    problems.add(Problem.of(ProblemKind.FILE_VANISHED, path, "file vanished while it was being listed"));
                }
            } catch (AccessDeniedException e) {
                problems.add(Problem.of(ProblemKind.PERMISSION_DENIED, path, "cannot be read: permission denied"));
            } catch (IOException e) {
                String message = String.valueOf(e.getMessage());
                ProblemKind kind = message.contains("Too many levels of symbolic links")
                        ? ProblemKind.SYMLINK_LOOP : ProblemKind.PERMISSION_DENIED;
                problems.add(Problem.of(kind, path, "cannot be read: " + message));
            }
        }
    }
}
