package io.gmall.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./gmall soak}: the mock at a steady rate for many minutes, and every minute each server's resident
 * memory and the pipeline's lag, so that a leak or a falling-behind shows as a trend. Not part of the suite.
 */
@Command(name = "soak",
        description = "Runs the mock for --minutes and prints every server's RSS and the stream's and relay's lag every minute.")
public final class Soak implements Callable<Integer> {

    @Option(names = "--minutes", defaultValue = "30", description = "how long the mock runs (default ${DEFAULT-VALUE})")
    int minutes;

    @Option(names = "--rate", defaultValue = "200", description = "log records per second (default ${DEFAULT-VALUE})")
    int rate;

    @Override
    public Integer call() throws Exception {
        if (minutes < 1 || minutes > 720 || rate < 1 || rate > 20_000) {
            throw new IllegalArgumentException("--minutes takes 1 to 720 and --rate 1 to 20000");
        }
        Layout layout = Launcher.layout();
        Launcher.lockStack(layout);
        Stack stack = Launcher.stack();
        if (!stack.up(List.of()).ok()) {
            System.out.println("soak: the stack is not up; see ./gmall status");
            return 1;
        }
        LocalConfig config = LocalConfig.load(layout.configFile(), System.getenv());
        Context ctx = new Context(layout, config, System.out, Context.runningAsRoot());
        List<String> command = new ArrayList<>(ctx.jvm("512m"));
        command.addAll(List.of("-Dgmall.root=" + layout.root(), "-jar", layout.root().resolve("ingestion/mock/target/gmall-mock.jar").toString(),
                "--minutes", Integer.toString(minutes), "--rate", Integer.toString(rate), "--no-progress"));
        Path mockLog = layout.logFile("soak-mock");
        ProcessBuilder pb = new ProcessBuilder(command).directory(layout.root().toFile()).redirectErrorStream(true).redirectOutput(mockLog.toFile());
        pb.environment().putAll(Endpoints.of(config).asEnv());
        Process mock = pb.start();
        System.out.printf("soak: the mock runs %d min at %d records/s (its log: %s); a line every minute%n", minutes, rate, layout.root().relativize(mockLog));

        List<Component> servers = Launcher.components().stream().filter(c -> stack.running(c).isPresent()).toList();
        StringBuilder header = new StringBuilder(String.format("%-6s", "min"));
        servers.forEach(c -> header.append(String.format(" %13s", c.name())));
        System.out.println(header.append(String.format(" %12s %10s %12s", "stream lag", "cdc lag s", "cdc quiet s")));
        Map<String, Long> first = new LinkedHashMap<>();
        Map<String, Long> last = new LinkedHashMap<>();
        String streamMetrics = config.url("stream", "/metrics");
        String cdcMetrics = config.url("cdc.metrics", "/metrics");
        for (int minute = 1; mock.isAlive() || minute == 1; minute++) {
            mock.waitFor(1, TimeUnit.MINUTES);
            StringBuilder line = new StringBuilder(String.format("%-6d", minute));
            for (Component c : servers) {
                Optional<Long> rss = stack.running(c).flatMap(Soak::rssMegabytes);
                rss.ifPresent(mb -> {
                    first.putIfAbsent(c.name(), mb);
                    last.put(c.name(), mb);
                });
                line.append(String.format(" %10s MB", rss.map(String::valueOf).orElse("down")));
            }
            line.append(String.format(" %12s %10s %12s", metric(streamMetrics, "gmall_stream_kafka_lag_records"),
                    metric(cdcMetrics, "gmall_cdc_lag_seconds"), metric(cdcMetrics, "gmall_cdc_seconds_since_last_change")));
            System.out.println(line);
        }
        System.out.println("soak: RSS from the first minute to the last:");
        first.forEach((name, mb) -> System.out.printf("  %-14s %6d -> %6d MB (%+d)%n", name, mb, last.get(name), last.get(name) - mb));
        System.out.println("soak: mock: " + lastLine(mockLog));
        return mock.exitValue() == 0 ? 0 : 1;
    }

    /** VmRSS of a process from /proc, in MB. */
    static Optional<Long> rssMegabytes(ProcessHandle process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Optional.of(Long.parseLong(line.replaceAll("\\D", "")) / 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The sum of a Prometheus metric's samples, or "-" when it cannot be read. */
    private static String metric(String url, String name) {
        try {
            String body = Http.send("GET", url, null, Duration.ofSeconds(3)).body();
            double sum = body.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            return String.format("%.0f", sum);
        } catch (IOException | RuntimeException e) {
            return "-";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "-";
        }
    }

    private static String lastLine(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }
}
