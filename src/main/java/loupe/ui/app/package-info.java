/**
 * The desktop app's frame: {@link loupe.ui.app.LoupeApp} (the JavaFX application), {@link loupe.ui.app.AppServices}
 * (executors and services, made once), {@link loupe.ui.app.Workspace} (the view models and how they follow each
 * other), {@link loupe.ui.app.MainWindow} (menu, toolbar, view switch, banner, status bar) and
 * {@link loupe.ui.app.MainViewModel} (which folder is open, indexing progress, the current view and theme), with
 * {@link loupe.ui.app.AppSettings} (what is remembered between runs).
 */
package loupe.ui.app;
