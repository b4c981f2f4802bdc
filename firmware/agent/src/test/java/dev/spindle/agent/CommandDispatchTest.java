package dev.spindle.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spindle.protocol.Json;
import dev.spindle.protocol.ProtocolException;
import dev.spindle.protocol.Reply;
import dev.spindle.protocol.Request;
import dev.spindle.protocol.Topics;
import dev.spindle.protocol.broker.EmbeddedBroker;
import dev.spindle.protocol.mqtt.Inbound;
import dev.spindle.protocol.mqtt.Link;
import dev.spindle.protocol.mqtt.LinkConfig;
import dev.spindle.protocol.mqtt.Rpc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands on two threads (CommandDispatcher): quick ones on Paho's receiving thread, the others
 * on the link's worker; each request id runs once across both, through a real broker.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // hang guard only
class CommandDispatchTest {
    @TempDir
    Path dir;

    @Test
    void quickCommandsAnswerWhileAWorkerCommandBlocksAndAnIdRunsOnceAcrossBothPaths() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger holds = new AtomicInteger();
        AtomicInteger peeks = new AtomicInteger();
        AtomicReference<String> holdThread = new AtomicReference<>();
        AtomicReference<String> peekThread = new AtomicReference<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start(); FleetProbe probe = new FleetProbe(broker.url(), "test");
                FleetProbe other = new FleetProbe(broker.url(), "test");
                Agent agent = new Agent(AgentTest.config(broker.url(), dir, "d1", null), BoardIo.NONE)) {
            agent.register("hold", r -> {
                holdThread.set(Thread.currentThread().getName());
                int n = holds.incrementAndGet();
                entered.countDown();
                try {
                    if (!release.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Json.object().put("held", n);
            });
            agent.register("peek", Command.quick(r -> {
                peekThread.set(Thread.currentThread().getName());
                return Json.object().put("peek", peeks.incrementAndGet());
            }));
            agent.start();
            assertTrue(agent.awaitConnected(30_000));
            assertTrue(probe.rpc.call("d1", "ping", null, 60_000).ok(), "agent up");

            // a blocking command on the worker ...
            CompletableFuture<Reply> held = callAsync(probe.rpc, "hold", "h-1");
            assertTrue(entered.await(60, TimeUnit.SECONDS), "hold runs");
            // ... does not keep quick commands waiting: they run on Paho's thread
            Reply pong = probe.rpc.call("d1", "ping", null, 60_000);
            assertTrue(pong.ok() && pong.body().path("pong").asBoolean(), pong.body().toString());
            Reply peek = probe.rpc.call("d1", "peek", "p-1", null, 60_000);
            assertEquals(1, peek.body().path("peek").asInt(), peek.body().toString());
            assertTrue(peekThread.get().startsWith("MQTT Call"), "quick command on Paho's thread: " + peekThread.get());
            assertTrue(holdThread.get().contains("worker"), "other commands on the link's worker: " + holdThread.get());

            // the running id sent again, to a quick command, by another client: parked, not run
            CompletableFuture<Reply> dup = callAsync(other.rpc, "peek", "h-1");
            // same topic and sender as the copy above, so the agent handled that copy before this one
            assertEquals(2, other.rpc.call("d1", "peek", "p-2", null, 60_000).body().path("peek").asInt());
            assertFalse(dup.isDone(), "the copy waits for the running command");
            release.countDown();
            JsonNode heldReply = held.get(60, TimeUnit.SECONDS).body();
            assertEquals(1, heldReply.path("held").asInt(), heldReply.toString());
            assertEquals(heldReply, dup.get(60, TimeUnit.SECONDS).body(), "the copy gets the runner's reply");
            // and once more, now from the cache
            assertEquals(heldReply, probe.rpc.call("d1", "peek", "h-1", null, 60_000).body());

            // the other way round: an id answered inline is not run again by a worker command
            Reply q = probe.rpc.call("d1", "peek", "q-1", null, 60_000);
            assertEquals(q.body(), probe.rpc.call("d1", "hold", "q-1", null, 60_000).body());
            assertEquals(1, holds.get(), "hold ran once");
            assertEquals(3, peeks.get(), "peek ran for p-1, p-2, q-1 only");
        }
    }

    private static CompletableFuture<Reply> callAsync(Rpc rpc, String command, String id) {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(rpc.call("d1", command, id, null, 60_000));
            } catch (ProtocolException | InterruptedException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, "call-" + command + "-" + id);
        t.setDaemon(true);
        t.start();
        return f;
    }

    @Test
    void whenTheInlinePublishIsRefusedTheWorkerSendsTheStoredReplyWithoutRunningAgain() throws Exception {
        AtomicInteger ticks = new AtomicInteger();
        Map<String, Command> commands = new LinkedHashMap<>();
        commands.put("tick", Command.quick(r -> Json.object().put("tick", ticks.incrementAndGet())));
        List<String> bad = new ArrayList<>();
        String replyTopic = Topics.replyTopic("test", "listener");
        BlockingQueue<Inbound> replies = new LinkedBlockingQueue<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start();
                Link board = new Link(LinkConfig.builder(broker.url(), "d2").build());
                Link listener = new Link(LinkConfig.builder(broker.url(), "listener").build())) {
            CommandDispatcher d = new CommandDispatcher(board, commands, new ReplyCache(16),
                    (c, code, msg, id) -> bad.add(code + " " + msg), new LogRing(50, null));
            Inbound m = new Inbound(Topics.cmd("test", "d2", "tick"), Request.build("t-1", replyTopic, null).toString()
                    .getBytes(StandardCharsets.UTF_8), 1, false, false);
            // not connected yet: Paho refuses the publish at once, as it does with a full in-flight window
            assertFalse(d.tryInline(m), "declined: the worker must send it");
            assertEquals(1, ticks.get(), "ran once, reply stored");

            listener.subscribe(replyTopic, 1, replies::add);
            listener.start();
            board.start();
            assertTrue(listener.awaitConnected(30_000) && board.awaitConnected(30_000));
            d.onWorker(m);
            Inbound got = replies.poll(60, TimeUnit.SECONDS);
            assertTrue(got != null, "the worker sent the stored reply");
            Reply r = Reply.parse(got.payload());
            assertEquals("t-1", r.id());
            assertEquals(1, r.body().path("tick").asInt(), r.body().toString());
            assertEquals(1, ticks.get(), "not run again");
            // connected now: a new id is answered inline
            Inbound m2 = new Inbound(m.topic(), Request.build("t-2", replyTopic, null).toString()
                    .getBytes(StandardCharsets.UTF_8), 1, false, false);
            assertTrue(d.tryInline(m2));
            assertEquals("t-2", Reply.parse(replies.poll(60, TimeUnit.SECONDS).payload()).id());
            // bad input is left to the worker (it sends the error reply and the event)
            Inbound malformed = new Inbound(m.topic(), "{oops".getBytes(StandardCharsets.UTF_8), 1, false, false);
            assertFalse(d.tryInline(malformed));
            d.onWorker(malformed);
            assertEquals(1, bad.size(), bad.toString());
            assertEquals(2, ticks.get());
        }
    }

    @Test
    void manyClientsAtOnceGetExactlyOneReplyPerRequest() throws Exception {
        int clients = 4;
        int threadsPerClient = 3;
        int perThread = 60;
        AtomicInteger ticks = new AtomicInteger();
        AtomicInteger tocks = new AtomicInteger();
        Map<String, AtomicInteger> repliesPerId = new ConcurrentHashMap<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start();
                Agent agent = new Agent(AgentTest.config(broker.url(), dir, "d3", null), BoardIo.NONE);
                Link counter = new Link(LinkConfig.builder(broker.url(), "reply-counter").build())) {
            agent.register("tick", Command.quick(r -> Json.object().put("tick", ticks.incrementAndGet())));
            agent.register("tock", r -> Json.object().put("tock", tocks.incrementAndGet()));
            counter.subscribe("spindle/v1/test/_reply/+", 1, m -> repliesPerId
                    .computeIfAbsent(Reply.parse(m.payload()).id(), k -> new AtomicInteger()).incrementAndGet());
            counter.start();
            assertTrue(counter.awaitConnected(30_000));
            agent.start();
            assertTrue(agent.awaitConnected(30_000));
            List<Link> links = new ArrayList<>();
            List<Rpc> rpcs = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            AtomicInteger sentTicks = new AtomicInteger();
            AtomicInteger sentTocks = new AtomicInteger();
            try {
                CountDownLatch go = new CountDownLatch(1);
                for (int c = 0; c < clients; c++) {
                    Link l = new Link(LinkConfig.builder(broker.url(), "client-" + c).build());
                    links.add(l);
                    Rpc rpc = new Rpc(l, "test");
                    rpcs.add(rpc);
                    l.start();
                    assertTrue(l.awaitConnected(30_000));
                    assertTrue(rpc.call("d3", "ping", "hello-" + c, null, 60_000).ok(), "agent up for client " + c);
                    rpc.setResendEveryMs(120_000); // from now on no resends: every reply counted answers one send
                    for (int k = 0; k < threadsPerClient; k++) {
                        String prefix = "c" + c + "t" + k + "-";
                        Thread t = new Thread(() -> {
                            try {
                                go.await();
                                for (int i = 0; i < perThread; i++) {
                                    String command = i % 5 == 4 ? "tock" : i % 2 == 0 ? "tick" : "ping";
                                    String id = prefix + i;
                                    Reply r = rpc.call("d3", command, id, null, 60_000);
                                    if (!r.ok() || !id.equals(r.id())) {
                                        throw new AssertionError("bad reply to " + id + ": " + r.body());
                                    }
                                    if (command.equals("tick")) {
                                        sentTicks.incrementAndGet();
                                    } else if (command.equals("tock")) {
                                        sentTocks.incrementAndGet();
                                    }
                                }
                            } catch (Throwable e) {
                                failures.add(e);
                            }
                        }, "pinger-" + prefix);
                        threads.add(t);
                        t.start();
                    }
                }
                go.countDown();
                for (Thread t : threads) {
                    t.join(150_000);
                }
                assertTrue(failures.isEmpty(), failures.toString());
                // a last round trip per client after all others: a stray second reply would be counted by now
                for (int c = 0; c < clients; c++) {
                    assertTrue(rpcs.get(c).call("d3", "ping", "last-" + c, null, 60_000).ok());
                }
                FleetProbe.until("the counter saw the last replies",
                        () -> rpcs.stream().allMatch(r -> repliesPerId.containsKey("last-" + rpcs.indexOf(r))));
            } finally {
                links.forEach(Link::close);
            }
            int requests = clients * threadsPerClient * perThread;
            assertEquals(sentTicks.get(), ticks.get(), "each tick ran once");
            assertEquals(sentTocks.get(), tocks.get(), "each tock ran once");
            for (int c = 0; c < clients; c++) {
                for (int k = 0; k < threadsPerClient; k++) {
                    for (int i = 0; i < perThread; i++) {
                        String id = "c" + c + "t" + k + "-" + i;
                        AtomicInteger n = repliesPerId.get(id);
                        assertEquals(1, n == null ? 0 : n.get(), "replies to " + id);
                    }
                }
            }
            assertTrue(repliesPerId.size() >= requests, repliesPerId.size() + " ids answered");
        }
    }
}
