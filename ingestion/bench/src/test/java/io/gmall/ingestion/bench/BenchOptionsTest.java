package io.gmall.ingestion.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchOptionsTest {

    /** Refused as usage errors before anything is sent: these would reach no server if they got that far. */
    @Test
    void countsAndSecondsBelowOneAreRefusedBeforeABenchmarkStarts() {
        for (List<String> args : List.of(List.of("ingest", "--seconds", "0"), List.of("ingest", "--clients", "-1"),
                List.of("ingest", "--batch", "0"), List.of("ingest", "--requests", "0"), List.of("cdc", "--rows", "0"))) {
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(IngestionBench.class);
            cli.setErr(new PrintWriter(err));
            assertThat(cli.execute(args.toArray(String[]::new))).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString()).as(String.join(" ", args)).contains(args.get(1) + " must be 1 or more, not " + args.get(2));
        }
    }
}
