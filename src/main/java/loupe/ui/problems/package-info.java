/**
 * The Problems view: every problem the index found, filtered by kind in the catalog
 * ({@link loupe.ui.problems.ProblemsViewModel}) and listed in a table ({@link loupe.ui.problems.ProblemsView}).
 */
package loupe.ui.problems;
