package loupe.ui.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

import loupe.core.imaging.region.ImageSources;
import loupe.core.index.Catalog;
import loupe.core.query.CatalogOpener;
import loupe.core.query.CatalogSession;
import loupe.core.query.GalleryItem;
import loupe.core.stats.DatasetStats;
import loupe.core.stats.Statistics;
import loupe.ui.app.MainViewModel.Status;
import loupe.ui.browse.GalleryViewModel;
import loupe.ui.browse.ThumbnailLoader;
import loupe.ui.curate.CurateViewModel;
import loupe.ui.fx.FxJobs;
import loupe.ui.fx.Notification;
import loupe.ui.fx.Notifications;
import loupe.ui.problems.ProblemsViewModel;
import loupe.ui.viewer.AnnotationSource;
import loupe.ui.viewer.CatalogAnnotations;
import loupe.ui.viewer.ImageAnnotations;
import loupe.ui.viewer.ImageNavigator;
import loupe.ui.viewer.ViewerItem;
import loupe.ui.viewer.ViewerServices;
import loupe.ui.viewer.ViewerViewModel;

/**
 * The view models of the main window and how they follow each other: when an index succeeds the session opens
 * its catalog and the gallery and problems read from it; when another index starts they are cleared and the
 * catalog is closed; the viewer shows the gallery's selection while it is the current view. New views (charts,
 * curation) get their view model here. FX thread only.
 */
public final class Workspace {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Workspace.class);

    private final MainViewModel main;
    private final CatalogSession session;
    private final ThumbnailLoader thumbnails;
    private final Notifications notifications = new Notifications();
    private final GalleryViewModel gallery;
    private final ViewerViewModel viewer;
    private final ProblemsViewModel problems;
    /** The dataset's statistics for the Overview charts; null until computed. */
    private final ObjectProperty<DatasetStats> stats = new SimpleObjectProperty<>();
    /** The Curate view's model, made for each opened catalog; null while none is open. */
    private final ObjectProperty<CurateViewModel> curate = new SimpleObjectProperty<>();
    /**
     * Statistics and curation read the catalog through their own connections (DuckDB shares the open database
     * within the process), so a full statistics pass or a curation preview never holds up the gallery's pages
     * on the session thread.
     */
    private final ScheduledExecutorService statsWorker = Executors.newSingleThreadScheduledExecutor(
            daemon("loupe-stats"));
    private final ScheduledExecutorService curateWorker = Executors.newSingleThreadScheduledExecutor(
            daemon("loupe-curate"));
    private final Executor fx;
    /** The problems are read when their view is first shown: on a big dataset that query would delay the gallery. */
    private boolean problemsStale;

    /**
     * @param main       the window's model (indexing, summary, view, theme)
     * @param session    the catalog session; its executor must be the one the index jobs run on, so that closing
     *                   it before an index and opening it after are ordered
     * @param thumbnails the gallery's thumbnails
     * @param viewerServices the viewer's tile caches and threads
     * @param fx         runs callbacks on the FX thread
     */
    public Workspace(MainViewModel main, CatalogSession session, ThumbnailLoader thumbnails,
                     ViewerServices viewerServices, Executor fx) {
        this.main = main;
        this.session = session;
        this.thumbnails = thumbnails;
        this.fx = fx;
        gallery = new GalleryViewModel(session, fx, notifications);
        viewer = new ViewerViewModel(viewerServices, sessionAnnotations(session), fx, ImageSources::open);
        viewer.setNavigator(new GalleryNavigator());
        problems = new ProblemsViewModel(session, fx, notifications);
        main.statusProperty().addListener((obs, old, status) -> {
            if (status == Status.LOADED) {
                opened(fx);
            } else {
                gallery.clear();
                problems.clear();
                problemsStale = false;
                viewer.clear();
                stats.set(null);
                closeCurate();
                session.close();
            }
        });
        gallery.selectedProperty().addListener((obs, old, item) -> showInViewer());
        main.viewProperty().addListener((obs, old, view) -> {
            showInViewer();
            loadProblemsIfShown();
        });
    }

    private void opened(Executor fx) {
        Path catalog = main.getCatalogFile();
        Path root = main.getRoot();
        List<GalleryViewModel.ClassOption> classes = main.getClasses().stream()
                .map(c -> new GalleryViewModel.ClassOption(c.id(), c.name())).toList();
        session.open(catalog).whenCompleteAsync((file, error) -> {
            if (main.getStatus() != Status.LOADED || !catalog.equals(main.getCatalogFile())) {
                return; // another folder is being opened meanwhile
            }
            if (error != null) {
                notifications.post(Notification.error("The index was made but cannot be opened for browsing.",
                        error.getCause() != null ? error.getCause() : error));
                return;
            }
            gallery.load(root, classes);
            problemsStale = true;
            loadProblemsIfShown();
            computeStatistics(catalog);
            openCurate(catalog);
        }, fx);
    }

    private boolean stillOpen(Path catalog) {
        return main.getStatus() == Status.LOADED && catalog.equals(main.getCatalogFile());
    }

    private void computeStatistics(Path catalogFile) {
        statsWorker.execute(() -> {
            try (Catalog catalog = CatalogOpener.open(catalogFile)) {
                DatasetStats all = Statistics.compute(catalog, null, 0);
                fx.execute(() -> {
                    if (stillOpen(catalogFile)) {
                        stats.set(all);
                    }
                });
            } catch (Exception e) {
                LOG.warn("statistics of {} failed", catalogFile, e);
                fx.execute(() -> notifications.post(Notification.error("The statistics could not be computed.", e)));
            }
        });
    }

    private void openCurate(Path catalogFile) {
        curateWorker.execute(() -> {
            Catalog catalog;
            try {
                catalog = CatalogOpener.open(catalogFile);
            } catch (Exception e) {
                fx.execute(() -> notifications.post(Notification.error("The Curate view cannot read the index.", e)));
                return;
            }
            fx.execute(() -> {
                if (!stillOpen(catalogFile)) {
                    curateWorker.execute(() -> closeQuietly(catalog));
                    return;
                }
                CurateViewModel model = new CurateViewModel(catalog, curateWorker, fx, FxJobs.runner(curateWorker));
                closeCurate();
                curateCatalog = catalog;
                curate.set(model);
                model.start();
            });
        });
    }

    /** The catalog the Curate model reads; closed on its worker after the model's own cleanup. */
    private Catalog curateCatalog;

    private void closeCurate() {
        CurateViewModel old = curate.get();
        Catalog oldCatalog = curateCatalog;
        curate.set(null);
        curateCatalog = null;
        if (old != null) {
            old.close();
        }
        if (oldCatalog != null) {
            curateWorker.execute(() -> closeQuietly(oldCatalog));
        }
    }

    private static void closeQuietly(Catalog catalog) {
        try {
            catalog.close();
        } catch (Exception e) {
            // NOTE: nothing to do; the connection goes with the process.
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Shows the images of one class in the gallery (a click on the Overview's bar). */
    public void showClassInGallery(int classId) {
        gallery.filterByClasses(java.util.Set.of(classId), false);
        main.setView(AppView.GALLERY);
    }

    public ReadOnlyObjectProperty<DatasetStats> statsProperty() {
        return stats;
    }

    public ReadOnlyObjectProperty<CurateViewModel> curateProperty() {
        return curate;
    }

    private void loadProblemsIfShown() {
        if (problemsStale && main.getView() == AppView.PROBLEMS) {
            problemsStale = false;
            problems.load();
        }
    }

    private void showInViewer() {
        GalleryItem selected = gallery.getSelected();
        ViewerItem shown = viewer.getItem();
        if (main.getView() == AppView.VIEWER && selected != null
                && (shown == null || !shown.imagePath().equals(selected.path()))) {
            viewer.open(viewerItem(selected));
        }
    }

    private ViewerItem viewerItem(GalleryItem item) {
        // The header's EXIF orientation (0 when none): the viewer offers to apply it to image and boxes.
        return new ViewerItem(gallery.getRoot().resolve(item.path()), item.path(),
                item.orientation() >= 1 && item.orientation() <= 8 ? item.orientation() : 1);
    }

    /**
     * The viewer's annotations, read on the session's catalog thread: the session owns the one connection, and an
     * index job must not overlap a read. Called on the viewer's I/O thread, which may wait.
     */
    private static AnnotationSource sessionAnnotations(CatalogSession session) {
        return imagePath -> {
            try {
                return session.submit(open -> new CatalogAnnotations(open.catalog()).load(imagePath)).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ImageAnnotations.EMPTY;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c
                        && c.getCause() != null ? c.getCause() : e.getCause();
                throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
            }
        };
    }

    /** Next/previous in the viewer step through the gallery's current filter and move its selection along. */
    private final class GalleryNavigator implements ImageNavigator {
        @Override
        public Optional<ViewerItem> next() {
            return step(1);
        }

        @Override
        public Optional<ViewerItem> previous() {
            return step(-1);
        }

        private Optional<ViewerItem> step(long delta) {
            long before = gallery.getSelectedIndex();
            gallery.selectRelative(delta);
            GalleryItem now = gallery.getSelected();
            if (now == null || gallery.getSelectedIndex() == before) {
                return Optional.empty();
            }
            return Optional.of(viewerItem(now));
        }
    }

    public MainViewModel main() {
        return main;
    }

    public GalleryViewModel gallery() {
        return gallery;
    }

    public ViewerViewModel viewer() {
        return viewer;
    }

    public ProblemsViewModel problems() {
        return problems;
    }

    public Notifications notifications() {
        return notifications;
    }

    public ThumbnailLoader thumbnails() {
        return thumbnails;
    }

    public CatalogSession session() {
        return session;
    }
}
