package loupe.core.model;

/**
 * A class (category) of a dataset, with its id as the source defines it (COCO category id, YOLO line
 * index, ...). Ids may start anywhere and have gaps; never look a class up by position.
 */
public record ClassLabel(int id, String name) {
}
