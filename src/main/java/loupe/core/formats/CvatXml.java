package loupe.core.formats;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Streams one CVAT XML file into plain values, without judging them: coordinates stay text so
 * {@link CvatFormat} can report a bad shape with its line. {@code <meta>} is reduced to its label names and
 * tasks; each {@code <image>} is handed to a {@link Handler} as soon as its end tag is read, so memory is
 * bounded by one image, never by the file. Thread-safe (one StAX factory per thread).
 *
 * <p>XXE: the factory has DTD support and external entities switched off, so a {@code <!DOCTYPE>} is
 * skipped (and reported through {@link Outcome#doctype()}), nothing outside the file is ever read, and a
 * reference to an entity the DTD would have declared makes the file malformed ("entity was referenced, but
 * not declared").
 */
final class CvatXml {

    // NOTE: the same safe setup as VocXml's factory, which is private there. Worth one shared helper for all
    // XML formats once the lead merges the new readers.
    private static final ThreadLocal<XMLInputFactory> FACTORY = ThreadLocal.withInitial(() -> {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    });

    static final String ROOT = "annotations";

    private CvatXml() {
    }

    /**
     * A task of {@code <meta>}.
     *
     * @param id     {@code <id>}, or null (datumaro's task exports have none)
     * @param subset {@code <subset>} as written, or null when absent or empty
     */
    record Task(String id, String subset) {
    }

    /**
     * What {@code <meta>} declares.
     *
     * @param labels the {@code <name>} of every {@code <label>} of every {@code <labels>} in it, in order, each
     *               once; sub-labels of skeletons (those with a {@code <parent>}) are left out
     * @param tasks  every {@code <task>}, in order
     */
    record Meta(List<String> labels, List<Task> tasks) {
    }

    /**
     * A shape or tag inside an {@code <image>}, as written.
     *
     * @param element       the element name ("box", "polygon", "tag", ...)
     * @param line          the line of its start tag
     * @param xmlAttributes every XML attribute ({@code label}, {@code xtl}, {@code points}, {@code occluded} ...)
     * @param attributes    its {@code <attribute name="...">value</attribute>} children, in order
     * @param parts         the shapes inside it (a skeleton's {@code <points>}); empty for other shapes
     */
    record Shape(String element, int line, Map<String, String> xmlAttributes, Map<String, String> attributes,
                 List<Shape> parts) {

        String label() {
            return xmlAttributes.get("label");
        }
    }

    /** One {@code <image>}: its XML attributes ({@code name}, {@code width}, {@code subset} ...) and shapes. */
    record Image(int line, Map<String, String> xmlAttributes, List<Shape> shapes) {
    }

    /** Receives the parts of a file in document order; called on the parsing thread. */
    interface Handler {

        /** {@code <meta>} was read (not called for a file without one). */
        void meta(Meta meta);

        /** An {@code <image>} was read completely. */
        void image(Image image);

        /** A {@code <track>} (CVAT for video) starts on this line; its content is skipped. */
        void track(int line);
    }

    /**
     * How reading a file ended.
     *
     * @param rootName  the root element's name ("annotations" for CVAT), or null when none was reached
     * @param version   {@code <version>}'s text, or null when absent (or not reached)
     * @param meta      what {@code <meta>} declares, or null when absent (or not reached)
     * @param doctype   true when the file has a {@code <!DOCTYPE>} (which was not processed)
     * @param errorLine the line of an XML syntax error, or 0 when the part read is well-formed
     * @param error     the syntax error's message, or null
     */
    record Outcome(String rootName, String version, Meta meta, boolean doctype, int errorLine, String error) {

        boolean isCvat() {
            return ROOT.equals(rootName);
        }
    }

    /**
     * Reads the file up to the end of {@code <meta>} (it stops at the first child of the root after
     * {@code <version>} and {@code <meta>}). Cheap: CVAT writes {@code <meta>} first, before any image.
     */
    static Outcome readHead(InputStream in) throws IOException {
        return read(in, null);
    }

    /**
     * Reads the whole file, handing {@code <meta>}, images and tracks to {@code handler}. Never throws for
     * bad XML: the syntax error is part of the outcome, and what came before it was handed over.
     */
    static Outcome read(InputStream in, Handler handler) throws IOException {
        String rootName = null, version = null;
        Meta meta = null;
        boolean doctype = false;
        int errorLine = 0;
        String error = null;
        XMLStreamReader r = null;
        try {
            r = FACTORY.get().createXMLStreamReader(in);
            while (r.hasNext() && r.next() != XMLStreamConstants.START_ELEMENT) {
                if (r.getEventType() == XMLStreamConstants.DTD) {
                    doctype = true;
                }
            }
            if (r.getEventType() == XMLStreamConstants.START_ELEMENT) {
                rootName = r.getLocalName();
                if (rootName.equals(ROOT)) {
                    while (nextChild(r)) {
                        String element = r.getLocalName();
                        if (element.equals("version")) {
                            version = text(r).trim();
                        } else if (element.equals("meta")) {
                            meta = readMeta(r);
                            if (handler != null) {
                                handler.meta(meta);
                            }
                        } else if (handler == null) {
                            break;
                        } else if (element.equals("image")) {
                            handler.image(readImage(r));
                        } else if (element.equals("track")) {
                            handler.track(r.getLocation().getLineNumber());
                            skip(r);
                        } else {
                            skip(r);
                        }
                    }
                }
            }
        } catch (XMLStreamException e) {
            Location at = e.getLocation();
            errorLine = at == null ? 0 : Math.max(at.getLineNumber(), 0);
            error = cleanMessage(e);
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // closing a reader of an already failed stream tells us nothing new
                }
            }
        }
        return new Outcome(rootName, version, meta, doctype, errorLine, error);
    }

    /**
     * Reads {@code <meta>} (positioned on its start tag, ends on its end tag). CVAT nests labels in
     * {@code <task>}, {@code <project>} or {@code <job>}, and a project's tasks in {@code <tasks>}; so labels
     * and tasks are recognised by their parent element, at any depth.
     */
    private static Meta readMeta(XMLStreamReader r) throws XMLStreamException {
        Set<String> labels = new LinkedHashSet<>();
        List<Task> tasks = new ArrayList<>();
        Deque<String> open = new ArrayDeque<>();
        open.push("meta");
        StringBuilder text = new StringBuilder();
        String labelName = null, labelParent = null, taskId = null, taskSubset = null;
        while (!open.isEmpty() && r.hasNext()) {
            switch (r.next()) {
                case XMLStreamConstants.START_ELEMENT -> {
                    String element = r.getLocalName();
                    String parent = open.peek();
                    if (element.equals("label") && "labels".equals(parent)) {
                        labelName = null;
                        labelParent = null;
                    } else if (element.equals("task")) {
                        taskId = null;
                        taskSubset = null;
                    }
                    open.push(element);
                    text.setLength(0);
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> text.append(r.getText());
                case XMLStreamConstants.END_ELEMENT -> {
                    String element = open.pop();
                    String parent = open.peek();
                    String value = text.toString().trim();
                    text.setLength(0);
                    if ("label".equals(parent)) {
                        if (element.equals("name")) {
                            labelName = value;
                        } else if (element.equals("parent")) {
                            labelParent = value;
                        }
                    } else if ("task".equals(parent)) {
                        if (element.equals("id")) {
                            taskId = value.isEmpty() ? null : value;
                        } else if (element.equals("subset")) {
                            taskSubset = value.isEmpty() ? null : value;
                        }
                    } else if (element.equals("label") && "labels".equals(parent)) {
                        // CVAT 2.x skeletons: the points of a skeleton are labels with a <parent>; they name
                        // parts of a skeleton's class, not classes of the dataset.
                        boolean subLabel = labelParent != null && !labelParent.isEmpty();
                        if (labelName != null && !labelName.isEmpty() && !subLabel) {
                            labels.add(labelName);
                        }
                    } else if (element.equals("task")) {
                        tasks.add(new Task(taskId, taskSubset));
                    }
                }
                default -> {
                }
            }
        }
        return new Meta(List.copyOf(labels), List.copyOf(tasks));
    }

    private static Image readImage(XMLStreamReader r) throws XMLStreamException {
        int line = r.getLocation().getLineNumber();
        Map<String, String> attributes = xmlAttributes(r);
        List<Shape> shapes = new ArrayList<>();
        while (nextChild(r)) {
            shapes.add(readShape(r));
        }
        return new Image(line, attributes, shapes);
    }

    private static Shape readShape(XMLStreamReader r) throws XMLStreamException {
        String element = r.getLocalName();
        int line = r.getLocation().getLineNumber();
        Map<String, String> xmlAttributes = xmlAttributes(r);
        Map<String, String> attributes = new LinkedHashMap<>();
        List<Shape> parts = new ArrayList<>();
        while (nextChild(r)) {
            if (r.getLocalName().equals("attribute")) {
                String name = r.getAttributeValue(null, "name");
                String value = text(r);
                if (name != null && !name.isEmpty()) {
                    attributes.put(name, value);
                }
            } else if (element.equals("skeleton")) {
                parts.add(readShape(r));
            } else {
                skip(r);
            }
        }
        return new Shape(element, line, xmlAttributes, attributes, parts);
    }

    private static Map<String, String> xmlAttributes(XMLStreamReader r) {
        Map<String, String> result = new LinkedHashMap<>();
        for (int i = 0; i < r.getAttributeCount(); i++) {
            result.put(r.getAttributeLocalName(i), r.getAttributeValue(i));
        }
        return result;
    }

    /**
     * Moves to the next child element of the current element. Returns false (positioned on the current
     * element's end tag) when there is none.
     */
    private static boolean nextChild(XMLStreamReader r) throws XMLStreamException {
        while (r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
            if (event == XMLStreamConstants.END_ELEMENT) {
                return false;
            }
        }
        return false;
    }

    /** The text of the current element (text inside nested elements is ignored); ends on its end tag. */
    private static String text(XMLStreamReader r) throws XMLStreamException {
        StringBuilder sb = new StringBuilder();
        int depth = 1;
        while (depth > 0 && r.hasNext()) {
            switch (r.next()) {
                case XMLStreamConstants.START_ELEMENT -> depth++;
                case XMLStreamConstants.END_ELEMENT -> depth--;
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                    if (depth == 1) {
                        sb.append(r.getText());
                    }
                }
                default -> {
                }
            }
        }
        return sb.toString();
    }

    /** Skips the current element and everything inside it; ends on its end tag. */
    private static void skip(XMLStreamReader r) throws XMLStreamException {
        int depth = 1;
        while (depth > 0 && r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    /** StAX messages start with "ParseError at [row,col]:[3,5]\nMessage: ..."; keep the message part. */
    private static String cleanMessage(XMLStreamException e) {
        String m = String.valueOf(e.getMessage());
        int at = m.indexOf("Message: ");
        return (at >= 0 ? m.substring(at + "Message: ".length()) : m).trim();
    }
}
