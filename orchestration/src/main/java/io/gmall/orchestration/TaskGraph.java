package io.gmall.orchestration;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nightly task graph, defined once in {@code orchestration/nightly.json} and read by both runners: the
 * embedded {@link LocalRunner} and the Airflow DAG ({@code orchestration/dags/gmall_nightly.py}). Each task is a
 * step of {@code reconcile} for the business day, with its upstream tasks, retries and time-out.
 */
public record TaskGraph(String dagId, String description, String schedule, String timezone, String startDate, boolean catchup,
                        List<Task> tasks) {

    @JsonIgnoreProperties({"doc"})
    public record Task(String id, String step, List<String> upstream, int retries,
                       @JsonProperty("retry_delay_seconds") int retryDelaySeconds, @JsonProperty("timeout_seconds") int timeoutSeconds) {

        public Duration retryDelay() {
            return Duration.ofSeconds(retryDelaySeconds);
        }

        public Duration timeout() {
            return Duration.ofSeconds(timeoutSeconds);
        }
    }

    private record File(@JsonProperty("dag_id") String dagId, String description, String schedule, String timezone,
                        @JsonProperty("start_date") String startDate, boolean catchup, List<Task> tasks) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Reads and checks the graph: unique ids, known upstream tasks, no cycle, sane retries and time-outs. */
    public static TaskGraph load(Path file) throws IOException {
        File f = JSON.readValue(file.toFile(), File.class);
        TaskGraph graph = new TaskGraph(f.dagId(), f.description(), f.schedule(), f.timezone(), f.startDate(), f.catchup(),
                List.copyOf(f.tasks()));
        List<String> problems = graph.problems();
        if (!problems.isEmpty()) {
            throw new IOException(file + " is not a valid task graph:\n  " + String.join("\n  ", problems));
        }
        return graph;
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        Map<String, Task> byId = new LinkedHashMap<>();
        for (Task t : tasks) {
            if (t.id() == null || t.step() == null || t.upstream() == null) {
                problems.add("a task needs id, step and upstream: " + t);
                continue;
            }
            if (byId.put(t.id(), t) != null) {
                problems.add("task " + t.id() + " is defined twice");
            }
            if (t.retries() < 0 || t.retryDelaySeconds() < 0 || t.timeoutSeconds() <= 0) {
                problems.add("task " + t.id() + ": retries and retry_delay_seconds must be >= 0, timeout_seconds > 0");
            }
        }
        for (Task t : byId.values()) {
            t.upstream().stream().filter(u -> !byId.containsKey(u)).forEach(u -> problems.add("task " + t.id() + " depends on unknown task " + u));
        }
        if (problems.isEmpty() && order().size() != tasks.size()) {
            problems.add("the tasks depend on one another in a cycle");
        }
        return problems;
    }

    /** The tasks in an order that puts every task after its upstream tasks, ties kept in file order. */
    public List<Task> order() {
        List<Task> ordered = new ArrayList<>();
        Set<String> done = new HashSet<>();
        boolean progress = true;
        while (progress && ordered.size() < tasks.size()) {
            progress = false;
            for (Task t : tasks) {
                if (!done.contains(t.id()) && done.containsAll(t.upstream())) {
                    ordered.add(t);
                    done.add(t.id());
                    progress = true;
                }
            }
        }
        return ordered;
    }
}
