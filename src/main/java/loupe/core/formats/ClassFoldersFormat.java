package loupe.core.formats;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageRef;

/**
 * A classification tree where the folder is the label: {@code <class>/<image>} or
 * {@code <split>/<class>/<image>} (torchvision's {@code ImageFolder}, Keras' {@code image_dataset_from_directory}).
 *
 * <p>A top-level folder whose name is a split name ({@code train, training, val, valid, validation, test,
 * testing, dev}, any case) is a split, and its name (as written) is the split of everything under it; any
 * other top-level folder is a class folder with no split. The class of an image is the first folder below
 * the root or split folder, at any depth: {@code cat/tabby/1.jpg} is a "cat", as in torchvision's
 * {@code ImageFolder}, which walks class folders recursively (datumaro's {@code imagenet} importer ignores
 * such images instead). An image directly in the root or in a split folder is declared without a label,
 * which the indexer reports as an image without annotations. A class folder whose name is a split name
 * cannot be expressed at the top level; it is taken as a split.
 *
 * <p>Class ids are 0..N-1 in {@link String#compareTo} order of the union of class folder names over all
 * splits, so a class has the same id in every split. Folders with no image (an empty class) are not seen,
 * since the reader works from the file listing. Everything is known from the listing, so there are no
 * units. Hidden files and folders (names starting with '.') and {@code __MACOSX} are ignored. Stateless and
 * thread-safe.
 */
public final class ClassFoldersFormat implements DatasetFormat {

    private static final Set<String> SPLIT_NAMES =
            Set.of("train", "training", "val", "valid", "validation", "test", "testing", "dev");
    /** Folder names of other layouts that hold images but are not classes (VOC devkit, YOLO). */
    private static final Set<String> OTHER_LAYOUT_FOLDERS =
            Set.of("JPEGImages", "Annotations", "ImageSets", "SegmentationClass", "SegmentationObject", "labels");
    private static final Set<String> ANNOTATION_EXTENSIONS = Set.of("json", "xml", "yaml", "yml");
    /**
     * Parts of folder names that mark an image/mask or image/annotation pair layout (CamVid's
     * {@code trainannot}, KITTI's {@code instance}, {@code images} + {@code masks}), not a class.
     */
    private static final List<String> NOT_CLASS_HINTS =
            List.of("mask", "annot", "instance", "segment", "image", "imgs");

    @Override
    public String id() {
        return "folders";
    }

    @Override
    public String displayName() {
        return "Class folders";
    }

    /** True when the folder name is one of the split names this format (and VOC's path fallback) knows. */
    static boolean isSplitName(String folderName) {
        return SPLIT_NAMES.contains(folderName.toLowerCase(Locale.ROOT));
    }

    /** The nearest folder above a file whose name is a split name, as written, or null. */
    static String splitOfPath(String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 2; i >= 0; i--) {
            if (isSplitName(parts[i])) {
                return parts[i];
            }
        }
        return null;
    }

    /** True for files in hidden folders, hidden files and macOS archive leftovers. */
    static boolean isHidden(String path) {
        for (String part : path.split("/")) {
            if (part.startsWith(".") || part.equals("__MACOSX")) {
                return true;
            }
        }
        return false;
    }

    /** Where the tree puts one image. */
    private record Placement(String path, String split, String className) {
    }

    private static Placement place(String path) {
        String[] parts = path.split("/");
        int at = 0;
        String split = null;
        if (parts.length >= 2 && isSplitName(parts[0])) {
            split = parts[0];
            at = 1;
        }
        String className = parts.length - at >= 2 ? parts[at] : null;
        return new Placement(path, split, className);
    }

    @Override
    public Support probe(FileListing files, Path root) {
        Set<String> imageStems = new HashSet<>();
        List<String> images = new ArrayList<>();
        for (String p : files.images()) {
            if (!isHidden(p)) {
                images.add(p);
                imageStems.add(DatasetPaths.stripExtension(DatasetPaths.fileName(p)));
            }
        }
        if (images.isEmpty()) {
            return Support.none("no image files");
        }
        // Only annotation extensions and .txt can be annotation files: look at those, not at every image, and
        // name the first in listing order (the earliest first hit of the per-extension lists).
        String annotationFile = null;
        List<String> extensions = new ArrayList<>(ANNOTATION_EXTENSIONS);
        extensions.add("txt");
        for (String ext : extensions) {
            for (String p : files.withExtension(ext)) {
                if (annotationFile != null && p.compareTo(annotationFile) > 0) {
                    break;
                }
                if (!isHidden(p) && isAnnotationFile(p, imageStems)) {
                    annotationFile = p;
                    break;
                }
            }
        }
        if (annotationFile != null) {
            return Support.none(annotationFile + " looks like an annotation file; not a plain class-folder tree");
        }
        for (String p : images) {
            for (String part : DatasetPaths.parent(p).split("/")) {
                if (OTHER_LAYOUT_FOLDERS.contains(part)) {
                    return Support.none("images are in a " + part + "/ folder of another dataset layout");
                }
            }
        }
        int inFolders = 0;
        Set<String> classes = new TreeSet<>();
        Set<String> splits = new TreeSet<>();
        for (String p : images) {
            int depth = p.length() - p.replace("/", "").length();
            if (depth == 1 || depth == 2) {
                inFolders++;
            }
            Placement placement = place(p);
            if (placement.className() != null) {
                classes.add(placement.className());
            }
            if (placement.split() != null) {
                splits.add(placement.split());
            }
        }
        for (String c : classes) {
            String lower = c.toLowerCase(Locale.ROOT);
            for (String hint : NOT_CLASS_HINTS) {
                if (lower.contains(hint)) {
                    return Support.none("folder '" + c + "' looks like part of an image/mask or image/annotation"
                            + " layout, not a class");
                }
            }
        }
        if (inFolders * 2 <= images.size()) {
            return Support.none("only " + inFolders + " of " + images.size()
                    + " images are one or two folders deep, as class folders put them");
        }
        if (classes.size() < 2) {
            return Support.none("images are in " + classes.size() + " class folder(s); a classification tree has"
                    + " at least two");
        }
        return new Support(0.3, images.size() + " images in " + classes.size() + " class folders ("
                + preview(classes) + ")" + (splits.isEmpty() ? "" : " under split folders " + splits)
                + " and no annotation files");
    }

    /** JSON/XML/YAML anywhere, or a .txt that is a YOLO label (named like an image, or in a labels/ folder). */
    private static boolean isAnnotationFile(String path, Set<String> imageStems) {
        // NOTE: files at the root (a README.json, a generator's meta.json) say nothing about the images in the
        // class folders; a real annotation file at the root (COCO, data.yaml) makes its own format win anyway,
        // because this probe's confidence is the lowest.
        if (DatasetPaths.isLoupeReport(path) || path.indexOf('/') < 0) {
            return false;
        }
        String ext = DatasetPaths.extension(path);
        if (ANNOTATION_EXTENSIONS.contains(ext)) {
            return true;
        }
        if (!ext.equals("txt")) {
            return false;
        }
        return imageStems.contains(DatasetPaths.stripExtension(DatasetPaths.fileName(path)))
                || ("/" + DatasetPaths.parent(path) + "/").contains("/labels/");
    }

    private static String preview(Set<String> names) {
        List<String> first = new ArrayList<>();
        for (String n : names) {
            if (first.size() == 5) {
                first.add("...");
                break;
            }
            first.add(n);
        }
        return String.join(", ", first);
    }

    /** Writes {@code <split>/<class>/NAME}; see {@link ClassFoldersWriter} for which images fit and what is lost. */
    @Override
    public java.util.Optional<DatasetWriter> writer() {
        return java.util.Optional.of(new ClassFoldersWriter());
    }

    @Override
    public DatasetReader reader() {
        return ctx -> {
            DatasetSink sink = ctx.sink();
            List<Placement> placements = new ArrayList<>();
            Set<String> classNames = new TreeSet<>();
            for (String p : ctx.files().all()) {
                if (placements.size() % 4096 == 0) {
                    ctx.progress().checkCancelled();
                }
                if (!DatasetPaths.isImage(p) || isHidden(p)) {
                    continue;
                }
                Placement placement = place(p);
                placements.add(placement);
                if (placement.className() != null) {
                    classNames.add(placement.className());
                }
            }
            Map<String, Integer> ids = new HashMap<>();
            for (String name : classNames) {
                ids.put(name, ids.size());
                sink.classLabel(new ClassLabel(ids.get(name), name));
            }
            for (Placement placement : placements) {
                sink.image(ImageRef.of(placement.path(), placement.split()));
                if (placement.className() != null) {
                    sink.annotation(Annotation.imageLabel(placement.path(), ids.get(placement.className())));
                }
            }
        };
    }
}
