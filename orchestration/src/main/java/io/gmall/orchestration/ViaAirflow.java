package io.gmall.orchestration;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gmall reconcile --via-airflow URL --date D}: the nightly DAG run by Airflow for day D, through its REST
 * API. Unpauses the DAG, triggers a run with {@code conf.date = D}, follows its tasks until it ends, and exits 0 when
 * the run succeeded.
 */
@Command(name = "reconcile --via-airflow", mixinStandardHelpOptions = true, description = "Run the nightly DAG for a day on Airflow and follow it.")
public final class ViaAirflow implements Callable<Integer> {

    @Option(names = "--via-airflow", required = true, description = "Airflow's base URL (the api-server), e.g. http://127.0.0.1:18089")
    String url;

    @Option(names = "--date", required = true, description = "the business day, yyyy-MM-dd")
    String date;

    @Option(names = "--graph", required = true, description = "the task graph (orchestration/nightly.json): the DAG id")
    Path graphFile;

    @Option(names = "--timeout-minutes", defaultValue = "60", description = "how long to follow the run (default ${DEFAULT-VALUE})")
    int timeoutMinutes;

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new ViaAirflow());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("reconcile --via-airflow: " + e.getMessage());
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try {
            LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            System.err.println("reconcile: --date must be a day as yyyy-MM-dd, not '" + date + "'");
            return 2;
        }
        String dagId = TaskGraph.load(graphFile).dagId();
        AirflowClient airflow = AirflowClient.connect(url, env("GMALL_AIRFLOW_USER", "gmall"), env("GMALL_AIRFLOW_PASSWORD", ""));
        unpauseOnceParsed(airflow, dagId);
        String runId = "gmall__" + date + "__" + UUID.randomUUID().toString().substring(0, 8);
        AirflowClient.DagRun run = airflow.trigger(dagId, runId, Map.of("date", date));
        System.out.println("triggered " + dagId + " run " + run.runId() + " for " + date + " (" + run.state() + ")");
        Instant triggered = Instant.now();
        Instant deadline = triggered.plus(Duration.ofMinutes(timeoutMinutes));
        Map<String, String> seen = new HashMap<>();
        while (!run.finished() && Instant.now().isBefore(deadline)) {
            Thread.sleep(3000);
            run = airflow.dagRun(dagId, runId);
            for (AirflowClient.TaskInstance t : airflow.taskInstances(dagId, runId)) {
                if (t.state() != null && !t.state().equals(seen.put(t.taskId(), t.state()))) {
                    System.out.printf(Locale.ROOT, "%s: %s (try %d, %d s after the trigger)%n", t.taskId(), t.state(), t.tryNumber(),
                            Duration.between(triggered, Instant.now()).toSeconds());
                }
            }
        }
        List<AirflowClient.TaskInstance> tasks = airflow.taskInstances(dagId, runId);
        System.out.printf(Locale.ROOT, "%-18s %-16s %5s%n", "task", "state", "tries");
        tasks.forEach(t -> System.out.printf(Locale.ROOT, "%-18s %-16s %5d%n", t.taskId(), t.state(), t.tryNumber()));
        System.out.println("run " + runId + ": " + (run.finished() ? run.state() : "still " + run.state() + " after " + timeoutMinutes + " min"));
        return "success".equals(run.state()) ? 0 : 1;
    }

    /** A just-started Airflow knows the DAG only once its dag-processor has parsed the file: until then it answers 404. */
    private static void unpauseOnceParsed(AirflowClient airflow, String dagId) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            try {
                airflow.unpause(dagId);
                return;
            } catch (AirflowClient.AirflowException e) {
                if (e.status != 404 || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                System.out.println("waiting for Airflow to parse " + dagId);
                Thread.sleep(3000);
            }
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }
}
