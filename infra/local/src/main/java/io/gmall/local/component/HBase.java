package io.gmall.local.component;

import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.Distributions;
import io.gmall.local.HBaseSchema;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessSpec;
import io.gmall.local.Templates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.NamespaceNotFoundException;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;

/** HBase 2.6 standalone (master, region server and ZooKeeper in one JVM) from Maven Central jars; DDL from infra/hbase. */
public final class HBase implements Component {

    private static final String HEALTH_TABLE = "health";

    /** The JDK 17 opens of HBase's own bin/hbase. */
    private static final List<String> JDK17_OPTS = List.of(
            "-Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true",
            "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED", "--add-exports=java.base/sun.net.dns=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED");

    @Override
    public String name() {
        return "hbase";
    }

    @Override
    public List<Integer> ports(LocalConfig config) {
        return List.of(config.port("hbase.zookeeper"), config.port("hbase.master"), config.port("hbase.regionserver"));
    }

    private Path confDir(Context ctx) {
        return ctx.layout().confDir(name());
    }

    @Override
    public void prepare(Context ctx) throws Exception {
        Distributions.jars(name(), ctx);
        Map<String, String> values = new HashMap<>(ctx.config().asTemplateValues());
        values.put("hbase.rootdir", ctx.layout().dataDir(name()).resolve("root").toString());
        values.put("hbase.zkdir", ctx.layout().dataDir(name()).resolve("zookeeper").toString());
        values.put("hbase.tmpdir", ctx.layout().tmpDir(name()).toString());
        Templates.renderFile(ctx.layout().templates().resolve("hbase-site.xml"), confDir(ctx).resolve("hbase-site.xml"), values);
        Templates.renderFile(ctx.layout().templates().resolve("hbase-log4j.properties"), confDir(ctx).resolve("log4j.properties"), values);
    }

    @Override
    public ProcessSpec process(Context ctx) {
        String heap = ctx.config().get("hbase.heap");
        List<String> command = ctx.jvm(heap);
        command.addAll(List.of("-Dhbase.log.dir=" + ctx.layout().logDir(name()), "-Djava.io.tmpdir=" + ctx.layout().tmpDir(name())));
        command.addAll(JDK17_OPTS);
        command.addAll(List.of("-cp", confDir(ctx) + ":" + ctx.layout().distDir(name()).resolve("lib") + "/*",
                "org.apache.hadoop.hbase.master.HMaster", "start"));
        return ProcessSpec.foreground(command, ctx.layout().root(), confDir(ctx).toString());
    }

    /** Client settings that fail within the health time-out instead of retrying for minutes. */
    public static Configuration clientConfiguration(String quorum, int zookeeperPort, int timeoutMs) {
        Configuration conf = HBaseConfiguration.create();
        conf.set("hbase.zookeeper.quorum", quorum);
        conf.setInt("hbase.zookeeper.property.clientPort", zookeeperPort);
        conf.setInt("hbase.client.retries.number", 3);
        conf.setInt("zookeeper.recovery.retry", 1);
        conf.setInt("zookeeper.session.timeout", Math.max(timeoutMs, 10000));
        conf.setInt("hbase.rpc.timeout", Math.min(timeoutMs, 5000));
        conf.setInt("hbase.client.operation.timeout", timeoutMs);
        conf.setInt("hbase.client.meta.operation.timeout", timeoutMs);
        return conf;
    }

    private static Connection connect(Context ctx) throws Exception {
        return ConnectionFactory.createConnection(clientConfiguration(ctx.config().bind(),
                ctx.config().port("hbase.zookeeper"), (int) ctx.config().healthTimeout().toMillis()));
    }

    private static HBaseSchema schema(Context ctx) throws Exception {
        return HBaseSchema.load(ctx.layout().infra().resolve("hbase/tables.json"));
    }

    @Override
    public void ready(Context ctx) throws Exception {
        try (Connection connection = connect(ctx); Admin admin = connection.getAdmin()) {
            // Answers only once the master has finished initialising (PleaseHoldException before).
            admin.listNamespaceDescriptors();
        }
    }

    @Override
    public void initialize(Context ctx) throws Exception {
        HBaseSchema schema = schema(ctx);
        try (Connection connection = connect(ctx); Admin admin = connection.getAdmin()) {
            try {
                admin.getNamespaceDescriptor(schema.namespace());
            } catch (NamespaceNotFoundException e) {
                admin.createNamespace(NamespaceDescriptor.create(schema.namespace()).build());
            }
            List<String> created = new ArrayList<>();
            for (HBaseSchema.Table t : schema.tables()) {
                TableName name = TableName.valueOf(t.qualifiedName(schema.namespace()));
                if (admin.tableExists(name)) {
                    continue;
                }
                TableDescriptorBuilder table = TableDescriptorBuilder.newBuilder(name);
                for (HBaseSchema.Family f : t.families()) {
                    ColumnFamilyDescriptorBuilder family = ColumnFamilyDescriptorBuilder.newBuilder(f.name().getBytes(StandardCharsets.UTF_8))
                            .setMaxVersions(f.versions());
                    if (f.ttlSeconds() > 0) {
                        family.setTimeToLive(f.ttlSeconds());
                    }
                    table.setColumnFamily(family.build());
                }
                admin.createTable(table.build());
                created.add(name.getNameAsString());
            }
            if (!created.isEmpty()) {
                ctx.out().printf("%-14s created tables %s%n", name(), created);
            }
        }
    }

    @Override
    public String health(Context ctx) throws Exception {
        HBaseSchema schema = schema(ctx);
        HBaseSchema.Table health = schema.table(HEALTH_TABLE);
        byte[] family = health.families().get(0).name().getBytes(StandardCharsets.UTF_8);
        byte[] qualifier = "v".getBytes(StandardCharsets.UTF_8);
        byte[] row = ("probe-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        byte[] value = Long.toString(System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        try (Connection connection = connect(ctx);
             Table table = connection.getTable(TableName.valueOf(health.qualifiedName(schema.namespace())))) {
            table.put(new Put(row).addColumn(family, qualifier, value));
            byte[] back = table.get(new Get(row)).getValue(family, qualifier);
            if (!Arrays.equals(value, back)) {
                throw new IllegalStateException("put then get returned a different value");
            }
            return "put/get ok on " + health.qualifiedName(schema.namespace());
        }
    }
}
