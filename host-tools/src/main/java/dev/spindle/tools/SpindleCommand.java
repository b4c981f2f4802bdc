package dev.spindle.tools;

import dev.spindle.tools.deploy.DeployCmd;
import dev.spindle.tools.hal.GpioCommand;
import dev.spindle.tools.hal.SerialCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code spindle} command: field scripts and the dashboard for a fleet of Spindle boards.
 * Each subcommand is a class of its own; a bare {@code spindle} prints the usage.
 *
 * <p>Exit codes are part of the interface: see {@link ExitCodes}.
 */
@Command(name = "spindle",
        mixinStandardHelpOptions = true,
        versionProvider = SpindleCommand.Version.class,
        description = "Run, watch and update Spindle boards.",
        subcommands = {CommandLine.HelpCommand.class, BrokerCmd.class, BoardsCmd.class,
            MonitorCmd.class, LogsCmd.class, ThreadsCmd.class, PingCmd.class, DemoCmd.class,
            GpioCommand.class, SerialCommand.class, KeygenCommand.class, BundleCommand.class,
            SignCommand.class, VerifyCommand.class, DeployCmd.class, RollbackCmd.class, DashboardCmd.class,
            FleetCommand.class, CaCommand.class, BrokerConfigCmd.class, ProvisionCmd.class, SimCmd.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:failure (the message says what happened and what to do)",
            "2:bad command line (unknown option, missing argument)",
            "3:the MQTT broker could not be reached",
            "4:the board did not answer in time, or answered with an error",
            "5:bundle refused (the reason's wire name is printed; see docs/deploy.md)",
            "6:deploy: a targeted board does not run the new version (see the summary)"})
public final class SpindleCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** @return a command line wired for Spindle: exit codes, case-insensitive enums */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new SpindleCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Reports the version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SpindleCommand.class.getPackage().getImplementationVersion();
            return new String[] {"spindle " + (v == null ? "development build" : v)};
        }
    }
}
