package loupe.core.formats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import loupe.core.imaging.ImageHeader;
import loupe.core.imaging.ImageHeaders;
import loupe.core.model.Problem;
import loupe.core.model.ProblemKind;
import loupe.core.task.Progress;

/**
 * Reads a dataset fully into memory, serially, with no catalog. For tests, small datasets and conversions;
 * the {@link loupe.core.index.Indexer} is the fast, incremental path for real datasets.
 */
public final class DatasetLoader {

    private DatasetLoader() {
    }

    /**
     * The raw output of a reader: what it declared, before the indexer's dataset-wide checks, and the units it
     * asked to parse (in order), which tests use to check what each unit depends on.
     */
    public record Result(Path root, DatasetFormat format, CollectingSink sink, List<Unit> units) {
    }

    /** Lists every regular file under {@code root} as relative '/' paths. */
    public static FileListing list(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            List<String> files = walk.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .collect(Collectors.toList());
            return FileListing.of(files);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Reads {@code root} with {@code format}. */
    public static Result load(Path root, DatasetFormat format) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        FileListing files = list(absolute);
        CollectingSink sink = new CollectingSink();
        List<Unit> units = new ArrayList<>();
        format.reader().read(new SimpleContext(absolute, files, sink, units));
        return new Result(absolute, format, sink, List.copyOf(units));
    }

    /** Reads {@code root} with the format {@link Formats#detect} picks. */
    public static Result load(Path root) throws IOException {
        Path absolute = root.toAbsolutePath().normalize();
        return load(absolute, Formats.detect(absolute, list(absolute)).format());
    }

    private record SimpleContext(Path root, FileListing files, CollectingSink sink, List<Unit> parsed)
            implements ReadContext {

        @Override
        public void parseUnits(List<Unit> units, UnitParser parser) {
            parsed.addAll(units);
            for (Unit unit : units) {
                try {
                    parser.parse(unit, sink);
                } catch (IOException | RuntimeException e) {
                    sink.problem(Problem.of(ProblemKind.MALFORMED_ANNOTATION, unit.key(), String.valueOf(e.getMessage())));
                }
            }
        }

        @Override
        public ImageHeader header(String relativePath) {
            try {
                return ImageHeaders.read(root.resolve(relativePath));
            } catch (loupe.core.imaging.CorruptImageException e) {
                return e.header();
            } catch (IOException e) {
                return null;
            }
        }

        @Override
        public Progress progress() {
            return Progress.NONE;
        }
    }
}
