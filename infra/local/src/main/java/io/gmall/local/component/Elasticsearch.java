package io.gmall.local.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Distributions;
import io.gmall.local.Http;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessControl;
import io.gmall.local.ProcessSpec;
import io.gmall.local.Templates;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Elasticsearch 8.19 from the integ-test zip on Maven Central, with the gmall-root plugin for {@code GET /},
 * run as an unprivileged system user when the launcher is root; index templates from infra/elasticsearch.
 */
public final class Elasticsearch implements Component {

    static final String PLUGIN = "gmall-root";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = "8.19.21";

    @Override
    public String name() {
        return "elasticsearch";
    }

    @Override
    public List<Integer> ports(LocalConfig config) {
        return List.of(config.port("elasticsearch"), config.port("elasticsearch.transport"));
    }

    @Override
    public Path pidFile(io.gmall.local.Layout layout) {
        // Elasticsearch writes its own pid file after it daemonizes, so the file lives in a directory its user owns.
        return layout.var().resolve("run/elasticsearch/elasticsearch.pid");
    }

    private Path confDir(Context ctx) {
        return ctx.layout().confDir(name());
    }

    private Path home(Context ctx) throws IOException {
        return Distributions.unpacked(name(), ctx);
    }

    @Override
    public void prepare(Context ctx) throws Exception {
        Path home = home(ctx);
        installPlugin(ctx, home);
        Path data = ctx.layout().dataDir(name());
        Path logs = ctx.layout().logDir(name());
        Map<String, String> values = new HashMap<>(ctx.config().asTemplateValues());
        values.put("es.data", data.toString());
        values.put("es.logs", logs.toString());
        values.put("es.tmp", ctx.layout().tmpDir(name()).toString());
        Templates.renderFile(ctx.layout().templates().resolve("elasticsearch.yml"), confDir(ctx).resolve("elasticsearch.yml"), values);
        Templates.renderFile(ctx.layout().templates().resolve("elasticsearch-jvm.options"), confDir(ctx).resolve("jvm.options"), values);
        Files.copy(home.resolve("config/log4j2.properties"), confDir(ctx).resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(pidFile(ctx.layout()).getParent());
        if (ctx.root()) {
            String user = ctx.config().get("elasticsearch.user");
            ensureSystemUser(ctx, user);
            UserPrincipal owner = ctx.layout().root().getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            for (Path dir : List.of(data, logs, confDir(ctx), ctx.layout().tmpDir(name()), pidFile(ctx.layout()).getParent())) {
                chownTree(dir, owner);
            }
            allowTraversal(ctx, ctx.layout().var());
        }
    }

    private static void installPlugin(Context ctx, Path home) throws IOException {
        Path built = ctx.layout().infra().resolve("elasticsearch/root-plugin/target");
        Path jar = built.resolve("gmall-es-root.jar");
        Path descriptor = built.resolve("plugin-metadata/plugin-descriptor.properties");
        if (!Files.exists(jar) || !Files.exists(descriptor)) {
            throw new IOException("the " + PLUGIN + " plugin is not built (" + jar + "); ./gmall builds it before up");
        }
        Path target = Files.createDirectories(home.resolve("plugins").resolve(PLUGIN));
        Files.copy(jar, target.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(descriptor, target.resolve(descriptor.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void ensureSystemUser(Context ctx, String user) throws IOException {
        Process id = new ProcessBuilder("id", "-u", user).redirectErrorStream(true).start();
        try {
            if (id.waitFor() == 0) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        ctx.out().println("creating the system user " + user + " to run Elasticsearch (it refuses to run as root)");
        ProcessControl.run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user),
                ctx.layout().root(), ctx.layout().logFile("elasticsearch"), Duration.ofMinutes(1));
    }

    private static void chownTree(Path dir, UserPrincipal owner) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.toList()) {
                Files.setOwner(p, owner);
            }
        }
    }

    /** The unprivileged user must be able to reach var/: add search (x) permission on ancestors that lack it. */
    private static void allowTraversal(Context ctx, Path dir) throws IOException {
        for (Path p = dir; p != null; p = p.getParent()) {
            Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p));
            if (perms.add(PosixFilePermission.OTHERS_EXECUTE)) {
                Files.setPosixFilePermissions(p, perms);
                ctx.out().println("allowed other users to traverse " + p + " (Elasticsearch runs as its own user)");
            }
        }
    }

    @Override
    public ProcessSpec process(Context ctx) {
        Path home = ctx.layout().distDir(name()).resolve("elasticsearch-" + VERSION);
        List<String> command = new ArrayList<>();
        if (ctx.root()) {
            command.addAll(List.of("runuser", "-u", ctx.config().get("elasticsearch.user"), "--"));
        }
        command.addAll(List.of(home.resolve("bin/elasticsearch").toString(), "-d", "-p", pidFile(ctx.layout()).toString()));
        String heap = ctx.config().get("elasticsearch.heap");
        return new ProcessSpec(command, Map.of(
                "ES_JAVA_HOME", ctx.javaHome(),
                "ES_PATH_CONF", confDir(ctx).toString(),
                "ES_TMPDIR", ctx.layout().tmpDir(name()).toString(),
                "ES_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap),
                ctx.layout().tmpDir(name()), "-Des.path.home=" + home, true);
    }


    private static HttpResponse<String> call(Context ctx, String method, String path, String body) throws IOException, InterruptedException {
        return Http.send(method, ctx.config().url("elasticsearch", path), body, ctx.config().healthTimeout());
    }

    private static JsonNode expectOk(HttpResponse<String> response, String what) throws IOException {
        return JSON.readTree(Http.expectOk(response, what));
    }

    @Override
    public void ready(Context ctx) throws Exception {
        expectOk(call(ctx, "GET", "/_cluster/health?wait_for_status=yellow&timeout=2s", null), "cluster health");
    }

    @Override
    public void initialize(Context ctx) throws Exception {
        List<Path> templates;
        try (Stream<Path> files = Files.list(ctx.layout().infra().resolve("elasticsearch/templates"))) {
            templates = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        for (Path t : templates) {
            String name = t.getFileName().toString().replaceFirst("\\.json$", "");
            expectOk(call(ctx, "PUT", "/_index_template/" + name, Files.readString(t)), "index template " + name);
        }
    }

    @Override
    public String health(Context ctx) throws Exception {
        String version = expectOk(call(ctx, "GET", "/", null), "GET /").path("version").path("number").asText();
        String value = UUID.randomUUID().toString();
        expectOk(call(ctx, "PUT", "/gmall_health/_doc/probe?refresh=true", JSON.writeValueAsString(Map.of("value", value))), "index");
        JsonNode back = expectOk(call(ctx, "GET", "/gmall_health/_doc/probe", null), "get");
        if (!value.equals(back.path("_source").path("value").asText())) {
            throw new IOException("indexed " + value + " but read back " + back.path("_source"));
        }
        return "index/get ok, GET / reports " + version;
    }
}
