package dev.spindle.bench.fleet;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The reconnect storm as Mosquitto's log (log_type information, epoch-stamped lines) records it,
 * per second and for the simulated boards only: when each board's TCP connection was accepted
 * ("New connection from HOST:PORT on port P.") and when its CONNECT was processed ("New client
 * connected from HOST:PORT as ID ..."), joined by the client's address. The first is when the board
 * reached the broker, what the boards' reconnect spread controls; the second adds the time until
 * the board's MQTT CONNECT arrived and was handled (in the simulator, Paho starts a receiver and a
 * sender thread per connection before it sends CONNECT, which a saturated JVM does late).
 *
 * @param accepted  board sockets accepted per second
 * @param connected board CONNECTs processed per second
 */
record StormLog(TreeMap<Long, Integer> accepted, TreeMap<Long, Integer> connected) {
    private static final String ACCEPT = "New connection from ";
    private static final String CONNECT = "New client connected from ";

    /** Reads the lines of {@code log} (the part after the restart) for client ids starting with {@code prefix}. */
    static StormLog parse(String log, String prefix) {
        Map<String, Long> acceptedAt = new HashMap<>(); // client address -> second (the latest accept)
        TreeMap<Long, Integer> accepted = new TreeMap<>();
        TreeMap<Long, Integer> connected = new TreeMap<>();
        for (String line : log.split("\n")) {
            int colon = line.indexOf(':');
            long second;
            try {
                second = Long.parseLong(line.substring(0, Math.max(colon, 0)).trim());
            } catch (NumberFormatException notTimestamped) {
                continue;
            }
            String text = line.substring(colon + 1).trim();
            if (text.startsWith(ACCEPT)) {
                int end = text.indexOf(' ', ACCEPT.length());
                acceptedAt.put(text.substring(ACCEPT.length(), end < 0 ? text.length() : end), second);
            } else if (text.startsWith(CONNECT)) {
                int as = text.indexOf(" as ", CONNECT.length());
                if (as < 0 || !text.startsWith(prefix, as + 4)) {
                    continue;
                }
                connected.merge(second, 1, Integer::sum);
                Long at = acceptedAt.remove(text.substring(CONNECT.length(), as));
                accepted.merge(at != null ? at : second, 1, Integer::sum);
            }
        }
        return new StormLog(accepted, connected);
    }

    static int peak(TreeMap<Long, Integer> perSecond) {
        return perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    int reconnects() {
        return connected.values().stream().mapToInt(Integer::intValue).sum();
    }
}
