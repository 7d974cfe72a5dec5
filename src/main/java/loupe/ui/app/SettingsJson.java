package loupe.ui.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the settings file without Jackson: at start-up Jackson's first use loads ~550 classes (0.3 s of CPU on a
 * loaded two-core machine, beside the toolkit's own start). A small strict JSON reader for one object whose values
 * are numbers, strings, booleans, null, or arrays and objects (kept only as far as {@link AppSettings} needs:
 * arrays of strings; other nested values are parsed and dropped). Anything else, or any syntax error, gives null
 * and the caller falls back to Jackson, so an odd but valid file still loads.
 */
final class SettingsJson {

    private final String text;
    private int pos;

    private SettingsJson(String text) {
        this.text = text;
    }

    /** The settings in {@code json}, or null when this reader cannot tell (the caller then asks Jackson). */
    static AppSettings parse(String json) {
        try {
            SettingsJson p = new SettingsJson(json);
            p.skipSpace();
            Object value = p.value();
            p.skipSpace();
            if (p.pos != json.length() || !(value instanceof Map<?, ?> map)) {
                return null;
            }
            return settings(map);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    private static AppSettings settings(Map<?, ?> map) {
        List<String> recent = null;
        if (map.get("recent") instanceof List<?> list) {
            recent = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    return null;
                }
                recent.add(s);
            }
        } else if (map.containsKey("recent") && map.get("recent") != null) {
            return null;
        }
        return new AppSettings(number(map, "x"), number(map, "y"), number(map, "width"),
                number(map, "height"), bool(map, "maximized"), string(map, "theme"), string(map, "view"),
                recent);
    }

    /** A number, or 0 when absent (as Jackson gives a missing primitive). */
    private static double number(Map<?, ?> map, String key) {
        Object v = map.get(key);
        if (v == null) {
            return 0;
        }
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof String s) {
            return Double.parseDouble(s); // Jackson writes NaN as "NaN"; NumberFormatException is an IAE
        }
        throw new IllegalArgumentException(key + " is not a number");
    }

    private static boolean bool(Map<?, ?> map, String key) {
        Object v = map.get(key);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException(key + " is not a boolean");
    }

    private static String string(Map<?, ?> map, String key) {
        Object v = map.get(key);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new IllegalArgumentException(key + " is not a string");
    }

    private Object value() {
        char c = text.charAt(pos);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (text.charAt(pos) == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipSpace();
            if (text.charAt(pos) != '"') {
                throw new IllegalArgumentException("expected a key at " + pos);
            }
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            map.put(key, value());
            skipSpace();
            if (text.charAt(pos) == ',') {
                pos++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        pos++;
        skipSpace();
        if (text.charAt(pos) == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipSpace();
            list.add(value());
            skipSpace();
            if (text.charAt(pos) == ',') {
                pos++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder s = new StringBuilder();
        while (true) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return s.toString();
            }
            if (c < 0x20) {
                throw new IllegalArgumentException("control character in a string at " + pos);
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> s.append(e);
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    s.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> throw new IllegalArgumentException("bad escape \\" + e);
            }
        }
    }

    private Double number() {
        int start = pos;
        while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        if (start == pos) {
            throw new IllegalArgumentException("unexpected '" + text.charAt(pos) + "' at " + pos);
        }
        return Double.valueOf(text.substring(start, pos));
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw new IllegalArgumentException("expected " + word + " at " + pos);
        }
        pos += word.length();
        return value;
    }

    private void expect(char c) {
        if (text.charAt(pos) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + pos);
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
