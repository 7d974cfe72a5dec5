package loupe.cli;

import java.io.IOException;
import java.nio.file.Path;

import loupe.core.curation.Recipe;
import picocli.CommandLine.Option;

/** The {@code --recipe} option of the commands that list a dataset's items (manifest, shards). */
final class RecipeSelection {

    @Option(names = "--recipe", paramLabel = "FILE",
            description = "List only what this recipe (JSON, as for 'loupe export') selects, with its renamed and"
                    + " merged labels and its splits; an item the recipe repeats (oversampling) is listed once per"
                    + " repeat. Default: every image of the dataset as indexed.")
    Path recipe;

    /** The recipe, read and checked (call before indexing, so a broken one fails at once); null without one. */
    Recipe read() throws IOException {
        return recipe == null ? null : Recipe.read(recipe);
    }
}
