package io.gmall.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Airflow DAG as Airflow itself loads it (its DagBag, from the project's pinned Airflow in var/venv/airflow,
 * which ./gmall test installs): no import errors, and exactly the tasks, dependencies, retries and time-outs of
 * nightly.json, each running its own reconcile step.
 */
class AirflowDagIT {

    @TempDir
    Path home;

    @Test
    void airflowLoadsTheNightlyDagAsTheSharedGraphDefinesIt() throws Exception {
        Path root = Path.of(System.getProperty("gmall.root", ".."));
        Path python = root.resolve("var/venv/airflow/bin/python");
        assertThat(python).as("Airflow's virtualenv (./gmall test installs it from orchestration/requirements-airflow.txt)").exists();
        Path out = home.resolve("dags.json");
        ProcessBuilder pb = new ProcessBuilder(python.toString(), root.resolve("orchestration/describe_dags.py").toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("airflow.log").toFile());
        pb.environment().put("AIRFLOW_HOME", home.toString());
        pb.environment().put("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "sqlite:///" + home.resolve("airflow.db"));
        pb.environment().put("AIRFLOW__CORE__LOAD_EXAMPLES", "False");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("DagBag loaded within 2 minutes").isTrue();
        assertThat(p.exitValue()).as(Files.readString(home.resolve("airflow.log"))).isZero();

        JsonNode found = new ObjectMapper().readTree(out.toFile());
        assertThat(found.get("import_errors").size()).as(found.get("import_errors").toString()).isZero();
        TaskGraph graph = TaskGraph.load(root.resolve("orchestration/nightly.json"));
        JsonNode dag = found.path("dags").path(graph.dagId());
        assertThat(dag.isMissingNode()).as("DAG " + graph.dagId() + " loaded").isFalse();
        assertThat(dag.get("timezone").asText()).isEqualTo(graph.timezone());
        assertThat(dag.get("catchup").asBoolean()).isEqualTo(graph.catchup());
        assertThat(iterable(dag.get("tasks").fieldNames())).containsExactlyInAnyOrderElementsOf(graph.tasks().stream().map(TaskGraph.Task::id).toList());
        for (TaskGraph.Task task : graph.tasks()) {
            JsonNode t = dag.get("tasks").get(task.id());
            List<String> upstream = new ArrayList<>();
            t.get("upstream").forEach(u -> upstream.add(u.asText()));
            assertThat(upstream).as(task.id() + " upstream").containsExactlyElementsOf(new TreeSet<>(task.upstream()));
            assertThat(t.get("retries").asInt()).as(task.id() + " retries").isEqualTo(task.retries());
            assertThat(t.get("retry_delay_seconds").asInt()).as(task.id() + " retry delay").isEqualTo(task.retryDelaySeconds());
            assertThat(t.get("timeout_seconds").asInt()).as(task.id() + " time-out").isEqualTo(task.timeoutSeconds());
            assertThat(t.get("bash_command").asText()).as(task.id() + " command").contains("--step " + task.step() + " ");
        }
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
