package io.gmall.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkJvmTest {

    private static Context context(Map<String, String> env) {
        Path root = Path.of(System.getProperty("gmall.root", "../.."));
        Layout layout = new Layout(root);
        return new Context(layout, LocalConfig.load(layout.configFile(), env), new PrintStream(PrintStream.nullOutputStream()), false);
    }

    @Test
    void aOneOffJobGetsTheJobOptionsBeforeItsClassAndABenchmarkTheJvmDefaults() throws Exception {
        Context ctx = context(Map.of("GMALL_LOCAL_SPARK_JOB_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1 -Xss4m"));
        List<String> oneOff = SparkJvm.jobCommand(ctx, SparkJvm.JobKind.ONE_OFF, "1g", List.of(), "io.gmall.Job", List.of("--day", "d"));
        assertThat(oneOff).contains("-XX:TieredStopAtLevel=1", "-Xss4m", "-Xmx1g").endsWith("io.gmall.Job", "--day", "d");
        assertThat(oneOff.indexOf("-Xss4m")).isLessThan(oneOff.indexOf("io.gmall.Job"));

        List<String> benchmark = SparkJvm.jobCommand(ctx, SparkJvm.JobKind.BENCHMARK, "2g", List.of(), "io.gmall.Bench", List.of());
        assertThat(benchmark).doesNotContain("-XX:TieredStopAtLevel=1", "-Xss4m").contains("-Xmx2g").endsWith("io.gmall.Bench");
    }
}
