package loupe.ui.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import javafx.event.Event;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.input.ScrollEvent;
import javafx.scene.paint.Color;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The viewer on a real (headless) stage: opening, zoom, pan, keys, class toggles, hover, orientation. */
@Tag("ui")
@ExtendWith(ApplicationExtension.class)
class ImageViewerTest {

    @TempDir
    static Path dir;

    private ViewerServices services;
    private ViewerViewModel model;
    private ViewerView view;

    @Start
    void start(Stage stage) {
        services = ViewerServices.create(2);
        model = new ViewerViewModel(services, ViewerFixtures.threeBoxes());
        view = new ViewerView(model);
        stage.setScene(new Scene(view, 1000, 650));
        stage.show();
    }

    @AfterEach
    void close() {
        services.close();
    }

    private Path image(String name) throws Exception {
        return ViewerFixtures.greyPng(dir, name, 400, 300);
    }

    private void openAndWait(FxRobot robot, ViewerItem item) throws Exception {
        robot.interact(() -> model.open(item));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> onFx(() -> model.getLayer() != null
                && model.getViewport() != null && model.getLayer().isSharp() && model.annotations().size() == 3));
        robot.interact(() -> view.viewer().paintNow());
    }

    @Test
    void opensAnImageFittedToTheView(FxRobot robot) throws Exception {
        openAndWait(robot, new ViewerItem(image("a.png"), "a.png", 1));

        Viewport v = model.getViewport();
        double expected = Math.min(v.width() / 400, v.height() / 300);
        assertEquals(expected, v.scale(), 1e-9);
        assertEquals(200, v.centerX(), 1e-9);
        assertEquals(150, v.centerY(), 1e-9);
        assertTrue(model.isFitMode());
        assertEquals(3, view.viewer().lastDrawn().size());
        assertEquals(List.of("car (2)", "person (1)"),
                robot.lookup("#classList").queryListView().getItems().stream().map(Object::toString).toList());
        assertEquals(1, robot.lookup("#problemList").queryListView().getItems().size());
        assertTrue(robot.lookup("#zoomLabel").queryAs(Label.class).getText().startsWith("Fit"));
    }

    @Test
    void wheelZoomKeepsTheImagePointUnderThePointer(FxRobot robot) throws Exception {
        openAndWait(robot, new ViewerItem(image("b.png"), "b.png", 1));
        Viewport before = model.getViewport();
        double sx = before.width() * 0.3;
        double sy = before.height() * 0.6;
        double ix = before.toImageX(sx);
        double iy = before.toImageY(sy);

        Point2D scene = view.viewer().localToScene(sx, sy);
        robot.interact(() -> Event.fireEvent(view.viewer(), scroll(scene.getX(), scene.getY(), 40)));
        Viewport in = model.getViewport();
        assertEquals(before.scale() * ViewerViewModel.ZOOM_STEP, in.scale(), 1e-9);
        assertEquals(ix, in.toImageX(sx), 1e-6);
        assertEquals(iy, in.toImageY(sy), 1e-6);
        assertFalse(model.isFitMode());

        robot.interact(() -> Event.fireEvent(view.viewer(), scroll(scene.getX(), scene.getY(), -80)));
        Viewport out = model.getViewport();
        assertEquals(before.scale() / ViewerViewModel.ZOOM_STEP, out.scale(), 1e-9);
        assertEquals(ix, out.toImageX(sx), 1e-6);
        assertEquals(iy, out.toImageY(sy), 1e-6);
    }

    @Test
    void keysGoToOneToOneAndBackToFitAndZoomStepwise(FxRobot robot) throws Exception {
        openAndWait(robot, new ViewerItem(image("c.png"), "c.png", 1));
        double fitScale = model.getViewport().scale();
        robot.clickOn("#imageViewer");

        robot.type(KeyCode.DIGIT1);
        assertEquals(1, model.getViewport().scale(), 1e-9);
        assertEquals("100%", robot.lookup("#zoomLabel").queryAs(Label.class).getText());
        robot.type(KeyCode.ADD);
        assertEquals(ViewerViewModel.ZOOM_STEP, model.getViewport().scale(), 1e-9);
        robot.type(KeyCode.SUBTRACT, 2);
        assertEquals(1 / ViewerViewModel.ZOOM_STEP, model.getViewport().scale(), 1e-9);
        robot.type(KeyCode.DIGIT0);
        assertEquals(fitScale, model.getViewport().scale(), 1e-9);
        assertTrue(model.isFitMode());
    }

    @Test
    void dragAndArrowKeysPanTheView(FxRobot robot) throws Exception {
        openAndWait(robot, new ViewerItem(image("d.png"), "d.png", 1));
        robot.interact(() -> model.actualSize());
        Viewport start = model.getViewport();
        Point2D centre = view.viewer().localToScreen(start.width() / 2, start.height() / 2);

        robot.drag(centre, MouseButton.PRIMARY).moveBy(60, 40).release(MouseButton.PRIMARY);
        Viewport dragged = model.getViewport();
        // The image follows the pointer: what was under the centre is now 60, 40 px right and down.
        assertEquals(start.centerX() - 60, dragged.centerX(), 1.0);
        assertEquals(start.centerY() - 40, dragged.centerY(), 1.0);

        robot.type(KeyCode.RIGHT);
        Viewport stepped = model.getViewport();
        assertEquals(dragged.centerX() + dragged.width() * ViewerViewModel.PAN_STEP, stepped.centerX(), 1e-6);
        assertEquals(dragged.centerY(), stepped.centerY(), 1e-6);
    }

    @Test
    void classToggleHidesItsBoxes(FxRobot robot) throws Exception {
        openAndWait(robot, new ViewerItem(image("e.png"), "e.png", 1));
        assertEquals(2, drawnOfClass(0));

        robot.clickOn("#classToggle-0");
        assertFalse(robot.lookup("#classToggle-0").queryAs(CheckBox.class).isSelected());
        robot.interact(() -> view.viewer().paintNow());
        assertEquals(0, drawnOfClass(0));
        assertEquals(1, drawnOfClass(1));
        assertFalse(model.isClassVisible(0));

        robot.clickOn("#classToggle-0");
        robot.interact(() -> view.viewer().paintNow());
        assertEquals(2, drawnOfClass(0));
    }

    @Test
    void drawsABoxInItsClassColourOnTheCanvas(FxRobot robot) throws Exception {
        openAndWait(robot, new ViewerItem(image("f.png"), "f.png", 1));
        Viewport v = model.getViewport();
        // The second car, (200,160)-(320,240): its left edge at mid-height, away from the label.
        int x = (int) Math.round(v.toScreenX(200));
        int y = (int) Math.round(v.toScreenY(200));
        WritableImage shot = onFx(() -> view.viewer().canvas().snapshot(null, null));
        PixelReader pixels = shot.getPixelReader();
        Color car = ClassColors.of(0);
        assertClose(car, pixels.getColor(x, y));
        assertClose(car, pixels.getColor(x - 1, y));
        // Inside the box the grey image shows through.
        assertClose(Color.rgb(128, 128, 128), pixels.getColor(x + 6, y));

        robot.interact(() -> model.setClassVisible(0, false));
        robot.interact(() -> view.viewer().paintNow());
        WritableImage hidden = onFx(() -> view.viewer().canvas().snapshot(null, null));
        assertClose(Color.rgb(128, 128, 128), hidden.getPixelReader().getColor(x, y));
    }

    @Test
    void hoverShowsTheAnnotationsClassAndAttributes(FxRobot robot) throws Exception {
        openAndWait(robot, new ViewerItem(image("g.png"), "g.png", 1));
        Viewport v = model.getViewport();
        // Inside the person (300,40)-(340,130).
        robot.moveTo(view.viewer().localToScreen(v.toScreenX(320), v.toScreenY(90)));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("person", model.getHovered().className());
        String text = robot.lookup("#hoverLabel").queryAs(Label.class).getText();
        assertTrue(text.startsWith("person") && text.contains("difficult=1"), text);
    }

    @Test
    void pageKeysStepThroughTheNavigatorsImages(FxRobot robot) throws Exception {
        List<ViewerItem> items = List.of(new ViewerItem(image("n1.png"), "n1.png", 1),
                new ViewerItem(image("n2.png"), "n2.png", 1), new ViewerItem(image("n3.png"), "n3.png", 1));
        robot.interact(() -> model.setNavigator(ImageNavigator.of(items, 0)));
        openAndWait(robot, items.get(0));
        robot.clickOn("#imageViewer");

        robot.type(KeyCode.PAGE_DOWN);
        assertEquals(items.get(1), model.getItem());
        robot.type(KeyCode.PAGE_DOWN);
        assertEquals(items.get(2), model.getItem());
        robot.type(KeyCode.PAGE_DOWN);
        assertEquals(items.get(2), model.getItem(), "stays on the last image");
        robot.type(KeyCode.PAGE_UP);
        assertEquals(items.get(1), model.getItem());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> onFx(() -> model.getLayer() != null
                && model.getLayer().source().path().getFileName().toString().equals("n2.png")));
    }

    @Test
    void orientationToggleTransformsImageAndBoxesTogether(FxRobot robot) throws Exception {
        openAndWait(robot, new ViewerItem(image("o.png"), "o.png", 6));
        assertTrue(robot.lookup("#orientationNotice").query().isVisible());
        ViewerAnnotation person = model.annotations().get(2);
        assertEquals(List.of(300.0, 40.0, 340.0, 130.0), boxed(model.displayExtent(person)));

        robot.clickOn("#viewRotatedToggle");
        assertEquals(300, model.displayWidth(), 1e-9);
        assertEquals(400, model.displayHeight(), 1e-9);
        // Rotated 90 degrees clockwise: (x, y) -> (300 - y, x).
        assertEquals(List.of(170.0, 300.0, 260.0, 340.0), boxed(model.displayExtent(person)));
        assertTrue(model.isFitMode());
        robot.interact(() -> view.viewer().paintNow());
        assertEquals(3, view.viewer().lastDrawn().size());
    }

    @Test
    void showsWhyAFileCannotBeOpened(FxRobot robot) throws Exception {
        Path missing = dir.resolve("missing.png");
        robot.interact(() -> model.open(ViewerItem.of(missing)));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> onFx(() -> model.getMessage().startsWith("Cannot")));
        assertNotEquals(null, robot.lookup("#sizeLabel").queryAs(Label.class).getText());
        assertTrue(robot.lookup("#sizeLabel").queryAs(Label.class).getText().contains("missing.png"));
    }

    private long drawnOfClass(int classId) {
        return view.viewer().lastDrawn().stream().filter(a -> a.classId() == classId).count();
    }

    private static List<Double> boxed(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }

    private static void assertClose(Color expected, Color actual) {
        double tolerance = 2.5 / 255;
        assertTrue(Math.abs(expected.getRed() - actual.getRed()) <= tolerance
                && Math.abs(expected.getGreen() - actual.getGreen()) <= tolerance
                && Math.abs(expected.getBlue() - actual.getBlue()) <= tolerance,
                "expected " + expected + " but the pixel is " + actual);
    }

    private static ScrollEvent scroll(double x, double y, double deltaY) {
        return new ScrollEvent(ScrollEvent.SCROLL, x, y, x, y, false, false, false, false, false, false, 0, deltaY,
                0, deltaY, ScrollEvent.HorizontalTextScrollUnits.NONE, 0, ScrollEvent.VerticalTextScrollUnits.NONE,
                0, 0, null);
    }

    private static <T> T onFx(Callable<T> call) throws Exception {
        return WaitForAsyncUtils.asyncFx(call).get(10, TimeUnit.SECONDS);
    }
}
