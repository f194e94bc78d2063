package io.gmall.orchestration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The runner's order, retries, time-outs and skipping, with tries scripted instead of processes. */
class LocalRunnerTest {

    private final List<String> steps = new ArrayList<>();
    private final Map<String, List<Integer>> script = new HashMap<>();

    private int scripted(List<String> command, Duration timeout) {
        String step = command.get(command.indexOf("--step") + 1);
        steps.add(step);
        List<Integer> statuses = script.getOrDefault(step, List.of(0));
        return statuses.get(Math.min((int) steps.stream().filter(step::equals).count() - 1, statuses.size() - 1));
    }

    private List<LocalRunner.Result> run() throws Exception {
        LocalRunner runner = new LocalRunner();
        runner.reconcile = List.of("./gmall", "reconcile");
        runner.retryDelayOverride = 0;
        return runner.run(TaskGraph.load(TaskGraphTest.NIGHTLY), "2026-11-24", "run-1", this::scripted);
    }

    @Test
    void everyTaskSucceedsInDependencyOrderWithTheDayAndOneRunId() throws Exception {
        List<String> commands = new ArrayList<>();
        LocalRunner runner = new LocalRunner();
        runner.reconcile = List.of("./gmall", "reconcile");
        List<LocalRunner.Result> results = runner.run(TaskGraph.load(TaskGraphTest.NIGHTLY), "2026-11-24", "run-1", (command, timeout) -> {
            commands.add(String.join(" ", command));
            return 0;
        });
        assertThat(results).allMatch(r -> r.state() == LocalRunner.State.SUCCESS && r.tries() == 1);
        assertThat(commands).first().isEqualTo("./gmall reconcile --date 2026-11-24 --step wait-bronze --run-id run-1");
        assertThat(commands).last().isEqualTo("./gmall reconcile --date 2026-11-24 --step vacuum --run-id run-1");
    }

    @Test
    void aNotYetIsTriedAgainAndAFailureSkipsOnlyWhatDependsOnIt() throws Exception {
        script.put("wait-bronze", List.of(75, 75, 0));
        script.put("gmv", List.of(1));
        script.put("alerts", List.of(-1, 0));
        Map<String, LocalRunner.Result> byTask = new HashMap<>();
        run().forEach(r -> byTask.put(r.task(), r));

        assertThat(byTask.get("wait_bronze")).extracting(LocalRunner.Result::state, LocalRunner.Result::tries).containsExactly(LocalRunner.State.SUCCESS, 3);
        assertThat(byTask.get("reconcile_gmv")).extracting(LocalRunner.Result::state, LocalRunner.Result::tries)
                .containsExactly(LocalRunner.State.FAILED, 3);
        assertThat(byTask.get("reconcile_alerts")).extracting(LocalRunner.Result::state, LocalRunner.Result::tries)
                .as("a try past its time-out is retried").containsExactly(LocalRunner.State.SUCCESS, 2);
        assertThat(byTask.get("reconcile_dau").state()).isEqualTo(LocalRunner.State.SUCCESS);
        assertThat(byTask.get("vacuum").state()).isEqualTo(LocalRunner.State.UPSTREAM_FAILED);
        assertThat(steps).doesNotContain("vacuum");
    }

    @Test
    void onlyTheChosenTasksRunInTheGraphsOrderTakingTheirUpstreamAsDone() throws Exception {
        LocalRunner runner = new LocalRunner();
        runner.reconcile = List.of("./gmall", "reconcile");
        runner.only = List.of("publish_report", "reconcile_alerts");
        List<LocalRunner.Result> results = runner.run(TaskGraph.load(TaskGraphTest.NIGHTLY), "2026-11-24", "run-1", this::scripted);

        assertThat(results).extracting(LocalRunner.Result::task).containsExactly("reconcile_alerts", "publish_report");
        assertThat(results).allMatch(r -> r.state() == LocalRunner.State.SUCCESS);
        assertThat(steps).containsExactly("alerts", "report");
    }

    @Test
    void anUnknownTaskIsRefusedNamingTheGraphsTasks() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new LocalRunner());
        cli.setErr(new PrintWriter(err));
        int status = cli.execute("--date", "2026-11-24", "--graph", TaskGraphTest.NIGHTLY.toString(), "--reconcile", "true",
                "--tasks", "reconcile_dau,reconcile_daus");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("--tasks: no task reconcile_daus in gmall_nightly; its tasks are wait_bronze, compact, reconcile_dau");
    }

    @Test
    void aDayThatIsNoCalendarDayIsRefusedBeforeAnyTaskRuns() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new LocalRunner());
        cli.setErr(new PrintWriter(err));
        int status = cli.execute("--date", "2026-13-01", "--graph", TaskGraphTest.NIGHTLY.toString(), "--reconcile", "false");

        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("--date").contains("2026-13-01");
    }
}
