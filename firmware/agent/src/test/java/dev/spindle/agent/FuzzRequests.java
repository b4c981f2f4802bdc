package dev.spindle.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik generators of bad command requests: malformed JSON, wrong types, huge strings, deep
 * nesting, unknown fields, invalid UTF-8, non-objects, unusable reply topics. A generated
 * {@link Template} is rendered with a unique id and the test's reply topic; {@link Template#answerable}
 * says whether the agent can know where to answer (the id and reply fields are usable).
 */
final class FuzzRequests {
    private FuzzRequests() {
    }

    static final List<String> COMMANDS = List.of("ping", "info", "threads", "log.tail", "app.restart", "gpio.read",
            "gpio.write", "serial.write");

    /** What the agent should do with a rendered request. */
    enum Expect {
        /** id and reply usable: exactly one reply with this id */
        REPLY_WITH_ID,
        /** reply usable, id not: one reply without an id */
        REPLY_WITHOUT_ID,
        /** no reply topic can be read: no reply, only an event */
        NO_REPLY
    }

    /** A request shape; {@code render} puts the id and reply topic in (or leaves them broken). */
    interface Template {
        String kind();

        String command();

        byte[] render(String id, String reply);

        Expect expect();

        /** True when the agent must answer ok=false (false: it may also be a valid request). */
        boolean mustFail();
    }

    record Simple(String kind, String command, String body, Expect expect, boolean mustFail, int mode) implements Template {
        @Override
        public byte[] render(String id, String reply) {
            String head = switch (mode) {
                case 0 -> "{\"v\":1,\"id\":\"" + id + "\",\"reply\":\"" + reply + "\"";
                case 1 -> "{\"v\":1,\"reply\":\"" + reply + "\"";           // id missing or wrong type in body
                default -> "{\"v\":1,\"id\":\"" + id + "\"";                // reply missing or wrong in body
            };
            return (head + body).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Raw bytes (malformed JSON, invalid UTF-8, non-objects): never answerable. */
    record Raw(String kind, String command, byte[] bytes, boolean keepsReply) implements Template {
        @Override
        public byte[] render(String id, String reply) {
            return bytes;
        }

        @Override
        public Expect expect() {
            return Expect.NO_REPLY;
        }

        @Override
        public boolean mustFail() {
            return true;
        }
    }

    static Arbitrary<String> commands() {
        return Arbitraries.oneOf(Arbitraries.of(COMMANDS),
                Arbitraries.strings().withChars("abcxyz._-0123456789").ofMinLength(1).ofMaxLength(30));
    }

    /** Any JSON value text, wrong for every typed argument some of the time. */
    static Arbitrary<String> values() {
        Arbitrary<String> scalars = Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.bigIntegers().between(new java.math.BigInteger("-1" + "0".repeat(40)),
                        new java.math.BigInteger("1" + "0".repeat(40))).map(String::valueOf),
                Arbitraries.doubles().map(d -> Double.isFinite(d) ? String.valueOf(d) : "1e400"),
                Arbitraries.of("true", "false", "null", "\"\"", "-0", "1e309", "[]", "{}"),
                Arbitraries.strings().ofMaxLength(40).map(FuzzRequests::quote));
        return Arbitraries.recursive(() -> scalars, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"),
                Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(8), inner)
                        .as((k, v) -> "{\"" + k + "\":" + v + "}")), 0, 3);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** Arguments of the real commands with wrong types and values, plus unknown fields. */
    static Arbitrary<Template> wrongTypes() {
        Arbitrary<String> field = Arbitraries.of("lines", "timeout_ms", "pin", "value", "port", "data", "v");
        return Combinators.combine(Arbitraries.of(COMMANDS), field.list().ofMinSize(1).ofMaxSize(4), values().list()
                .ofMinSize(4).ofMaxSize(4)).as((cmd, fields, vals) -> {
                    StringBuilder b = new StringBuilder();
                    for (int i = 0; i < fields.size(); i++) {
                        b.append(",\"").append(fields.get(i)).append("\":").append(vals.get(i));
                    }
                    return (Template) new Simple("wrong_types", cmd, b.append('}').toString(), Expect.REPLY_WITH_ID, false, 0);
                });
    }

    static Arbitrary<Template> unknownFields() {
        return Combinators.combine(commands(), Arbitraries.strings().ofMinLength(1).ofMaxLength(12).map(FuzzRequests::quote)
                .list().ofMinSize(1).ofMaxSize(20), values()).as((cmd, keys, v) -> {
                    StringBuilder b = new StringBuilder();
                    for (String k : keys) {
                        b.append(',').append(k).append(':').append(v);
                    }
                    return (Template) new Simple("unknown_fields", cmd, b.append('}').toString(), Expect.REPLY_WITH_ID,
                            !COMMANDS.contains(cmd), 0);
                });
    }

    static Arbitrary<Template> hugeStrings() {
        return Combinators.combine(commands(), Arbitraries.integers().between(1_000, 100_000),
                Arbitraries.chars().alpha()).as((cmd, n, c) -> (Template) new Simple("huge_string", cmd,
                        ",\"data\":\"" + String.valueOf(c).repeat(n) + "\",\"pin\":\"" + String.valueOf(c).repeat(n / 10) + "\"}",
                        Expect.REPLY_WITH_ID, !COMMANDS.contains(cmd), 0));
    }

    static Arbitrary<Template> deepNesting() {
        return Combinators.combine(commands(), Arbitraries.integers().between(50, 5_000), Arbitraries.of("[", "{\"a\":"))
                .as((cmd, depth, open) -> {
                    String close = open.equals("[") ? "]" : "}";
                    String v = open.repeat(depth) + "1" + close.repeat(depth);
                    // deeper than Jackson's limit (1000): the whole payload is refused unread
                    return (Template) new Simple("deep_nesting", cmd, ",\"x\":" + v + "}",
                            depth > 999 ? Expect.NO_REPLY : Expect.REPLY_WITH_ID, depth > 999 || !COMMANDS.contains(cmd), 0);
                });
    }

    static Arbitrary<Template> badIdOrReply() {
        Arbitrary<String> badIds = Arbitraries.oneOf(values().filter(v -> !v.startsWith("\"") || v.equals("\"\"")),
                Arbitraries.just("\"" + "i".repeat(129) + "\""));
        Arbitrary<String> badReplies = Arbitraries.oneOf(values().filter(v -> !v.startsWith("\"")),
                Arbitraries.of("\"a/+/b\"", "\"a/#\"", "\"$SYS/x\"", "\"\"", "\"" + "t".repeat(300) + "\""));
        return Arbitraries.oneOf(
                Combinators.combine(commands(), badIds).as((cmd, id) -> (Template) new Simple("bad_id", cmd,
                        ",\"id\":" + id + "}", Expect.REPLY_WITHOUT_ID, true, 1)),
                Combinators.combine(commands(), badReplies).as((cmd, r) -> (Template) new Simple("bad_reply", cmd,
                        ",\"reply\":" + r + "}", Expect.NO_REPLY, true, 2)));
    }

    /** Valid-looking requests cut short or with random bytes flipped or inserted (mostly malformed JSON). */
    static Arbitrary<Template> malformed() {
        return Combinators.combine(commands(), Arbitraries.integers().between(0, 60), Arbitraries.bytes().list()
                .ofMinSize(1).ofMaxSize(8)).as((cmd, cut, noise) -> {
                    byte[] ok = ("{\"v\":1,\"id\":\"x\",\"reply\":\"r/t\",\"lines\":5,\"pin\":\"GPIO17\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    int at = Math.min(cut, ok.length - 1);
                    o.write(ok, 0, at);
                    for (byte b : noise) {
                        o.write(b);
                    }
                    return (Template) new Raw("malformed_json", cmd, o.toByteArray(), false);
                });
    }

    static Arbitrary<Template> invalidUtf8() {
        Arbitrary<byte[]> bad = Arbitraries.of(new byte[] {(byte) 0xC3, 0x28}, new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xE2, (byte) 0x82}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0xC0, (byte) 0xAF});
        return Combinators.combine(commands(), bad).as((cmd, b) -> {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            byte[] head = "{\"v\":1,\"id\":\"x\",\"pin\":\"".getBytes(StandardCharsets.UTF_8);
            o.write(head, 0, head.length);
            o.write(b, 0, b.length);
            byte[] tail = "\",\"reply\":\"r/t\"}".getBytes(StandardCharsets.UTF_8);
            o.write(tail, 0, tail.length);
            return (Template) new Raw("invalid_utf8", cmd, o.toByteArray(), false);
        });
    }

    static Arbitrary<Template> nonObjects() {
        return Combinators.combine(commands(), Arbitraries.oneOf(values().filter(v -> !v.startsWith("{")),
                Arbitraries.of("", " ", "null", "\u0000"))).as((cmd, v) -> (Template) new Raw("not_an_object", cmd,
                        v.getBytes(StandardCharsets.UTF_8), false));
    }

    /** Every kind, mixed. */
    static Arbitrary<Template> all() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(20, wrongTypes()),
                net.jqwik.api.Tuple.of(12, unknownFields()),
                net.jqwik.api.Tuple.of(3, hugeStrings()),
                net.jqwik.api.Tuple.of(6, deepNesting()),
                net.jqwik.api.Tuple.of(12, badIdOrReply()),
                net.jqwik.api.Tuple.of(20, malformed()),
                net.jqwik.api.Tuple.of(10, invalidUtf8()),
                net.jqwik.api.Tuple.of(8, nonObjects()));
    }
}
