package io.gmall.local.component;

import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Endpoints;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessControl;
import io.gmall.local.ProcessSpec;
import io.gmall.local.Templates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** MariaDB from Debian's package, with its own datadir, ROW binlog and the gmall schema from infra/mariadb. */
public final class MariaDb implements Component {

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public List<Integer> ports(LocalConfig config) {
        return List.of(config.port("mariadb"));
    }

    @Override
    public List<String> debianPackages() {
        return List.of("mariadb-server");
    }

    private Path cnf(Context ctx) {
        return ctx.layout().confDir(name()).resolve("my.cnf");
    }

    @Override
    public void prepare(Context ctx) throws Exception {
        Path datadir = ctx.layout().dataDir(name());
        Map<String, String> values = new HashMap<>(ctx.config().asTemplateValues());
        values.put("mariadb.user", ctx.root() ? "root" : System.getProperty("user.name"));
        values.put("mariadb.datadir", datadir.toString());
        values.put("mariadb.socket", ctx.layout().var().resolve("run/mariadb.sock").toString());
        values.put("mariadb.pidfile", ctx.layout().var().resolve("run/mariadbd.pid").toString());
        Templates.renderFile(ctx.layout().templates().resolve("mariadb.cnf"), cnf(ctx), values);
        if (!Files.isDirectory(datadir.resolve("mysql"))) {
            ctx.out().println("initialising the MariaDB datadir " + datadir);
            ProcessControl.run(List.of("mariadb-install-db", "--defaults-file=" + cnf(ctx),
                            "--auth-root-authentication-method=normal", "--skip-test-db"),
                    ctx.layout().root(), logFile(ctx.layout()), Duration.ofMinutes(3));
        }
    }

    @Override
    public ProcessSpec process(Context ctx) {
        return ProcessSpec.foreground(List.of("/usr/sbin/mariadbd", "--defaults-file=" + cnf(ctx)),
                ctx.layout().root(), cnf(ctx).toString());
    }

    /** root over TCP: the install gives root@127.0.0.1 no password; only loopback can reach it. */
    private static Connection root(Context ctx) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://" + ctx.config().bind() + ":" + ctx.config().port("mariadb")
                + "/?user=root&allowMultiQueries=true&connectTimeout=5000&socketTimeout=30000");
    }

    @Override
    public void ready(Context ctx) throws Exception {
        try (Connection c = root(ctx); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        }
    }

    @Override
    public void initialize(Context ctx) throws Exception {
        List<Path> scripts;
        try (Stream<Path> files = Files.list(ctx.layout().infra().resolve("mariadb"))) {
            scripts = files.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
        }
        try (Connection c = root(ctx); Statement s = c.createStatement()) {
            for (Path script : scripts) {
                try {
                    s.execute(Files.readString(script, StandardCharsets.UTF_8));
                } catch (SQLException e) {
                    throw new SQLException(script.getFileName() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public String health(Context ctx) throws Exception {
        Endpoints e = Endpoints.of(ctx.config());
        try (Connection c = DriverManager.getConnection(e.mariadbUrl() + "?connectTimeout=5000&socketTimeout=10000",
                e.mariadbUser(), e.mariadbPassword());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), @@binlog_format FROM information_schema.tables WHERE table_schema = 'gmall'")) {
            rs.next();
            return "query ok: " + rs.getInt(1) + " tables in gmall, binlog " + rs.getString(2);
        }
    }
}
