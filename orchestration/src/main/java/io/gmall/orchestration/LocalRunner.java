package io.gmall.orchestration;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gmall orchestrate --date D}: the nightly graph run here, without Airflow. Tasks run one at a time in
 * dependency order (two cores: the reconcile steps are Spark jobs that use both), each as
 * {@code <reconcile command> --date D --step S --run-id R}; a failed or timed-out try is retried after the task's
 * delay; a task whose upstream failed is not run. Prints a summary and exits 1 when any task failed. {@code --tasks}
 * runs a part of the graph, as Airflow's clearing of a task does.
 */
@Command(name = "orchestrate", mixinStandardHelpOptions = true, description = "Run the nightly task graph for a business day, here.")
public final class LocalRunner implements Callable<Integer> {

    /** Parsed here: a day that is not one is refused at once, not retried by every task of the graph. */
    @Option(names = "--date", required = true, description = "the business day, yyyy-MM-dd")
    LocalDate date;

    @Option(names = "--graph", required = true, description = "the task graph (orchestration/nightly.json)")
    Path graphFile;

    @Option(names = "--reconcile", required = true, description = "the command that runs a reconcile step, one word per option (./gmall, reconcile)")
    List<String> reconcile;

    @Option(names = "--retry-delay-seconds", description = "overrides every task's delay between tries")
    Integer retryDelayOverride;

    @Option(names = "--tasks", split = ",", paramLabel = "ID",
            description = "only these tasks, in the graph's order, as an operator re-runs a step of a day; the tasks they depend on are taken as done")
    List<String> only;

    @Spec
    CommandSpec spec;

    /** How a task ended. */
    public enum State { SUCCESS, FAILED, UPSTREAM_FAILED }

    /** One task's outcome: its state, the tries it took and its wall time. */
    public record Result(String task, State state, int tries, Duration took) {
    }

    /** Runs one try of a task; returns its exit status, or -1 when it ran past the time-out (and was killed). */
    public interface Executor {
        int run(List<String> command, Duration timeout) throws IOException, InterruptedException;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalRunner()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        TaskGraph graph = TaskGraph.load(graphFile);
        List<String> known = graph.tasks().stream().map(TaskGraph.Task::id).toList();
        if (only != null && !known.containsAll(only)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tasks: no task " + String.join(", ",
                    only.stream().filter(t -> !known.contains(t)).toList()) + " in " + graph.dagId() + "; its tasks are " + String.join(", ", known));
        }
        String runId = "local__" + date + "__" + UUID.randomUUID().toString().substring(0, 8);
        System.out.println("orchestrate " + graph.dagId() + " for " + date + ", run " + runId);
        List<Result> results = run(graph, date.toString(), runId, LocalRunner::process);
        System.out.printf(Locale.ROOT, "%-18s %-16s %5s %9s%n", "task", "state", "tries", "seconds");
        results.forEach(r -> System.out.printf(Locale.ROOT, "%-18s %-16s %5d %9.1f%n", r.task(), r.state().name().toLowerCase(Locale.ROOT),
                r.tries(), r.took().toMillis() / 1000.0));
        return results.stream().allMatch(r -> r.state() == State.SUCCESS) ? 0 : 1;
    }

    List<Result> run(TaskGraph graph, String day, String runId, Executor executor) throws InterruptedException, IOException {
        Map<String, Result> results = new LinkedHashMap<>();
        Set<String> failed = new HashSet<>();
        for (TaskGraph.Task task : graph.order()) {
            if (only != null && !only.contains(task.id())) {
                continue;
            }
            if (task.upstream().stream().anyMatch(failed::contains)) {
                failed.add(task.id());
                results.put(task.id(), new Result(task.id(), State.UPSTREAM_FAILED, 0, Duration.ZERO));
                continue;
            }
            List<String> command = new ArrayList<>(reconcile);
            command.addAll(List.of("--date", day, "--step", task.step(), "--run-id", runId));
            long started = System.nanoTime();
            int tries = 0;
            int status;
            do {
                if (tries > 0) {
                    Duration delay = retryDelayOverride != null ? Duration.ofSeconds(retryDelayOverride) : task.retryDelay();
                    System.out.println(task.id() + ": try " + tries + " failed, trying again in " + delay.toSeconds() + " s");
                    Thread.sleep(delay.toMillis());
                }
                tries++;
                System.out.println(task.id() + ": " + String.join(" ", command));
                status = executor.run(command, task.timeout());
                if (status == -1) {
                    System.out.println(task.id() + ": ran past its time-out of " + task.timeout().toSeconds() + " s and was stopped");
                }
            } while (status != 0 && tries <= task.retries());
            State state = status == 0 ? State.SUCCESS : State.FAILED;
            if (state == State.FAILED) {
                failed.add(task.id());
            }
            results.put(task.id(), new Result(task.id(), state, tries, Duration.ofNanos(System.nanoTime() - started)));
        }
        return List.copyOf(results.values());
    }

    /** A try as a child process sharing this terminal, killed with its children when it runs past the time-out. */
    private static int process(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            return -1;
        }
        return p.exitValue();
    }
}
