package io.gmall.local.component;

import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Distributions;
import io.gmall.local.Endpoints;
import io.gmall.local.Http;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The REST API and dashboard (serving/), from a copy of the built jar in var/dist like the log servers. */
public final class Serving implements Component {

    @Override
    public String name() {
        return "serving";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("hbase", "elasticsearch");
    }

    /** Not for the server itself: the dashboard's test drives Debian's chromium through chromedriver. */
    @Override
    public List<String> debianPackages() {
        return List.of("chromium", "chromium-driver");
    }

    @Override
    public List<Integer> ports(LocalConfig config) {
        return List.of(config.port(name()));
    }

    private Path jar(Context ctx) {
        return ctx.layout().distDir(name()).resolve("gmall-serving.jar");
    }

    @Override
    public void prepare(Context ctx) throws IOException {
        Distributions.installBuilt(name(), ctx.layout().root().resolve("serving/target/gmall-serving.jar"), ctx);
    }

    @Override
    public ProcessSpec process(Context ctx) {
        List<String> command = ctx.jvm(ctx.config().get("serving.heap"));
        // java.nio opened for the HBase client, as HBase's own scripts do on JDK 17.
        command.addAll(List.of(ctx.marker(name()), "-Djava.io.tmpdir=" + ctx.layout().tmpDir(name()),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-jar", jar(ctx).toString(),
                "--server.address=" + ctx.config().bind(), "--server.port=" + ctx.config().port(name())));
        return new ProcessSpec(command, Endpoints.of(ctx.config()).asEnv(), ctx.layout().root(), ctx.marker(name()), false);
    }

    private String url(Context ctx, String path) {
        return "http://" + ctx.config().bind() + ":" + ctx.config().port(name()) + path;
    }

    @Override
    public void ready(Context ctx) throws Exception {
        Http.expectOk(Http.send("GET", url(ctx, "/actuator/health/liveness"), null, Duration.ofSeconds(2)), "liveness");
    }

    /** Readiness reads HBase and Elasticsearch through the API's own clients. */
    @Override
    public String health(Context ctx) throws Exception {
        Http.expectOk(Http.send("GET", url(ctx, "/actuator/health/readiness"), null, ctx.config().healthTimeout()), "readiness");
        return "ready (HBase and Elasticsearch read)";
    }
}
