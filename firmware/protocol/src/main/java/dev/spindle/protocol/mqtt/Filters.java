package dev.spindle.protocol.mqtt;

/** MQTT topic filter matching ({@code +}, {@code #}), with {@code $share/{group}/} prefixes stripped. */
public final class Filters {
    private Filters() {
    }

    /** @return the filter without a {@code $share/{group}/} prefix */
    public static String unshared(String filter) {
        if (filter.startsWith("$share/")) {
            int slash = filter.indexOf('/', "$share/".length());
            return slash < 0 ? filter : filter.substring(slash + 1);
        }
        return filter;
    }

    public static boolean matches(String filter, String topic) {
        return matches(unshared(filter).split("/", -1), topic.split("/", -1));
    }

    /**
     * {@link #matches(String[], String[])} without splitting the topic (on every message's path: no
     * allocation).
     *
     * @param f     a filter without its {@code $share/{group}/} prefix, split at '/'
     * @param topic a topic name
     */
    public static boolean matches(String[] f, String topic) {
        if (topic.startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
            return false;
        }
        int n = topic.length();
        int start = 0; // of the topic's current level; n + 1 once all levels are used
        for (String level : f) {
            if (level.equals("#")) {
                return true;
            }
            if (start > n) {
                return false;
            }
            int end = topic.indexOf('/', start);
            if (end < 0) {
                end = n;
            }
            if (!level.equals("+") && !(level.length() == end - start && topic.startsWith(level, start))) {
                return false;
            }
            start = end + 1;
        }
        return start == n + 1;
    }

    /**
     * @param f a filter without its {@code $share/{group}/} prefix, split at '/'
     * @param t a topic split at '/'
     */
    public static boolean matches(String[] f, String[] t) {
        if (t[0].startsWith("$") && (f[0].equals("+") || f[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
