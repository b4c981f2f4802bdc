package dev.spindle.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code spindle fleet}: field scripts over a whole fleet, for cron jobs and CI
 * ({@code status}, {@code exec}). A bare {@code spindle fleet} prints its usage.
 */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = "Field scripts over a whole fleet: health checks for cron or CI, one command on many boards.",
        subcommands = {FleetStatusCmd.class, FleetExecCmd.class})
final class FleetCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
