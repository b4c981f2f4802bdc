package dev.spindle.bundle;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bundle manifest, {@code manifest.json} in the bundle: what the app is, where it runs, and
 * the SHA-256 and size of every other entry. The signature covers the manifest's exact bytes, so
 * it pins every entry. Format (docs/deploy.md):
 * <pre>
 * {
 *   "format" : 1,
 *   "name" : "priority-demo",
 *   "version" : "0.1.0-SNAPSHOT",
 *   "mainClass" : "dev.spindle.examples.PriorityDemo",
 *   "boardTypes" : [ "rpi-4b", "sim" ],
 *   "minAgentVersion" : "0.1.0-SNAPSHOT",
 *   "app" : "app/spindle-examples-0.1.0-SNAPSHOT.jar",
 *   "libs" : [ "lib/spindle-threading-0.1.0-SNAPSHOT.jar" ],
 *   "entries" : [ { "path" : "app/…", "size" : 1234, "sha256" : "…" }, … ]
 * }
 * </pre>
 * Parsing is strict: unknown or duplicate fields, a missing field, or a value of the wrong shape
 * are refused as {@link Reason#CORRUPT}; a higher {@code format} as {@link Reason#AGENT_TOO_OLD}.
 *
 * @param name the app's name ({@code [a-z0-9][a-z0-9._-]*}, at most 64)
 * @param version the app's semantic version
 * @param mainClass the class whose {@code main} the agent starts
 * @param boardTypes the board types it runs on (board definition ids), not empty
 * @param minAgentVersion the lowest agent version that may install it
 * @param app the entry of the app jar
 * @param libs the entries of its libraries, in class path order
 * @param entries every entry of the bundle except the manifest and its signature, by path
 */
public record Manifest(String name, SemVer version, String mainClass, List<String> boardTypes,
        SemVer minAgentVersion, String app, List<String> libs, Map<String, EntryHash> entries) {

    /** The manifest format this code reads and writes. */
    public static final int FORMAT = 1;
    /** The manifest's entry name in a bundle. */
    public static final String ENTRY = "manifest.json";
    /** The signature's entry name in a bundle. */
    public static final String SIGNATURE_ENTRY = "manifest.sig";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern BOARD = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern CLASS = Pattern.compile(
            "[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> FIELDS = Set.of("format", "name", "version", "mainClass",
            "boardTypes", "minAgentVersion", "app", "libs", "entries");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /**
     * The size and hash of one entry.
     *
     * @param size its size in bytes
     * @param sha256 its SHA-256, 64 lower-case hex digits
     */
    public record EntryHash(long size, String sha256) {
    }

    /** Validates every field; throws IllegalArgumentException naming the field and the fix. */
    public Manifest {
        require(name != null && NAME.matcher(name).matches(), "name '" + name
                + "' must be 1-64 of a-z 0-9 . _ - starting with a letter or digit");
        require(version != null, "version is missing");
        require(mainClass != null && CLASS.matcher(mainClass).matches(),
                "mainClass '" + mainClass + "' is not a Java class name");
        require(boardTypes != null && !boardTypes.isEmpty(), "boardTypes must list at least one board type");
        for (String b : boardTypes) {
            require(b != null && BOARD.matcher(b).matches(), "board type '" + b
                    + "' must be 1-64 of a-z 0-9 . _ - (a board definition id such as rpi-4b)");
        }
        require(Set.copyOf(boardTypes).size() == boardTypes.size(), "boardTypes lists a type twice");
        require(minAgentVersion != null, "minAgentVersion is missing");
        require(entries != null, "entries is missing");
        for (Map.Entry<String, EntryHash> e : entries.entrySet()) {
            String bad = SafeZip.checkName(e.getKey(), ZipLimits.DEFAULT.maxNameBytes());
            require(bad == null, "entries: " + bad);
            require(!e.getKey().endsWith("/"), "entries: " + e.getKey() + " is a directory");
            require(!e.getKey().equals(ENTRY) && !e.getKey().equals(SIGNATURE_ENTRY),
                    "entries may not list " + e.getKey());
            require(e.getValue() != null && e.getValue().size() >= 0
                    && e.getValue().sha256() != null && SHA.matcher(e.getValue().sha256()).matches(),
                    "entries: " + e.getKey() + " needs a size and a 64-hex-digit lower-case sha256");
        }
        require(app != null && entries.containsKey(app) && app.endsWith(".jar"),
                "app '" + app + "' must be a .jar listed in entries");
        require(libs != null, "libs is missing");
        for (String l : libs) {
            require(entries.containsKey(l) && !l.equals(app), "lib '" + l + "' must be listed in entries");
        }
        require(Set.copyOf(libs).size() == libs.size(), "libs lists an entry twice");
        boardTypes = List.copyOf(boardTypes);
        libs = List.copyOf(libs);
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }

    /** @return the manifest as UTF-8 JSON, entries sorted by path (the bytes that get signed) */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("name", name);
        root.put("version", version.toString());
        root.put("mainClass", mainClass);
        ArrayNode boards = root.putArray("boardTypes");
        boardTypes.forEach(boards::add);
        root.put("minAgentVersion", minAgentVersion.toString());
        root.put("app", app);
        ArrayNode l = root.putArray("libs");
        libs.forEach(l::add);
        ArrayNode es = root.putArray("entries");
        entries.keySet().stream().sorted().forEach(p -> {
            ObjectNode e = es.addObject();
            e.put("path", p);
            e.put("size", entries.get(p).size());
            e.put("sha256", entries.get(p).sha256());
        });
        try {
            return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a manifest", e);
        }
    }

    /**
     * Parses manifest bytes strictly.
     *
     * @param json the bytes of {@code manifest.json}
     * @return the manifest
     * @throws BundleRejectedException {@link Reason#CORRUPT} if it is malformed,
     *     {@link Reason#AGENT_TOO_OLD} if its format is newer than this code
     */
    public static Manifest parse(byte[] json) throws BundleRejectedException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new BundleRejectedException(Reason.CORRUPT, "manifest.json is not valid JSON: "
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
        try {
            require(root != null && root.isObject(), "manifest.json must be a JSON object");
            for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
                String f = it.next();
                require(FIELDS.contains(f), "unknown field '" + f + "'");
            }
            JsonNode format = root.get("format");
            require(format != null && format.isInt(), "format must be an integer");
            if (format.intValue() > FORMAT) {
                throw new BundleRejectedException(Reason.AGENT_TOO_OLD, "the bundle uses manifest format "
                        + format.intValue() + "; this agent reads format " + FORMAT);
            }
            require(format.intValue() == FORMAT, "format " + format.intValue() + " is unknown");
            Map<String, EntryHash> entries = new LinkedHashMap<>();
            JsonNode es = root.get("entries");
            require(es != null && es.isArray(), "entries must be an array");
            for (JsonNode e : es) {
                require(e.isObject() && e.size() == 3 && text(e, "path") != null
                        && e.get("size") != null && e.get("size").canConvertToLong()
                        && e.get("size").isIntegralNumber() && text(e, "sha256") != null,
                        "each entry needs exactly path, size and sha256");
                require(entries.put(text(e, "path"),
                        new EntryHash(e.get("size").longValue(), text(e, "sha256"))) == null,
                        "entry " + text(e, "path") + " is listed twice");
            }
            return new Manifest(text(root, "name"), SemVer.parse(required(root, "version")),
                    text(root, "mainClass"), strings(root, "boardTypes"),
                    SemVer.parse(required(root, "minAgentVersion")), text(root, "app"),
                    strings(root, "libs"), entries);
        } catch (IllegalArgumentException e) {
            throw new BundleRejectedException(Reason.CORRUPT, "manifest.json is invalid: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private static String required(JsonNode n, String field) {
        String v = text(n, field);
        require(v != null, field + " must be a string");
        return v;
    }

    private static List<String> strings(JsonNode n, String field) {
        JsonNode v = n.get(field);
        require(v != null && v.isArray(), field + " must be an array of strings");
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            require(s.isTextual(), field + " must be an array of strings");
            out.add(s.textValue());
        }
        return out;
    }
}
