package io.gmall.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./gmall bench api}: requests/s and latency p50/p99 of each endpoint under concurrent load from wrk
 * (Debian's, in its own process), over the data the pipeline wrote, beside the ceiling of the same load on a
 * static file of the same app.
 */
@Command(name = "bench api", mixinStandardHelpOptions = true, description = "Load the serving API with wrk and print requests/s and latency.")
public final class ApiBench implements Callable<Integer> {

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");

    @Option(names = "--api", defaultValue = "http://127.0.0.1:8070", description = "the API's base URL (default ${DEFAULT-VALUE})")
    URI api;
    @Option(names = "--date", description = "the business day to read (default: the API's today)")
    String date;
    @Spec
    CommandSpec spec;
    @Option(names = "--seconds", defaultValue = "10", description = "load per endpoint, seconds (default ${DEFAULT-VALUE})")
    int seconds;
    @Option(names = "--warmup-seconds", defaultValue = "3", description = "unmeasured load per endpoint first, so the JIT has compiled the paths (default ${DEFAULT-VALUE})")
    int warmupSeconds;
    @Option(names = "--connections", defaultValue = "16", description = "concurrent connections (default ${DEFAULT-VALUE})")
    int connections;
    @Option(names = "--wrk", defaultValue = "/usr/bin/wrk", description = "the load generator (default ${DEFAULT-VALUE}; Debian package wrk)")
    String wrk;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ApiBench()).execute(args));
    }

    /** One endpoint's figures. */
    record Figures(double requestsPerSecond, double p50Ms, double p99Ms, long failed) {
    }

    @Override
    public Integer call() throws Exception {
        BenchStack.requirePositive(spec, Map.of("--seconds", seconds, "--connections", connections));
        String day = date != null ? date : today();
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("ceiling: static file /dashboard.css", "/dashboard.css");
        endpoints.put("/realtime-total", "/realtime-total?date=" + day);
        endpoints.put("/realtime-hour (dau)", "/realtime-hour?id=dau&date=" + day);
        endpoints.put("/realtime-hour (order_amount)", "/realtime-hour?id=order_amount&date=" + day);
        endpoints.put("/sale_detail (page of 20, shares)", "/sale_detail?date=" + day + "&size=20");
        endpoints.put("/sale_detail (keyword)", "/sale_detail?date=" + day + "&keyword=phone&size=20");
        endpoints.put("/alerts", "/alerts?date=" + day);
        for (String path : endpoints.values()) {
            load(path, warmupSeconds);
        }
        Map<String, Figures> results = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : endpoints.entrySet()) {
            results.put(e.getKey(), load(e.getValue(), seconds));
        }
        double ceiling = results.values().iterator().next().requestsPerSecond();
        System.out.println();
        System.out.printf("gmall bench api (%d cores, %d connections, %d s each, day %s)%n", Runtime.getRuntime().availableProcessors(),
                connections, seconds, day);
        System.out.printf("  %-36s %12s %10s %10s %8s %8s%n", "endpoint", "requests/s", "p50 ms", "p99 ms", "failed", "ceiling");
        results.forEach((name, f) -> System.out.printf("  %-36s %,12.0f %10.2f %10.2f %8d %7.0f%%%n", name, f.requestsPerSecond(), f.p50Ms(), f.p99Ms(),
                f.failed(), 100 * f.requestsPerSecond() / ceiling));
        System.out.println("  aim: /realtime-total and /realtime-hour >= 5,000 requests/s with p99 <= 20 ms");
        return results.values().stream().anyMatch(f -> f.failed() > 0) ? 1 : 0;
    }

    private String today() throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(api.resolve("/today")).build(), HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper().readTree(r.body()).path("date").asText();
    }

    private Figures load(String pathAndQuery, int forSeconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(wrk, "-t", "1", "-c", Integer.toString(connections), "-d", forSeconds + "s", "--latency",
                api.resolve(pathAndQuery).toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("wrk failed on " + pathAndQuery + ":\n" + out);
        }
        Matcher rate = RATE.matcher(out);
        if (!rate.find()) {
            throw new IllegalStateException("no Requests/sec in wrk's output:\n" + out);
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher m = PERCENTILE.matcher(out);
        while (m.find()) {
            double ms = Double.parseDouble(m.group(2)) * switch (m.group(3)) {
                case "us" -> 0.001;
                case "s" -> 1000.0;
                default -> 1.0;
            };
            if (m.group(1).equals("50")) {
                p50 = ms;
            } else {
                p99 = ms;
            }
        }
        Matcher failed = NON_2XX.matcher(out);
        return new Figures(Double.parseDouble(rate.group(1)), p50, p99, failed.find() ? Long.parseLong(failed.group(1)) : 0);
    }
}
