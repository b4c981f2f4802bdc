package dev.spindle.tools.deploy;

import dev.spindle.bundle.Manifest;
import dev.spindle.bundle.SemVer;
import dev.spindle.protocol.StateMessage;
import dev.spindle.protocol.fleet.FleetView;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which boards a rollout targets, from what the fleet's retained {@code state} and
 * {@code telemetry} say ({@link FleetView}, as {@code spindle boards} shows it), and whether
 * each can take the bundle (board type in the manifest's {@code boardTypes}, agent at least
 * {@code minAgentVersion}).
 */
final class Targets {
    /**
     * @param boards   the targeted boards, in order
     * @param excluded boards of the fleet left out, each with why ({@code --fleet} only)
     * @param problems named boards that cannot take the bundle, each with why ({@code --board} only)
     */
    record Result(List<String> boards, List<String> excluded, List<String> problems) {
    }

    private Targets() {
    }

    /** {@code --fleet}: every online board that can take the bundle; the others are excluded with a reason. */
    static Result fleet(FleetView view, String fleet, Manifest m, long nowMs) {
        List<String> boards = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (FleetView.Board b : view.boards(nowMs)) {
            if (!b.fleet().equals(fleet)) {
                continue;
            }
            String why = b.status() != FleetView.Status.ONLINE ? notOnline(b, nowMs) : incompatible(b, m);
            if (why == null) {
                boards.add(b.board());
            } else {
                excluded.add(b.board() + ": " + why);
            }
        }
        return new Result(boards, excluded, List.of());
    }

    /** {@code --board}: the named boards; each must be online and able to take the bundle. */
    static Result named(FleetView view, String fleet, List<String> named, Manifest m, long nowMs) {
        Set<String> boards = new LinkedHashSet<>(named);
        List<String> problems = new ArrayList<>();
        for (String name : boards) {
            FleetView.Board b = view.board(fleet, name, nowMs);
            String why = b == null ? "no such board in fleet " + fleet + " (spindle boards lists them)"
                    : b.status() != FleetView.Status.ONLINE ? notOnline(b, nowMs) + " (bring it online or leave it out)"
                    : incompatible(b, m);
            if (why != null) {
                problems.add(name + ": " + why);
            }
        }
        return new Result(List.copyOf(boards), List.of(), problems);
    }

    /** @return "it is offline", or "it is stale: nothing heard for 12.3 s" */
    static String notOnline(FleetView.Board b, long nowMs) {
        if (b.status() == FleetView.Status.STALE) {
            return b.lastSeenMs() == 0 ? "it is stale: never heard"
                    : String.format(Locale.ROOT, "it is stale: nothing heard for %.1f s", (nowMs - b.lastSeenMs()) / 1000.0);
        }
        return "it is " + b.status().wireName();
    }

    /** @return why the board cannot take the bundle, or null */
    static String incompatible(FleetView.Board b, Manifest m) {
        StateMessage s = b.state();
        if (s == null) {
            return null;
        }
        if (s.boardType() != null && !m.boardTypes().contains(s.boardType())) {
            return "wrong_board: board type " + s.boardType() + " is not among the bundle's "
                    + String.join(", ", m.boardTypes());
        }
        if (s.agentVersion() != null) {
            try {
                if (!SemVer.parse(s.agentVersion()).atLeast(m.minAgentVersion())) {
                    return "agent_too_old: agent " + s.agentVersion() + " is older than the bundle's minimum "
                            + m.minAgentVersion() + " (upgrade the agent first)";
                }
            } catch (IllegalArgumentException e) {
                return null; // an agent version we cannot read: the board decides
            }
        }
        return null;
    }
}
