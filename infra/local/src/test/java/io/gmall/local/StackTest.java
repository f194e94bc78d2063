package io.gmall.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's up/down/status logic on real processes, without any server. */
class StackTest {

    @TempDir
    Path root;

    private final List<String> journal = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private Context ctx;
    private Stack stack;
    private FakeComponent db;
    private FakeComponent queue;
    private FakeComponent app;

    @BeforeEach
    void setUp() throws IOException {
        Path config = root.resolve("infra/local/gmall-local.properties");
        Files.createDirectories(config.getParent());
        Files.writeString(config, """
                # loopback
                gmall.local.bind=127.0.0.1
                # seconds to start
                gmall.local.start.timeout=3
                # seconds to stop
                gmall.local.stop.timeout=2
                # seconds per round trip
                gmall.local.health.timeout=2
                """);
        ctx = new Context(new Layout(root), LocalConfig.load(config, Map.of()),
                new PrintStream(output, true, StandardCharsets.UTF_8), false);
        db = FakeComponent.sleeper("db", List.of(), freePort(), journal);
        queue = FakeComponent.sleeper("queue", List.of(), freePort(), journal);
        app = FakeComponent.sleeper("app", List.of("db", "queue"), freePort(), journal);
        stack = new Stack(List.of(db, queue, app), ctx);
    }

    @AfterEach
    void stopEverything() {
        stack.down(List.of());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private String output() {
        return output.toString(StandardCharsets.UTF_8);
    }

    @Test
    void upStartsDependenciesBeforeDependentsAndRecordsPids() {
        Stack.UpResult result = stack.up(List.of("app"));

        assertThat(result.ok()).as(output()).isTrue();
        assertThat(result.started()).containsExactly("db", "queue", "app");
        assertThat(journal).containsExactly("prepare db", "prepare queue", "initialize db", "initialize queue",
                "prepare app", "initialize app");
        assertThat(stack.running(app)).isPresent();
        assertThat(ProcessControl.readPid(ctx.layout().pidFile("app"))).contains(stack.running(app).get().pid());
    }

    @Test
    void upTwiceLeavesRunningComponentsAlone() {
        stack.up(List.of());
        long pid = stack.running(db).orElseThrow().pid();

        Stack.UpResult second = stack.up(List.of());

        assertThat(second.ok()).isTrue();
        assertThat(second.started()).isEmpty();
        assertThat(stack.running(db).orElseThrow().pid()).isEqualTo(pid);
        assertThat(output()).contains("already running (pid " + pid + ")");
    }

    @Test
    void upRestartsARunningComponentWhoseBuildChanged() {
        stack.up(List.of());
        long before = stack.running(app).orElseThrow().pid();
        long dbPid = stack.running(db).orElseThrow().pid();
        app.outdated = true;

        Stack.UpResult second = stack.up(List.of());

        assertThat(second.ok()).as(output()).isTrue();
        assertThat(second.started()).as("it was running before").isEmpty();
        assertThat(stack.running(app).orElseThrow().pid()).isNotEqualTo(before);
        assertThat(stack.running(db).orElseThrow().pid()).isEqualTo(dbPid);
        assertThat(output()).contains("restarting (pid " + before + "): the checkout holds a newer build");
    }

    @Test
    void anOnDemandComponentStartsOnlyWhenNamedAndIsListedOnlyWhileItRuns() throws IOException {
        FakeComponent cluster = FakeComponent.sleeper("cluster", List.of("db"), freePort(), journal);
        cluster.onDemand = true;
        Stack withCluster = new Stack(List.of(db, queue, app, cluster), ctx);

        assertThat(withCluster.up(List.of()).started()).containsExactly("db", "queue", "app");
        assertThat(withCluster.status(List.of())).extracting(Stack.StatusLine::name).containsExactly("db", "queue", "app");
        assertThat(withCluster.up(List.of("cluster")).started()).containsExactly("cluster");
        assertThat(withCluster.status(List.of())).extracting(Stack.StatusLine::name).containsExactly("db", "queue", "app", "cluster");
        assertThat(withCluster.down(List.of())).isTrue();
        assertThat(withCluster.running(cluster)).isEmpty();
    }

    @Test
    void downStopsDependentsFirstAndRemovesPidFiles() {
        stack.up(List.of());
        ProcessHandle dbProcess = stack.running(db).orElseThrow();
        output.reset();

        assertThat(stack.down(List.of())).isTrue();

        String out = output();
        assertThat(out.indexOf("app ")).isLessThan(out.indexOf("queue ")).isLessThan(out.length());
        assertThat(out.indexOf("app ")).isLessThan(out.indexOf("db ")).isGreaterThanOrEqualTo(0);
        assertThat(dbProcess.isAlive()).isFalse();
        assertThat(ctx.layout().pidFile("db")).doesNotExist();
        assertThat(stack.status(List.of())).allSatisfy(line -> assertThat(line.state()).isEqualTo("down"));
    }

    @Test
    void downStopsADependentBeforeItsDependenciesAndIndependentServersSideBySide() throws Exception {
        Path signals = root.resolve("signals.log");
        FakeComponent slowDb = slowToStop("db", List.of(), signals);
        FakeComponent slowQueue = slowToStop("queue", List.of(), signals);
        FakeComponent slowApp = slowToStop("app", List.of("db", "queue"), signals);
        Stack slow = new Stack(List.of(slowDb, slowQueue, slowApp), ctx);
        assertThat(slow.up(List.of()).ok()).as(output()).isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (countHandlers(signals) < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        assertThat(slow.down(List.of())).as(output()).isTrue();

        List<String> seen = Files.readAllLines(signals).stream().filter(l -> !l.startsWith("handling")).toList();
        assertThat(seen).hasSize(6);
        assertThat(seen.subList(0, 2)).as("the dependent's shutdown, whole, before its dependencies hear of it").containsExactly("term app", "exit app");
        assertThat(seen.subList(2, 4)).as("both dependencies told before either has exited").containsExactlyInAnyOrder("term db", "term queue");
        assertThat(seen.subList(4, 6)).containsExactlyInAnyOrder("exit db", "exit queue");
    }

    private static long countHandlers(Path signals) throws IOException {
        return Files.exists(signals) ? Files.readAllLines(signals).stream().filter(l -> l.startsWith("handling")).count() : 0;
    }

    /** A server that takes half a second to shut down on SIGTERM, and appends when it was told and when it exits. */
    private FakeComponent slowToStop(String name, List<String> dependsOn, Path signals) throws IOException {
        String script = """
                import signal, sys, time
                def note(what):
                    with open(%s, 'a') as f:
                        f.write(what + ' %s\\n')
                def term(*_):
                    note('term')
                    time.sleep(0.5)
                    note('exit')
                    sys.exit(0)
                signal.signal(signal.SIGTERM, term)
                note('handling')
                time.sleep(300)
                """.formatted("'" + signals + "'", name);
        return new FakeComponent(name, dependsOn, freePort(), script, journal);
    }

    @Test
    void aServerThatExitsIsReportedWithItsLogAndItsDependentsAreNotStarted() throws IOException {
        FakeComponent broken = new FakeComponent("db", List.of(), freePort(), "import sys; print('disk full'); sys.exit(3)", journal);
        broken.readyAnswers = false;
        Stack withBroken = new Stack(List.of(broken, queue, app), ctx);

        Stack.UpResult result = withBroken.up(List.of());

        assertThat(result.failures()).as(output()).containsOnlyKeys("db", "app");
        assertThat(result.failures().get("db")).contains("exited with code 3");
        assertThat(result.failures().get("app")).contains("a dependency failed (db)");
        assertThat(result.started()).containsExactly("queue");
        assertThat(output()).contains("db             FAILED: its process exited with code 3; log var/log/db.log");
        assertThat(Files.readString(ctx.layout().logFile("db"))).contains("disk full");
        withBroken.down(List.of());
    }

    @Test
    void aServerThatNeverAnswersIsStoppedAfterTheStartTimeout() {
        db.readyAnswers = false;

        Stack.UpResult result = stack.up(List.of("db"));

        assertThat(result.failures().get("db")).contains("not ready within 3 s").contains("connection refused");
        assertThat(result.started()).isEmpty();
        assertThat(stack.running(db)).isEmpty();
    }

    @Test
    void aTakenPortIsReportedInsteadOfStarting() throws IOException {
        int port = db.ports(ctx.config()).get(0);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));

            Stack.UpResult result = stack.up(List.of("db"));

            assertThat(result.failures().get("db")).contains("port " + port).contains("taken by another process");
            assertThat(journal).doesNotContain("prepare db");
        }
    }

    @Test
    void statusSaysDeadWhenTheRecordedProcessIsGone() throws Exception {
        stack.up(List.of("db"));
        ProcessHandle process = stack.running(db).orElseThrow();
        process.destroyForcibly();
        process.onExit().get();

        Stack.StatusLine line = stack.status(List.of("db")).get(0);

        assertThat(line.state()).isEqualTo("dead");
        assertThat(line.healthy()).isFalse();
    }

    @Test
    void anUnknownComponentIsAnErrorNamingTheKnownOnes() {
        assertThatThrownBy(() -> stack.up(List.of("kafak")))
                .hasMessage("unknown component 'kafak'; the stack has: db, queue, app");
    }

    @Test
    void aDependencyMustBeListedFirst() {
        assertThatThrownBy(() -> new Stack(List.of(app, db, queue), ctx)).hasMessageContaining("app depends on db");
    }
}
