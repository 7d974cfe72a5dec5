/**
 * The dataset model: immutable records for images, classes, annotations and problems. Depends on nothing.
 * The coordinate contract lives in {@link loupe.core.model.BoundingBox}.
 */
package loupe.core.model;
