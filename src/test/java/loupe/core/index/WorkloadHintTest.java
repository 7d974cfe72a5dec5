package loupe.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import loupe.core.formats.DatasetPaths;
import loupe.core.task.Progress;
import loupe.core.task.WorkloadHint;

class WorkloadHintTest {

    @TempDir
    Path cache;

    @AfterEach
    void stopListening() {
        WorkloadHint.listen(null);
    }

    @Test
    void theIndexerReportsTheFileCountAndTheBytesOfFilesThatAreNotImages() throws IOException {
        Path dataset = Path.of("assets", "sample").toAbsolutePath();
        long files;
        long annotationBytes = 0;
        try (Stream<Path> walk = Files.walk(dataset)) {
            List<Path> regular = walk.filter(Files::isRegularFile).toList();
            files = regular.size();
            for (Path p : regular) {
                if (!DatasetPaths.isImage(dataset.relativize(p).toString().replace('\\', '/'))) {
                    annotationBytes += Files.size(p);
                }
            }
        }
        List<long[]> heard = new ArrayList<>();
        WorkloadHint.listen((f, bytes) -> heard.add(new long[] {f, bytes}));

        try (Catalog catalog = Catalog.open(cache.resolve("catalog.duckdb"))) {
            new Indexer(IndexOptions.defaults()).index(catalog, dataset, Progress.NONE);
        }

        assertEquals(1, heard.size());
        assertEquals(files, heard.get(0)[0]);
        assertEquals(annotationBytes, heard.get(0)[1]);
        assertEquals(true, annotationBytes > 0, "the sample has annotation files");
    }
}
