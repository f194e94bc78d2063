package io.gmall.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalConfigTest {

    static Path projectConfig() {
        return new Layout(Path.of(System.getProperty("gmall.root", "../.."))).configFile();
    }

    @Test
    void projectDefaultsLoadWithEveryKeyDocumented() {
        LocalConfig config = LocalConfig.load(projectConfig(), Map.of());
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.documentation()).allSatisfy((key, doc) -> assertThat(doc).as(key).isNotBlank());
        assertThat(config.port("mariadb")).isNotEqualTo(3306);
        assertThat(config.port("redis")).isNotEqualTo(6379);
    }

    @Test
    void environmentOverridesTheFile() {
        LocalConfig config = LocalConfig.load(projectConfig(), Map.of("GMALL_LOCAL_KAFKA_PORT", "29092"));
        assertThat(config.port("kafka")).isEqualTo(29092);
        assertThat(LocalConfig.envName("gmall.local.hbase.zookeeper.port")).isEqualTo("GMALL_LOCAL_HBASE_ZOOKEEPER_PORT");
    }

    @Test
    void everyKeyCanBeSetFromAShell() {
        LocalConfig config = LocalConfig.load(projectConfig(), Map.of("GMALL_LOCAL_LOGGER_1_PORT", "28081"));
        assertThat(config.port("logger-1")).isEqualTo(28081);
        assertThat(config.documentation().keySet()).allSatisfy(key -> assertThat(LocalConfig.envName(key)).matches("[A-Z_][A-Z0-9_]*"));
    }

    @Test
    void reportsEveryProblemAtOnce(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, """
                # bind
                gmall.local.bind=0.0.0.0
                # a
                gmall.local.a.port=80
                # b
                gmall.local.b.port=20000
                # c
                gmall.local.c.port=20000
                # heap
                gmall.local.x.heap=lots
                # timeout
                gmall.local.start.timeout=0
                gmall.local.undocumented.port=20001
                """);
        assertThatThrownBy(() -> LocalConfig.load(file, Map.of()))
                .isInstanceOfSatisfying(LocalConfig.ConfigException.class, e -> assertThat(e.problems())
                        .hasSize(6)
                        .anySatisfy(p -> assertThat(p).startsWith("gmall.local.bind=0.0.0.0"))
                        .anySatisfy(p -> assertThat(p).startsWith("gmall.local.a.port=80"))
                        .anySatisfy(p -> assertThat(p).contains("port already used by gmall.local.b.port"))
                        .anySatisfy(p -> assertThat(p).startsWith("gmall.local.x.heap=lots"))
                        .anySatisfy(p -> assertThat(p).startsWith("gmall.local.start.timeout=0"))
                        .anySatisfy(p -> assertThat(p).startsWith("gmall.local.undocumented.port: undocumented")));
    }

    @Test
    void javaOptionsAreSplitAtSpacesAndEachMustBeAnOption() {
        assertThat(LocalConfig.load(projectConfig(), Map.of("GMALL_LOCAL_SPARK_JOB_JAVA_OPTIONS", " -XX:TieredStopAtLevel=1  -Xss2m "))
                .javaOptions("spark.job.java.options")).containsExactly("-XX:TieredStopAtLevel=1", "-Xss2m");
        assertThat(LocalConfig.load(projectConfig(), Map.of("GMALL_LOCAL_SPARK_JOB_JAVA_OPTIONS", "")).javaOptions("spark.job.java.options"))
                .isEmpty();
        assertThatThrownBy(() -> LocalConfig.load(projectConfig(), Map.of("GMALL_LOCAL_SPARK_JOB_JAVA_OPTIONS", "-Xss2m TieredStopAtLevel=1")))
                .hasMessageContaining("gmall.local.spark.job.java.options=-Xss2m TieredStopAtLevel=1: JVM options");
    }

    @Test
    void anOverrideIsCheckedLikeTheFile() {
        assertThatThrownBy(() -> LocalConfig.load(projectConfig(), Map.of("GMALL_LOCAL_REDIS_PORT", "not-a-port")))
                .hasMessageContaining("gmall.local.redis.port=not-a-port");
    }
}
