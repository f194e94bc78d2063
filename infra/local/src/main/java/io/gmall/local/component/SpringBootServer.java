package io.gmall.local.component;

import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Distributions;
import io.gmall.local.Http;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spring Boot server of this project (a log server, the API). It runs from a copy of its built jar in
 * var/dist, so a rebuild (mvn package during ./gmall test) never changes a jar under a running JVM; it is up
 * when its liveness probe answers and healthy when its readiness probe does (a real round trip to its stores).
 */
abstract class SpringBootServer implements Component {

    private final String name;
    private final String builtJar;
    private final String heapKey;

    /** {@code builtJar}: relative to the project root; {@code heapKey}: the launcher setting of its heap. */
    SpringBootServer(String name, String builtJar, String heapKey) {
        this.name = name;
        this.builtJar = builtJar;
        this.heapKey = heapKey;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Integer> ports(LocalConfig config) {
        return List.of(config.port(name));
    }

    /** The environment it reads its stores' addresses from. */
    abstract Map<String, String> env(Context ctx);

    /** Extra JVM flags before {@code -jar}. */
    List<String> jvmFlags() {
        return List.of();
    }

    /** What a passing readiness probe means, for {@code ./gmall status}. */
    abstract String readyMeans();

    private Path jar(Context ctx) {
        return ctx.layout().distDir(name).resolve(Path.of(builtJar).getFileName());
    }

    @Override
    public void prepare(Context ctx) throws IOException {
        Distributions.installBuilt(name, ctx.layout().root().resolve(builtJar), ctx);
    }

    @Override
    public boolean outdated(Context ctx) throws IOException {
        return Distributions.outdated(name, ctx.layout().root().resolve(builtJar), ctx);
    }

    @Override
    public ProcessSpec process(Context ctx) {
        List<String> command = new ArrayList<>(ctx.jvm(ctx.config().get(heapKey)));
        command.addAll(List.of(ctx.marker(name), "-Djava.io.tmpdir=" + ctx.layout().tmpDir(name)));
        command.addAll(jvmFlags());
        command.addAll(List.of("-jar", jar(ctx).toString(),
                "--server.address=" + ctx.config().bind(), "--server.port=" + ctx.config().port(name)));
        return new ProcessSpec(command, env(ctx), ctx.layout().root(), ctx.marker(name), false);
    }


    @Override
    public void ready(Context ctx) throws Exception {
        Http.expectOk(Http.send("GET", ctx.config().url(name, "/actuator/health/liveness"), null, Duration.ofSeconds(2)), "liveness");
    }

    @Override
    public String health(Context ctx) throws Exception {
        Http.expectOk(Http.send("GET", ctx.config().url(name, "/actuator/health/readiness"), null, ctx.config().healthTimeout()), "readiness");
        return readyMeans();
    }
}
