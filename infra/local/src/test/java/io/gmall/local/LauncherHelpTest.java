package io.gmall.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LauncherHelpTest {

    @Test
    void everyCommandAnswersHelpWithItsUsageAndExitZero() {
        CommandLine cli = new CommandLine(new Launcher());
        assertThat(cli.getSubcommands()).isNotEmpty();
        for (String command : cli.getSubcommands().keySet()) {
            StringWriter out = new StringWriter();
            CommandLine fresh = new CommandLine(new Launcher());
            fresh.setOut(new PrintWriter(out));
            assertThat(fresh.execute(command, "--help")).as(command).isZero();
            assertThat(out.toString()).as(command).contains("Usage: gmall " + command);
        }
    }
}
