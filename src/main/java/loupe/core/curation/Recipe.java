package loupe.core.curation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import loupe.core.model.ProblemKind;

/**
 * What to make of a dataset: which images to keep ({@link Filter}), how to relabel them ({@link Labels}),
 * how to balance the classes ({@link Balance}) and how to split ({@link Split}). A plain, immutable value: the
 * CLI reads it from a JSON file ({@code loupe export --recipe r.json}), the UI edits it, and
 * {@link CurationSession#evaluate} applies it. Every field is optional; absent means "do nothing". The schema
 * (version {@value #VERSION}) and the order in which the steps apply are documented in
 * {@code docs/decisions/0003-recipes.md}. Unknown fields are an error, so a typo never silently does nothing.
 *
 * @param version always {@value #VERSION} for now; absent means {@value #VERSION}
 * @param seed    seeds every random choice (sampling, splits); absent means 0, so a recipe always replays
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"version", "seed", "filter", "labels", "balance", "split"})
public record Recipe(Integer version, Long seed, Filter filter, Labels labels, Balance balance, Split split) {

    /** The schema version this code reads and writes. */
    public static final int VERSION = 1;

    /** The recipe that keeps everything as it is. */
    public static final Recipe EMPTY = new Recipe(VERSION, 0L, null, null, null, null);

    /**
     * A closed range of numbers; either end may be null (unbounded).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Range(Double min, Double max) {

        boolean isSet() {
            return min != null || max != null;
        }
    }

    /** Matches classes by name (source names, before any relabelling): any of, all of, none of. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ClassFilter(List<String> any, List<String> all, List<String> none) {
    }

    /** Matches images by the kinds of problem the index reported on them ({@link ProblemKind} names). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ProblemFilter(List<String> any, List<String> none) {
    }

    /**
     * Which images to keep. All conditions must hold. {@code boxWidth}, {@code boxHeight} and {@code boxArea}
     * (pixels) select boxes, not images: boxes outside them are removed (image-level labels stay).
     *
     * @param classes     class names the image's annotations must include / exclude
     * @param splits      source split names to keep ("" for images without a split)
     * @param problems    problem kinds the image must have (any) / must not have (none)
     * @param boxCount    number of boxes on the image in the source
     * @param imageWidth  image width in pixels (images of unknown size fail any bound)
     * @param imageHeight image height in pixels
     * @param paths       globs on the path relative to the root; the image must match one ({@code *} also
     *                    crosses '/')
     * @param tags        reserved: the catalog has no tags yet, so a non-empty list is an error
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Filter(ClassFilter classes, List<String> splits, ProblemFilter problems, Range boxCount,
                         Range boxWidth, Range boxHeight, Range boxArea, Range imageWidth, Range imageHeight,
                         List<String> paths, List<String> tags) {
    }

    /**
     * Relabelling, applied in this order: renames and merges (names that end up equal are one class, with the
     * lowest source id, as in {@link loupe.core.export.ClassMap}), then drops, which name classes after
     * renaming.
     *
     * @param rename          old name to new name
     * @param merge           new name to the old names merged into it
     * @param dropBoxes       classes whose annotations are removed (the class leaves the class list)
     * @param dropImages      classes whose images are removed altogether
     * @param dropEmptyImages remove images that have no annotation left (or never had one)
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Labels(Map<String, String> rename, Map<String, List<String>> merge, List<String> dropBoxes,
                         List<String> dropImages, Boolean dropEmptyImages) {
    }

    /**
     * Balancing. Caps undersample the whole selection before splitting; oversampling repeats items after
     * splitting, only in the splits it names.
     *
     * @param maxImagesPerClass    at most this many images per class (rarest classes are served first)
     * @param maxInstancesPerClass at most this many annotations per class, by whole images
     * @param oversample           repetition of rare classes' items
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Balance(Integer maxImagesPerClass, Integer maxInstancesPerClass, Oversample oversample) {
    }

    /**
     * Repeats items of classes below {@code targetRatio} times the largest class (counted by {@code by}:
     * "images" or "instances") until they reach it, each item at most {@code maxRepeats} times in all.
     *
     * @param splits splits to oversample; absent means ["train"]
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Oversample(Double targetRatio, String by, Integer maxRepeats, List<String> splits) {
    }

    /**
     * How to split. {@code method} is "keep" (the source's splits), "random" or "stratified" (iterative
     * stratification over the classes); {@code ratios} maps split names to shares (normalised to sum 1, in
     * the order given); {@code groupBy} keeps connected images in one split.
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Split(String method, Map<String, Double> ratios, List<GroupRule> groupBy) {
    }

    /**
     * A rule that puts images in the same group. {@code by}: "regex" (images whose paths give the same first
     * capture group of {@code pattern}, or the same whole match when it has no group), "folder" (same parent
     * folder), "duplicates" (same value in the catalog's hash table {@code table}.{@code column}; the defaults
     * look for a table {@code image_hashes}; skipped with a note when absent), "near-duplicates" (dHashes within
     * the index's near-duplicate distance, transitively; see {@code NearDuplicateGroups}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroupRule(String by, String pattern, String table, String column) {
    }

    // ------------------------------------------------------------------------------------------ reading

    /** Strict: no unknown fields, no trailing content, no coercion ("3" is not a number, 3 not a boolean). */
    private static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** Reads and validates a recipe file. */
    public static Recipe read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.getFileName().toString());
    }

    /**
     * Parses and validates recipe JSON.
     *
     * @param origin named in error messages (a file name), or null
     * @throws RecipeException with a one-line message naming the field
     */
    public static Recipe parse(String json, String origin) throws RecipeException {
        String prefix = origin == null ? "recipe: " : origin + ": ";
        Recipe recipe;
        try {
            recipe = MAPPER.readValue(json, Recipe.class);
        } catch (UnrecognizedPropertyException e) {
            String field = path(e);
            Collection<Object> known = e.getKnownPropertyIds();
            throw new RecipeException(field, prefix + "unknown field '" + field + "'"
                    + (known == null || known.isEmpty() ? "" : "; expected one of: " + known.stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "))), e);
        } catch (MismatchedInputException e) {
            String field = path(e);
            String type = e.getTargetType() == null ? "another value" : describe(e.getTargetType());
            throw new RecipeException(field, prefix + (field.isEmpty() ? "the recipe" : "field '" + field + "'")
                    + " expects " + type + found(e), e);
        } catch (JsonMappingException e) {
            String field = path(e);
            throw new RecipeException(field, prefix + "field '" + field + "': " + firstLine(e.getOriginalMessage())
                    .replaceFirst("^; ", ""), e);
        } catch (JsonProcessingException e) {
            throw new RecipeException(null, prefix + "not valid JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + firstLine(e.getOriginalMessage()), e);
        }
        if (recipe == null) {
            throw new RecipeException(null, prefix + "empty recipe; write {} to keep everything");
        }
        recipe.validate(prefix);
        return recipe;
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** What the file had where the mismatch was, in plain words (", found \"x\"", ", found a list"). */
    private static String found(MismatchedInputException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f && f.getValue() != null) {
            return ", found \"" + f.getValue() + "\"";
        }
        if (e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser parser && parser.currentToken() != null) {
            return switch (parser.currentToken()) {
                case START_ARRAY -> ", found a list";
                case START_OBJECT -> ", found an object";
                case VALUE_STRING -> ", found a string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> ", found a number";
                case VALUE_TRUE, VALUE_FALSE -> ", found true or false";
                case VALUE_NULL -> ", found null";
                default -> "";
            };
        }
        return "";
    }

    private static String describe(Class<?> type) {
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "an object";
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "";
        }
        String line = message.lines().findFirst().orElse("");
        int cut = line.indexOf(" at [Source");
        return "; " + (cut > 0 ? line.substring(0, cut) : line);
    }

    /** This recipe as indented JSON, absent fields left out; {@link #parse} reads it back equal. */
    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a recipe always serialises", e);
        }
    }

    /** The seed to use: the recipe's, or 0. */
    public long effectiveSeed() {
        return seed == null ? 0L : seed;
    }

    /** A copy with the version and the seed filled in (a {@code seedOverride} wins over the recipe's). */
    public Recipe effective(Long seedOverride) {
        return new Recipe(VERSION, seedOverride != null ? seedOverride : effectiveSeed(), filter, labels, balance,
                split);
    }

    // ------------------------------------------------------------------------------------------ validation

    /** The split methods. */
    static final List<String> METHODS = List.of("keep", "random", "stratified");

    private void validate(String prefix) throws RecipeException {
        if (version != null && version != VERSION) {
            fail(prefix, "version", "version " + version + " is not supported; this Loupe reads version " + VERSION);
        }
        if (filter != null) {
            Filter f = filter;
            range(prefix, "filter.boxCount", f.boxCount());
            range(prefix, "filter.boxWidth", f.boxWidth());
            range(prefix, "filter.boxHeight", f.boxHeight());
            range(prefix, "filter.boxArea", f.boxArea());
            range(prefix, "filter.imageWidth", f.imageWidth());
            range(prefix, "filter.imageHeight", f.imageHeight());
            if (f.tags() != null && !f.tags().isEmpty()) {
                fail(prefix, "filter.tags", "tags are not supported yet: the catalog holds no tags");
            }
            if (f.problems() != null) {
                kinds(prefix, "filter.problems.any", f.problems().any());
                kinds(prefix, "filter.problems.none", f.problems().none());
            }
            noNulls(prefix, "filter.splits", f.splits());
            noNulls(prefix, "filter.paths", f.paths());
            if (f.classes() != null) {
                noNulls(prefix, "filter.classes.any", f.classes().any());
                noNulls(prefix, "filter.classes.all", f.classes().all());
                noNulls(prefix, "filter.classes.none", f.classes().none());
            }
        }
        if (labels != null) {
            if (labels.rename() != null) {
                for (Map.Entry<String, String> e : labels.rename().entrySet()) {
                    if (e.getValue() == null || e.getValue().isBlank()) {
                        fail(prefix, "labels.rename." + e.getKey(), "needs a new name (use labels.dropBoxes to drop)");
                    }
                }
            }
            if (labels.merge() != null) {
                for (Map.Entry<String, List<String>> e : labels.merge().entrySet()) {
                    if (e.getValue() == null || e.getValue().isEmpty()) {
                        fail(prefix, "labels.merge." + e.getKey(), "needs a list of class names to merge");
                    }
                    noNulls(prefix, "labels.merge." + e.getKey(), e.getValue());
                }
            }
            noNulls(prefix, "labels.dropBoxes", labels.dropBoxes());
            noNulls(prefix, "labels.dropImages", labels.dropImages());
        }
        if (balance != null) {
            positive(prefix, "balance.maxImagesPerClass", balance.maxImagesPerClass());
            positive(prefix, "balance.maxInstancesPerClass", balance.maxInstancesPerClass());
            Oversample o = balance.oversample();
            if (o != null) {
                if (o.targetRatio() == null || !(o.targetRatio() > 0) || o.targetRatio() > 1) {
                    fail(prefix, "balance.oversample.targetRatio", "must be a number in (0, 1], found "
                            + o.targetRatio());
                }
                if (o.by() != null && !List.of("images", "instances").contains(o.by())) {
                    fail(prefix, "balance.oversample.by", "must be \"images\" or \"instances\", found \"" + o.by() + "\"");
                }
                positive(prefix, "balance.oversample.maxRepeats", o.maxRepeats());
                noNulls(prefix, "balance.oversample.splits", o.splits());
            }
        }
        if (split != null) {
            String method = split.method() == null ? "keep" : split.method();
            if (!METHODS.contains(method)) {
                fail(prefix, "split.method", "must be one of " + String.join(", ", METHODS) + ", found \"" + method + "\"");
            }
            if (!method.equals("keep")) {
                if (split.ratios() == null || split.ratios().isEmpty()) {
                    fail(prefix, "split.ratios", "is required for the " + method + " method, e.g. {\"train\": 0.8, \"val\": 0.2}");
                }
                for (Map.Entry<String, Double> e : split.ratios().entrySet()) {
                    if (e.getValue() == null || !(e.getValue() >= 0) || e.getValue().isInfinite()) {
                        fail(prefix, "split.ratios." + e.getKey(), "must be a share >= 0, found " + e.getValue());
                    }
                    if (e.getKey().isBlank()) {
                        fail(prefix, "split.ratios", "split names must not be empty");
                    }
                }
                if (split.ratios().values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
                    fail(prefix, "split.ratios", "the shares must not all be 0");
                }
            } else if (split.ratios() != null && !split.ratios().isEmpty()) {
                fail(prefix, "split.ratios", "has no effect with method \"keep\"; set split.method to random or stratified");
            }
            if (split.groupBy() != null) {
                for (int i = 0; i < split.groupBy().size(); i++) {
                    group(prefix, "split.groupBy[" + i + "]", split.groupBy().get(i));
                }
            }
        }
    }

    private static void group(String prefix, String field, GroupRule rule) throws RecipeException {
        if (rule == null || rule.by() == null) {
            fail(prefix, field + ".by", "is required: one of " + String.join(", ", GroupSources.ids()));
        }
        if (!GroupSources.ids().contains(rule.by())) {
            fail(prefix, field + ".by", "must be one of " + String.join(", ", GroupSources.ids()) + ", found \""
                    + rule.by() + "\"");
        }
        if (rule.by().equals("regex")) {
            if (rule.pattern() == null) {
                fail(prefix, field + ".pattern", "is required for grouping by regex");
            }
            try {
                Pattern.compile(rule.pattern());
            } catch (PatternSyntaxException e) {
                fail(prefix, field + ".pattern", "is not a valid regular expression: " + e.getDescription());
            }
        }
        for (String name : new String[] {rule.table(), rule.column()}) {
            if (name != null && !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                fail(prefix, field, "table and column must be plain SQL names, found \"" + name + "\"");
            }
        }
    }

    private static void range(String prefix, String field, Range r) throws RecipeException {
        if (r == null) {
            return;
        }
        if (r.min() != null && r.max() != null && r.min() > r.max()) {
            fail(prefix, field, "min " + r.min() + " is above max " + r.max());
        }
        if ((r.min() != null && r.min().isNaN()) || (r.max() != null && r.max().isNaN())) {
            fail(prefix, field, "bounds must be numbers");
        }
    }

    private static void positive(String prefix, String field, Integer n) throws RecipeException {
        if (n != null && n < 1) {
            fail(prefix, field, "must be at least 1, found " + n);
        }
    }

    private static void noNulls(String prefix, String field, List<String> values) throws RecipeException {
        if (values != null && values.contains(null)) {
            fail(prefix, field, "must not contain null");
        }
    }

    private static void kinds(String prefix, String field, List<String> kinds) throws RecipeException {
        if (kinds == null) {
            return;
        }
        List<String> known = new ArrayList<>();
        for (ProblemKind k : ProblemKind.values()) {
            known.add(k.name());
        }
        for (String k : kinds) {
            if (k == null || !known.contains(k.toUpperCase(Locale.ROOT))) {
                fail(prefix, field, "unknown problem kind \"" + k + "\"; known: " + String.join(", ", known));
            }
        }
    }

    private static void fail(String prefix, String field, String message) throws RecipeException {
        throw new RecipeException(field, prefix + "field '" + field + "' " + message);
    }

    /** Ratios normalised to sum 1, in the recipe's order; empty for method "keep". */
    Map<String, Double> normalisedRatios() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (split == null || split.ratios() == null || method().equals("keep")) {
            return out;
        }
        double sum = split.ratios().values().stream().mapToDouble(Double::doubleValue).sum();
        split.ratios().forEach((k, v) -> out.put(k, v / sum));
        return out;
    }

    /** The split method, "keep" when absent. */
    String method() {
        return split == null || split.method() == null ? "keep" : split.method();
    }
}
