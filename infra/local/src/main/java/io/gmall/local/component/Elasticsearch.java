package io.gmall.local.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Distributions;
import io.gmall.local.Http;
import io.gmall.local.Layout;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessControl;
import io.gmall.local.ProcessSpec;
import io.gmall.local.Templates;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * Elasticsearch's own directories. As the checkout's user they are under var/ like every component's. As root,
     * Elasticsearch runs as its own user, which must reach them without any directory above the checkout being opened
     * to it (a checkout often sits in a private home or temporary directory): they then live outside the checkout in
     * a directory of the launcher, {@code /var/lib/gmall/<checkout>-<hash of its path>/elasticsearch}, beside a copy
     * of the distribution, and only the state directories are given to Elasticsearch's user.
     */
    record Dirs(Path home, Path conf, Path data, Path logs, Path tmp, Path run) {

        static final Path OUTSIDE_ROOT = Path.of("/var/lib/gmall");

        static Dirs of(Layout layout, boolean root) {
            if (!root) {
                String es = "elasticsearch";
                return new Dirs(layout.distDir(es).resolve("elasticsearch-" + VERSION), layout.componentDir("conf", es),
                        layout.componentDir("data", es), layout.componentDir("log", es), layout.componentDir("tmp", es),
                        layout.componentDir("run", es));
            }
            Path checkout = layout.root();
            Path base = OUTSIDE_ROOT.resolve(checkout.getFileName() + "-" + String.format("%08x", checkout.toString().hashCode()))
                    .resolve("elasticsearch");
            return new Dirs(base.resolve("elasticsearch-" + VERSION), base.resolve("conf"), base.resolve("data"), base.resolve("log"),
                    base.resolve("tmp"), base.resolve("run"));
        }

        /** What Elasticsearch writes: its user's, and what {@code ./gmall clean} removes. */
        List<Path> state() {
            return List.of(conf, data, logs, tmp, run);
        }

        /** Beside the state outside the checkout: the mark of the var/ it belongs to. */
        Path ownerMark() {
            return home.getParent().resolve("owner");
        }

        /**
         * Makes the state outside the checkout this var/'s. A checkout removed and cloned again at the same path
         * (as CI does) must not find the indices of the one before: its Kafka, HBase and lake start empty, so those
         * documents would be neither the stream's nor the ledger's. State marked for another var/, or unmarked while
         * this var/ never started Elasticsearch, is removed; an unmarked one this var/ did start (by a launcher from
         * before the mark) is kept.
         *
         * @param varMark this var/'s mark, written here when it has none
         * @param startedBefore whether this var/ has started Elasticsearch before
         * @return whether earlier state was removed
         */
        boolean claim(Path varMark, boolean startedBefore) throws IOException {
            String own = Files.exists(varMark) ? Files.readString(varMark).trim() : null;
            String found = Files.exists(ownerMark()) ? Files.readString(ownerMark()).trim() : null;
            boolean ours = own == null ? found == null && startedBefore : own.equals(found);
            boolean removed = false;
            for (Path dir : state()) {
                if (!ours && Files.exists(dir)) {
                    Distributions.deleteTree(dir);
                    removed = true;
                }
            }
            if (own == null) {
                own = UUID.randomUUID().toString();
                Files.createDirectories(varMark.getParent());
                Files.writeString(varMark, own + "\n");
            }
            Files.createDirectories(ownerMark().getParent());
            Files.writeString(ownerMark(), own + "\n");
            return removed;
        }
    }

    static Dirs dirs(Layout layout) {
        return Dirs.of(layout, Context.runningAsRoot());
    }

    @Override
    public Path pidFile(Layout layout) {
        // Elasticsearch writes its own pid file after it daemonizes, so the file lives in a directory its user owns.
        Path pidFile = dirs(layout).run().resolve("elasticsearch.pid");
        // One started from var/ by an earlier launcher (as root) is still found, so down and status see it.
        Path earlier = Dirs.of(layout, false).run().resolve("elasticsearch.pid");
        return !Files.exists(pidFile) && Files.exists(earlier) ? earlier : pidFile;
    }

    @Override
    public List<Path> stateOutsideVar(Layout layout) {
        Dirs dirs = dirs(layout);
        return dirs.data().startsWith(layout.var()) ? List.of() : dirs.state();
    }

    @Override
    public void prepare(Context ctx) throws Exception {
        Dirs dirs = dirs(ctx.layout());
        Path unpacked = Distributions.unpacked(name(), ctx);
        if (!unpacked.equals(dirs.home())) {
            Distributions.copyTreeOnce(unpacked, dirs.home());
        }
        installPlugin(ctx, dirs.home());
        if (ctx.root()) {
            if (dirs.claim(ctx.layout().var().resolve("run/elasticsearch.owner"), Files.exists(logFile(ctx.layout())))) {
                ctx.out().println("removed Elasticsearch's state in " + dirs.ownerMark().getParent()
                        + ": it was left by an earlier checkout at this path, not made by this one's var/");
            }
            keepEarlierData(ctx, dirs);
        }
        for (Path dir : dirs.state()) {
            Files.createDirectories(dir);
        }
        Map<String, String> values = new HashMap<>(ctx.config().asTemplateValues());
        values.put("es.data", dirs.data().toString());
        values.put("es.logs", dirs.logs().toString());
        values.put("es.tmp", dirs.tmp().toString());
        Templates.renderFile(ctx.layout().templates().resolve("elasticsearch.yml"), dirs.conf().resolve("elasticsearch.yml"), values);
        Templates.renderFile(ctx.layout().templates().resolve("elasticsearch-jvm.options"), dirs.conf().resolve("jvm.options"), values);
        Files.copy(dirs.home().resolve("config/log4j2.properties"), dirs.conf().resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
        if (ctx.root()) {
            String user = ctx.config().get("elasticsearch.user");
            ensureSystemUser(ctx, user);
            UserPrincipal owner = ctx.layout().root().getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            for (Path dir : dirs.state()) {
                chownTree(dir, owner);
            }
            for (Path dir = dirs.home().getParent(); dir.startsWith(Dirs.OUTSIDE_ROOT); dir = dir.getParent()) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    /** The indices of an earlier launcher that kept them in var/ (as root) move to the directory used now, once. */
    private static void keepEarlierData(Context ctx, Dirs dirs) throws IOException {
        Path earlier = Dirs.of(ctx.layout(), false).data();
        if (!Files.isDirectory(earlier) || Files.exists(dirs.data())) {
            return;
        }
        Files.createDirectories(dirs.data().getParent());
        try {
            Files.move(earlier, dirs.data());
        } catch (IOException e) {
            throw new IOException("cannot move Elasticsearch's data from " + earlier + " to " + dirs.data() + " (" + e
                    + "): move it by hand, or remove it to start with no indices", e);
        }
        ctx.out().println("moved Elasticsearch's data from " + earlier + " to " + dirs.data());
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

    @Override
    public ProcessSpec process(Context ctx) {
        Dirs dirs = dirs(ctx.layout());
        List<String> command = new ArrayList<>();
        if (ctx.root()) {
            command.addAll(List.of("runuser", "-u", ctx.config().get("elasticsearch.user"), "--"));
        }
        command.addAll(List.of(dirs.home().resolve("bin/elasticsearch").toString(), "-d", "-p", pidFile(ctx.layout()).toString()));
        String heap = ctx.config().get("elasticsearch.heap");
        return new ProcessSpec(command, Map.of(
                "ES_JAVA_HOME", ctx.javaHome(),
                "ES_PATH_CONF", dirs.conf().toString(),
                "ES_TMPDIR", dirs.tmp().toString(),
                "ES_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap),
                // Any Elasticsearch's mark, not this home's: one started from var/ by an earlier launcher is found by its pid file.
                dirs.tmp(), "-Des.path.home=", true);
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
