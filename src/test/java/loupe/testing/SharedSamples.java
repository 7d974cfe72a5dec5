package loupe.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/** The shared sample datasets ({@code ../shared/datasets} from the project root), which may be absent. */
public final class SharedSamples {

    /** The folder of all samples, relative to the working directory (the project root under Maven). */
    public static final Path ROOT = Path.of("..", "shared", "datasets");

    private SharedSamples() {
    }

    /** The sample folder {@code parts} under {@link #ROOT}; skips the calling test when it is absent. */
    public static Path dir(String... parts) {
        Path p = ROOT.resolve(Path.of("", parts));
        Assumptions.assumeTrue(Files.isDirectory(p), "shared sample missing: " + p);
        return p;
    }
}
