package loupe.core.formats;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import loupe.core.model.Annotation;
import loupe.core.model.ClassLabel;
import loupe.core.model.ImageItem;

/**
 * Writes a classification tree: {@code <split>/<class>/NAME}, or {@code <class>/NAME} for images without a
 * split (torchvision's {@code ImageFolder}, Keras' {@code image_dataset_from_directory}). The folder is the
 * label, so only images are written; nothing else.
 *
 * <p><b>Which class an image gets.</b> Its image-level labels decide when it has any; otherwise its boxes
 * (a detection source) do. Exactly one distinct class: the image goes into that class's folder. Several
 * classes: the image is skipped ("image with several classes") rather than filed under one of them, because a
 * classifier would learn a wrong label from it. No class: skipped ("unlabelled image"). Boxes themselves
 * cannot be held and are counted ("box"), as are attributes of image-level labels (per key), repeated labels
 * and annotations of unknown class ids.
 *
 * <p><b>Names.</b> Class and split names become folder names: '/', '\', control characters and the
 * characters Windows forbids ({@code <>:"|?*}) become '_', a leading '.' (hidden to readers) becomes '_', an
 * empty name becomes {@code class_<id>}, and names equal ignoring case get {@code _<id>} (a case-insensitive
 * file system would merge them); each change is a note. {@code NAME} is the image's path without its image
 * and split folders ({@link WriteTarget#imageName}) and without a leading folder named like its class, so a
 * class-folder source keeps its sub-folders and reads back with the same paths. When two images would land on
 * the same path (ignoring case), the later one is prefixed with its source folder and, if needed, numbered;
 * nothing is overwritten and the renames are a note.
 *
 * <p>Readers give class ids in name order of the class folders that hold an image, so the report maps each
 * source id to that rank; classes without an image get no folder (torchvision refuses an empty class folder)
 * and are listed in a note. With {@link ImageMode#NONE} nothing is written at all. Stateless and thread-safe.
 */
final class ClassFoldersWriter implements DatasetWriter {

    private static final String UNSAFE = "[/\\\\<>:\"|?*\\p{Cntrl}]";

    @Override
    public void write(DatasetSource source, WriteTarget target) throws IOException {
        ConversionReport report = target.report();
        Map<Integer, String> folderOfClass = folders(source.classes(), report);
        Map<Integer, String> sourceName = new HashMap<>();
        for (ClassLabel c : source.classes()) {
            sourceName.put(c.id(), c.name());
            report.className(c.id(), c.name());
        }
        Set<Integer> used = new HashSet<>();
        Set<String> usedPaths = new HashSet<>();
        Set<String> splits = new TreeSet<>();
        Map<String, String> splitFolders = new HashMap<>();
        Set<String> unsplitClassFolders = new TreeSet<>();
        long[] renamed = {0};
        String[] example = {null};
        long total = source.imageCount();
        long[] done = {0};
        source.forEachImage((image, annotations) -> {
            target.progress().checkCancelled();
            report.imageIn();
            Integer classId = classOf(annotations, folderOfClass, report);
            if (classId != null) {
                String folder = folderOfClass.get(classId);
                String split = image.split();
                String base;
                if (split == null) {
                    base = folder;
                    unsplitClassFolders.add(folder);
                } else {
                    splits.add(split);
                    base = splitFolders.computeIfAbsent(split, s -> splitFolder(s, report)) + "/" + folder;
                }
                String name = name(image, sourceName.get(classId), folder);
                String path = base + "/" + name;
                if (!usedPaths.add(path.toLowerCase(Locale.ROOT))) {
                    path = unique(base, image, name, usedPaths);
                    if (renamed[0]++ == 0) {
                        example[0] = image.path() + " -> " + path;
                    }
                }
                target.placeImage(image, path);
                used.add(classId);
                report.annotationOut(classId);
                report.imageOut();
            }
            target.progress().update("writing", ++done[0], total);
        });
        reportMapping(source.classes(), folderOfClass, used, report);
        for (String split : splits) {
            if (!ClassFoldersFormat.isSplitName(split)) {
                report.note("split '" + split + "' is not a split folder name class-folder readers know (train,"
                        + " val, test, ...); Loupe reads " + splitFolders.get(split) + "/ as a class folder");
            }
        }
        for (String folder : unsplitClassFolders) {
            if (ClassFoldersFormat.isSplitName(folder)) {
                report.note("class folder '" + folder + "' without a split has a split name; class-folder readers"
                        + " take it as a split");
            }
        }
        if (renamed[0] > 0) {
            report.note(renamed[0] + " images were renamed because another image already had their path,"
                    + " e.g. " + example[0]);
        }
        if (target.imageMode() == ImageMode.NONE) {
            report.note("with images 'none' nothing was written: in class folders the images are the labels");
        }
    }

    /** The one class of an image, or null when it has none or several (the loss is reported). */
    private static Integer classOf(List<Annotation> annotations, Map<Integer, String> folderOfClass,
                                   ConversionReport report) {
        Set<Integer> labels = new LinkedHashSet<>();
        Set<Integer> boxes = new LinkedHashSet<>();
        for (Annotation a : annotations) {
            report.annotationIn(a.classId());
            if (!folderOfClass.containsKey(a.classId())) {
                report.loss("unknown class id", "ignored: the class list has no name (folder) for it");
                continue;
            }
            if (a.box() == null && a.polygons().isEmpty()) {
                if (!labels.add(a.classId())) {
                    report.loss("repeated image-level label", "merged: a folder holds each image once");
                }
                for (String key : a.attributes().keySet()) {
                    report.loss("attribute '" + key + "'", "dropped: class folders hold no attributes");
                }
            } else {
                boxes.add(a.classId());
                report.loss("box", "dropped (with its polygons, crowd flag and attributes): class folders hold"
                        + " one class per image");
            }
        }
        Set<Integer> classes = labels.isEmpty() ? boxes : labels;
        if (classes.isEmpty()) {
            report.loss("unlabelled image", "skipped: class folders need a class for every image");
            return null;
        }
        if (classes.size() > 1) {
            report.loss("image with several classes", "skipped: a class folder holds images of one class");
            return null;
        }
        return classes.iterator().next();
    }

    /** A folder name for every class, unique ignoring case; a note for each name that had to change. */
    private static Map<Integer, String> folders(List<ClassLabel> classes, ConversionReport report) {
        Map<Integer, String> result = new HashMap<>();
        Set<String> taken = new HashSet<>();
        for (ClassLabel c : classes) {
            String folder = safe(c.name());
            if (folder.isEmpty()) {
                folder = "class_" + c.id();
            }
            if (!taken.add(folder.toLowerCase(Locale.ROOT))) {
                String base = folder + "_" + c.id();
                folder = base;
                for (int n = 2; !taken.add(folder.toLowerCase(Locale.ROOT)); n++) {
                    folder = base + "_" + n;
                }
            }
            if (!folder.equals(c.name())) {
                report.note("class " + c.id() + " '" + c.name() + "' is written as folder '" + folder + "'");
            }
            result.put(c.id(), folder);
        }
        return result;
    }

    private static String splitFolder(String split, ConversionReport report) {
        String folder = safe(split);
        if (folder.isEmpty()) {
            folder = "_";
        }
        if (!folder.equals(split)) {
            report.note("split '" + split + "' is written as folder '" + folder + "'");
        }
        return folder;
    }

    /** A name usable as one folder on every common file system, or "" when nothing is left. */
    static String safe(String name) {
        String s = (name == null ? "" : name).replaceAll(UNSAFE, "_").strip();
        if (s.startsWith(".")) {
            s = "_" + s.substring(1);
        }
        return s;
    }

    /** The image's path below its class folder. */
    private static String name(ImageItem image, String className, String folder) {
        String name = WriteTarget.imageName(image);
        int slash = name.indexOf('/');
        if (slash > 0) {
            String first = name.substring(0, slash);
            if (first.equals(className) || first.equals(folder)) {
                return name.substring(slash + 1);
            }
        }
        return name;
    }

    private static String unique(String base, ImageItem image, String name, Set<String> usedPaths) {
        String parent = DatasetPaths.parent(name);
        String file = DatasetPaths.fileName(name);
        String prefix = safe(DatasetPaths.parent(image.path()).replace('/', '_'));
        String candidate = (parent.isEmpty() ? "" : parent + "/") + (prefix.isEmpty() ? "" : prefix + "_") + file;
        String stem = DatasetPaths.stripExtension(candidate);
        String extension = candidate.substring(stem.length());
        for (int n = 2; !usedPaths.add((base + "/" + candidate).toLowerCase(Locale.ROOT)); n++) {
            candidate = stem + "_" + n + extension;
        }
        return base + "/" + candidate;
    }

    /**
     * Readers number the class folders that hold an image in name order; classes without an image get no
     * folder and no id.
     */
    private static void reportMapping(List<ClassLabel> classes, Map<Integer, String> folderOfClass, Set<Integer> used,
                                      ConversionReport report) {
        TreeMap<String, Integer> byFolder = new TreeMap<>();
        List<String> empty = new ArrayList<>();
        for (ClassLabel c : classes) {
            if (used.contains(c.id())) {
                byFolder.put(folderOfClass.get(c.id()), c.id());
            } else {
                empty.add(c.name());
            }
        }
        Map<Integer, Integer> rank = new HashMap<>();
        for (Map.Entry<String, Integer> e : byFolder.entrySet()) {
            rank.put(e.getValue(), rank.size());
        }
        for (ClassLabel c : classes) {
            Integer written = rank.get(c.id());
            if (written != null) {
                report.mapping(c.id(), folderOfClass.get(c.id()), written);
            }
        }
        if (!empty.isEmpty()) {
            report.note(empty.size() + " classes have no image and get no folder (readers would not see them): "
                    + String.join(", ", empty.subList(0, Math.min(10, empty.size())))
                    + (empty.size() > 10 ? ", ..." : ""));
        }
    }
}
