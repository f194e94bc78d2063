package io.gmall.local;

import io.gmall.local.component.Airflow;
import io.gmall.local.component.Cdc;
import io.gmall.local.component.Elasticsearch;
import io.gmall.local.component.HBase;
import io.gmall.local.component.Kafka;
import io.gmall.local.component.LogServer;
import io.gmall.local.component.MariaDb;
import io.gmall.local.component.Nginx;
import io.gmall.local.component.Redis;
import io.gmall.local.component.Serving;
import io.gmall.local.component.SparkStandalone;
import io.gmall.local.component.SparkStreaming;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * The local stack's command line, run by {@code ./gmall up|down|status|clean|env}.
 * The project root comes from the system property {@code gmall.root} (set by ./gmall).
 */
@Command(name = "gmall", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        description = "Runs gmall's single-node stack on loopback.",
        subcommands = {Launcher.Up.class, Launcher.Down.class, Launcher.Status.class, Launcher.Clean.class, Launcher.Env.class, Launcher.SparkJob.class, KibanaImport.class, Demo.class, Soak.class})
public final class Launcher {

    /** The stack in dependency order. */
    public static List<Component> components() {
        List<Component> stack = new java.util.ArrayList<>(List.of(new MariaDb(), new Redis(), new Kafka(), new HBase(), new Elasticsearch(),
                new Cdc(), new LogServer("logger-1"), new LogServer("logger-2"), new Nginx(), new SparkStreaming(), new Serving(),
                SparkStandalone.master(), SparkStandalone.worker()));
        stack.addAll(Airflow.all());
        return List.copyOf(stack);
    }

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Launcher());
        // Everything after the job's class is the job's own, options included.
        cli.getSubcommands().get("spark-job").setStopAtPositional(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("gmall: " + Stack.reason(e));
            return 2;
        });
        System.exit(cli.execute(args));
    }

    static Layout layout() {
        return new Layout(Path.of(System.getProperty("gmall.root", ".")));
    }

    /** Not under any directory {@code clean} removes: a lock on a removed file would no longer keep anyone out. */
    public static Path lockFile(Layout layout) {
        return layout.var().resolve("launcher.lock");
    }

    /**
     * Holds the launcher lock for the life of this process: two launchers changing the stack at once
     * (an operator's second terminal, a test run beside a demo) would start servers twice or stop them
     * mid-start. The lock is released by the operating system when the process ends.
     */
    static void lockStack(Layout layout) throws IOException {
        Path lockFile = lockFile(layout);
        Files.createDirectories(lockFile.getParent());
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (channel.tryLock() == null) {
            channel.close();
            throw new IllegalStateException("another ./gmall is changing the stack right now (lock " + lockFile + "); wait for it to finish");
        }
    }

    static Stack stack() {
        Layout layout = layout();
        LocalConfig config = LocalConfig.load(layout.configFile(), System.getenv());
        return new Stack(components(), new Context(layout, config, System.out, Context.runningAsRoot()));
    }

    @Command(name = "up", description = "Starts the components (all when none are named) and what they depend on; a running one is left alone.")
    static final class Up implements Callable<Integer> {
        @Parameters(arity = "0..*", paramLabel = "COMPONENT")
        List<String> names = new ArrayList<>();

        @Option(names = "--record-started", paramLabel = "FILE", description = "Write the names of the components this run started, one per line.")
        Path recordStarted;

        @Override
        public Integer call() throws IOException {
            lockStack(layout());
            long t0 = System.nanoTime();
            Stack.UpResult result = stack().up(names);
            System.out.printf("%s in %.1f s%n", result.ok() ? "stack up" : "stack NOT up: " + String.join(", ", result.failures().keySet()) + " failed",
                    (System.nanoTime() - t0) / 1e9);
            if (recordStarted != null) {
                Files.write(recordStarted, result.started());
            }
            return result.ok() ? 0 : 1;
        }
    }

    @Command(name = "down", description = "Stops the components (all when none are named) by pid, in reverse dependency order.")
    static final class Down implements Callable<Integer> {
        @Parameters(arity = "0..*", paramLabel = "COMPONENT")
        List<String> names = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            lockStack(layout());
            return stack().down(names) ? 0 : 1;
        }
    }

    @Command(name = "status", description = "One line per component: state, pid, port, health (a real round trip), log. Exits 1 unless all are healthy.")
    static final class Status implements Callable<Integer> {
        @Parameters(arity = "0..*", paramLabel = "COMPONENT")
        List<String> names = new ArrayList<>();

        @Override
        public Integer call() {
            Layout layout = layout();
            List<Stack.StatusLine> lines = stack().status(names);
            boolean allHealthy = true;
            System.out.printf("%-14s %-5s %-8s %-6s %-34s %s%n", "COMPONENT", "STATE", "PID", "PORT", "LOG", "HEALTH");
            for (Stack.StatusLine line : lines) {
                allHealthy &= line.healthy();
                System.out.printf("%-14s %-5s %-8s %-6s %-34s %s%n", line.name(), line.state(),
                        line.pid() == null ? "-" : line.pid(), line.port() == 0 ? "-" : line.port(), layout.root().relativize(line.log()), line.health());
            }
            return allHealthy ? 0 : 1;
        }
    }

    @Command(name = "clean", description = "Stops everything and removes the stack's state under var/ (data, lake, mock ledgers, logs, pids, configs); fetched distributions stay cached in var/dist.")
    static final class Clean implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            lockStack(layout());
            Stack stack = stack();
            boolean ok = stack.down(List.of());
            Layout layout = layout();
            // The lake goes with Kafka's data (checkpoints ahead of emptied topics would stop every query), and the
            // mock's ledgers with both: ./gmall check judges the stores by the ledgers of the runs since the last clean.
            for (String dir : List.of("data", "lake", "mock", "log", "run", "conf", "tmp")) {
                Distributions.deleteTree(layout.var().resolve(dir));
            }
            for (Component c : components()) {
                for (Path dir : c.stateOutsideVar(layout)) {
                    if (Files.exists(dir)) {
                        Distributions.deleteTree(dir);
                        System.out.println("removed " + dir);
                    }
                }
            }
            System.out.println("removed var/{data,lake,mock,log,run,conf,tmp}");
            return ok ? 0 : 1;
        }
    }

    @Command(name = "spark-job", description = "Runs a class of the streaming jar as a local Spark job against the stack (./gmall check, ./gmall bench stream).")
    static final class SparkJob implements Callable<Integer> {
        @Parameters(index = "0", description = "the main class")
        String mainClass;
        @Parameters(index = "1..*", description = "its arguments")
        List<String> args = new java.util.ArrayList<>();
        @Option(names = "--heap", defaultValue = "1g", description = "the job's heap (default ${DEFAULT-VALUE})")
        String heap;
        @Option(names = "--jar", description = "a jar to add to the classpath (a benchmark's)")
        List<Path> jars = new java.util.ArrayList<>();
        @Option(names = "--benchmark", description = "a benchmark: the JVM's defaults, not gmall.local.spark.job.java.options")
        boolean benchmark;

        @Override
        public Integer call() throws Exception {
            Layout layout = layout();
            LocalConfig config = LocalConfig.load(layout.configFile(), System.getenv());
            Context ctx = new Context(layout, config, System.out, Context.runningAsRoot());
            ProcessBuilder pb = new ProcessBuilder(SparkJvm.jobCommand(ctx, benchmark ? SparkJvm.JobKind.BENCHMARK : SparkJvm.JobKind.ONE_OFF, heap, jars, mainClass, args)).inheritIO().directory(layout.root().toFile());
            pb.environment().putAll(SparkJvm.env(ctx));
            return pb.start().waitFor();
        }
    }

    @Command(name = "env", description = "Prints the addresses of the local stack as GMALL_* environment variables, for tests and jobs.")
    static final class Env implements Callable<Integer> {
        @Override
        public Integer call() {
            Layout layout = layout();
            LocalConfig config = LocalConfig.load(layout.configFile(), System.getenv());
            for (Map.Entry<String, String> e : Endpoints.of(config).asEnv().entrySet()) {
                System.out.println("export " + e.getKey() + "='" + e.getValue() + "'");
            }
            return 0;
        }
    }
}
