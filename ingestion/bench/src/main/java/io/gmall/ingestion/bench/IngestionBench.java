package io.gmall.ingestion.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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
}
