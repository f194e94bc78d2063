package io.gmall.local.component;

import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Http;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessControl;
import io.gmall.local.ProcessSpec;
import io.gmall.local.Templates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** nginx from Debian's package in front of the log servers (infra/nginx/gmall.conf). */
public final class Nginx implements Component {

    /** Debian's unprivileged account that nginx workers run as when the master is root. */
    private static final String WORKER_USER = "www-data";

    @Override
    public String name() {
        return "nginx";
    }

    @Override
    public List<String> dependsOn() {
        return List.of("logger-1", "logger-2");
    }

    @Override
    public List<Integer> ports(LocalConfig config) {
        return List.of(config.port("nginx"));
    }

    @Override
    public List<String> debianPackages() {
        return List.of("nginx");
    }

    private Path conf(Context ctx) {
        return ctx.layout().confDir(name()).resolve("nginx.conf");
    }

    @Override
    public void prepare(Context ctx) throws Exception {
        Path tmp = ctx.layout().tmpDir(name());
        Map<String, String> values = new HashMap<>(ctx.config().asTemplateValues());
        values.put("nginx.user", ctx.root() ? "user " + WORKER_USER + ";" : "");
        values.put("nginx.pidfile", ctx.layout().var().resolve("run/nginx-master.pid").toString());
        values.put("nginx.logdir", ctx.layout().logDir(name()).toString());
        values.put("nginx.tmp", tmp.toString());
        Templates.renderFile(ctx.layout().infra().resolve("nginx/gmall.conf"), conf(ctx), values);
        if (ctx.root()) {
            UserPrincipal worker = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(WORKER_USER);
            try (Stream<Path> paths = Files.walk(tmp)) {
                for (Path p : paths.toList()) {
                    Files.setOwner(p, worker);
                }
            }
        }
        ProcessControl.run(List.of("/usr/sbin/nginx", "-t", "-q", "-c", conf(ctx).toString()), ctx.layout().root(),
                logFile(ctx.layout()), Duration.ofSeconds(30));
    }

    @Override
    public ProcessSpec process(Context ctx) {
        return ProcessSpec.foreground(List.of("/usr/sbin/nginx", "-c", conf(ctx).toString()), ctx.layout().root(), conf(ctx).toString());
    }

    @Override
    public void ready(Context ctx) throws Exception {
        Http.expectOk(Http.send("GET", ctx.config().url(name(), "/nginx-status"), null, Duration.ofSeconds(2)), "nginx");
    }

    /** A round trip through nginx to a log server and on to Kafka. */
    @Override
    public String health(Context ctx) throws Exception {
        Http.expectOk(Http.send("GET", ctx.config().url(name(), "/health"), null, ctx.config().healthTimeout()), "nginx -> logger readiness");
        return "proxied readiness ok";
    }
}
