package io.gmall.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.NodeList;

/**
 * How a Spark application of gmall runs on this machine without a Spark distribution: Spark's own jars
 * (streaming/target/spark-jars) and the application jar on one classpath, Spark's JVM flags for Java 17,
 * local master, everything bound to loopback, and the stack's addresses in GMALL_* variables.
 */
public final class SparkJvm {

    private SparkJvm() {
    }

    /** Spark's --add-opens for JDK 17, from the root pom's spark.jvm.opens (versions and flags pinned once). */
    public static List<String> opens(Path pom) throws Exception {
        NodeList found = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getElementsByTagName("spark.jvm.opens");
        if (found.getLength() == 0 || found.item(0).getTextContent().isBlank()) {
            throw new IOException(pom + " has no spark.jvm.opens property (Spark's JVM flags)");
        }
        return Arrays.stream(found.item(0).getTextContent().strip().split("\\s+")).toList();
    }

    /**
     * The JVM options after the heap: master, loopback driver, no UI, and parallelism sized for this machine's
     * cores (Delta's default of 50 partitions to rebuild a table snapshot makes every small commit 50 tasks).
     */
    public static List<String> sparkProperties(Context ctx) {
        String bind = ctx.config().bind();
        String partitions = ctx.config().get("stream.partitions");
        return List.of("-Dspark.master=" + ctx.config().get("stream.master"), "-Dspark.driver.host=" + bind,
                "-Dspark.driver.bindAddress=" + bind, "-Dspark.ui.enabled=false", "-Dspark.sql.shuffle.partitions=" + partitions,
                "-Dspark.databricks.delta.snapshotPartitions=" + partitions);
    }

    /** Spark's jars, then {@code jobJars} in order, then the application jar: the first copy of a class on it wins. */
    public static String classpath(Path sparkJars, List<Path> jobJars, Path appJar) {
        StringBuilder cp = new StringBuilder(sparkJars + "/*");
        jobJars.forEach(j -> cp.append(':').append(j));
        return cp.append(':').append(appJar).toString();
    }

    /** The stack's addresses and the local lake, as the application's configuration reads them. */
    public static Map<String, String> env(Context ctx) {
        Map<String, String> env = new LinkedHashMap<>(Endpoints.of(ctx.config()).asEnv());
        Path lake = ctx.layout().var().resolve("lake");
        env.put("SPARK_LOCAL_IP", ctx.config().bind());
        env.put("GMALL_STREAMING_LAKE_ROOT", lake.toString());
        env.put("GMALL_STREAMING_CHECKPOINT_ROOT", lake.resolve("_checkpoints").toString());
        return env;
    }

    /** What a job is, for its JVM options. */
    public enum JobKind {
        /** A check or a reconcile task: seconds on a local lake, so gmall.local.spark.job.java.options (C1 only). */
        ONE_OFF,
        /** A benchmark: measured as the stream runs, with the JVM's defaults. */
        BENCHMARK
    }

    /** A job (a check, a reconcile task, a benchmark) from the built jars in the checkout, in the foreground. */
    public static List<String> jobCommand(Context ctx, JobKind kind, String heap, List<Path> extraJars, String mainClass, List<String> args)
            throws Exception {
        Path root = ctx.layout().root();
        List<String> command = new ArrayList<>(ctx.jvm(heap));
        if (kind == JobKind.ONE_OFF) {
            command.addAll(ctx.config().javaOptions("spark.job.java.options"));
        }
        command.addAll(opens(root.resolve("pom.xml")));
        command.addAll(sparkProperties(ctx));
        command.add("-Dgmall.root=" + root);
        // The stream's logging (gmall at INFO, Spark from WARN): the job's report stays readable on the terminal.
        command.add("-Dlog4j2.configurationFile=" + ctx.layout().templates().resolve("stream-log4j2.properties"));
        // The job's jars before the stream's: the reconcile's HBase client (a newer release, which hbase-spark needs) is
        // then the only one whose classes load.
        String cp = classpath(root.resolve("streaming/target/spark-jars"), extraJars.stream().map(root::resolve).toList(),
                root.resolve("streaming/target/gmall-streaming.jar"));
        command.addAll(List.of("-cp", cp, mainClass));
        command.addAll(args);
        return command;
    }
}
