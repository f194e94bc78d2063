package io.gmall.ingestion.bench;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The ingestion benchmarks, {@code ./gmall bench ingest|cdc}: kept out of the log server's, the mock's and the
 * relay's own jars, since they create and delete topics and run DDL on the business database.
 */
@Command(name = "gmall bench", mixinStandardHelpOptions = true, subcommands = {IngestBench.class, CdcBench.class},
        description = "Benchmarks of the ingestion path.")
public final class IngestionBench {

    private IngestionBench() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new IngestionBench()).execute(args));
    }

    /** Counts and lengths of time below 1 are usage errors, refused before a benchmark writes anything. */
    static void requirePositive(CommandSpec spec, Map<String, ? extends Number> options) {
        options.forEach((option, value) -> {
            if (value.longValue() < 1) {
                throw new ParameterException(spec.commandLine(), option + " must be 1 or more, not " + value);
            }
        });
    }
}
