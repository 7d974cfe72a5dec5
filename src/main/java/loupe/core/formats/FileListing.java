package loupe.core.formats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The regular files of a dataset, as sorted relative paths with '/' separators. Immutable and thread-safe.
 * Lookups use binary search, so a million paths cost one array.
 */
public final class FileListing {

    private final String[] paths;
    /** Paths by lower-case extension and the images, in sorted order; made on first use (the probes ask). */
    private volatile Index index;

    private FileListing(String[] sortedUniquePaths) {
        this.paths = sortedUniquePaths;
    }

    public static FileListing of(Collection<String> relativePaths) {
        String[] sorted = relativePaths.toArray(new String[0]);
        Arrays.parallelSort(sorted);
        int unique = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (unique == 0 || !sorted[i].equals(sorted[unique - 1])) {
                sorted[unique++] = sorted[i];
            }
        }
        return new FileListing(unique == sorted.length ? sorted : Arrays.copyOf(sorted, unique));
    }

    public int size() {
        return paths.length;
    }

    public List<String> all() {
        return Arrays.asList(paths);
    }

    /**
     * The files with an extension ({@code "json"}, lower case, without the dot; any case on disk), in sorted
     * order. A probe looking for annotation files asks for these instead of walking every image path.
     */
    public List<String> withExtension(String extension) {
        return byExtension().getOrDefault(extension, List.of());
    }

    /** The image files ({@link DatasetPaths#isImage}), in sorted order. */
    public List<String> images() {
        return index().images();
    }

    private Map<String, List<String>> byExtension() {
        return index().byExtension();
    }

    /** Paths by extension and the images, made in one pass over the listing on first use. */
    private record Index(Map<String, List<String>> byExtension, List<String> images) {
    }

    private Index index() {
        Index result = index;
        if (result == null) {
            Map<String, List<String>> built = new HashMap<>();
            List<String> images = new ArrayList<>();
            for (String p : paths) {
                String extension = DatasetPaths.extension(p);
                built.computeIfAbsent(extension, k -> new ArrayList<>()).add(p);
                if (DatasetPaths.isImageExtension(extension)) {
                    images.add(p);
                }
            }
            built.replaceAll((k, v) -> Collections.unmodifiableList(v));
            index = result = new Index(Collections.unmodifiableMap(built), Collections.unmodifiableList(images));
        }
        return result;
    }

    public boolean contains(String relativePath) {
        return Arrays.binarySearch(paths, relativePath) >= 0;
    }

    /** The position of a path in sorted order, or a negative number when absent (as Arrays.binarySearch). */
    public int indexOf(String relativePath) {
        return Arrays.binarySearch(paths, relativePath);
    }

    /** The path at a position in sorted order. */
    public String get(int index) {
        return paths[index];
    }

    /** Files under a folder (any depth). {@code ""} means the whole dataset. */
    public List<String> under(String folder) {
        if (folder.isEmpty()) {
            return all();
        }
        String prefix = folder.endsWith("/") ? folder : folder + "/";
        int from = lowerBound(prefix);
        int to = lowerBound(prefix.substring(0, prefix.length() - 1) + (char) ('/' + 1));
        return Arrays.asList(paths).subList(from, to);
    }

    /** Files directly in a folder (not in its sub-folders). {@code ""} means the root. */
    public List<String> in(String folder) {
        List<String> result = new ArrayList<>();
        int depth = folder.isEmpty() ? 0 : folder.length() + 1;
        for (String p : under(folder)) {
            if (p.indexOf('/', depth) < 0) {
                result.add(p);
            }
        }
        return result;
    }

    /** The names of the folders directly inside a folder that contain at least one file at any depth. */
    public Set<String> subfolders(String folder) {
        Set<String> result = new TreeSet<>();
        int depth = folder.isEmpty() ? 0 : folder.length() + 1;
        for (String p : under(folder)) {
            int slash = p.indexOf('/', depth);
            if (slash > 0) {
                result.add(p.substring(depth, slash));
            }
        }
        return result;
    }

    private int lowerBound(String key) {
        int lo = 0, hi = paths.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (paths[mid].compareTo(key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
