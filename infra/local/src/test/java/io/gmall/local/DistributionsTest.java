package io.gmall.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Built runnables copied into var/dist, with a folder of jars copied only when it changed. */
class DistributionsTest {

    @TempDir
    Path root;

    private Context ctx;
    private Path target;

    @BeforeEach
    void setUp() throws IOException {
        Path config = root.resolve("infra/local/gmall-local.properties");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "# loopback\ngmall.local.bind=127.0.0.1\n");
        ctx = new Context(new Layout(root), LocalConfig.load(config, Map.of()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
        target = Files.createDirectories(root.resolve("app/target"));
        Files.writeString(target.resolve("app.jar"), "app v1");
        Files.createDirectories(target.resolve("spark-jars"));
        Files.writeString(target.resolve("spark-jars/spark-core.jar"), "spark core");
        Files.writeString(target.resolve("spark-jars/scala-library.jar"), "scala");
    }

    private Path install() throws IOException {
        return Distributions.installBuilt("app", target.resolve("app.jar"), target.resolve("spark-jars"), ctx);
    }

    @Test
    void copiesTheJarEveryTimeAndTheFolderOnlyWhenItChanged() throws IOException {
        Path dist = root.resolve("var/dist/app");
        assertThat(install()).isEqualTo(dist.resolve("app.jar")).hasContent("app v1");
        assertThat(dist.resolve("spark-jars/spark-core.jar")).hasContent("spark core");

        // A copy left alone proves the unchanged folder was not copied again.
        Files.writeString(dist.resolve("spark-jars/spark-core.jar"), "the kept copy");
        Files.writeString(dist.resolve("stale.txt"), "left by an older install");
        Files.writeString(target.resolve("app.jar"), "app v2");
        install();
        assertThat(dist.resolve("app.jar")).hasContent("app v2");
        assertThat(dist.resolve("spark-jars/spark-core.jar")).hasContent("the kept copy");
        assertThat(dist.resolve("stale.txt")).doesNotExist();

        Files.delete(target.resolve("spark-jars/scala-library.jar"));
        Files.writeString(target.resolve("spark-jars/spark-sql.jar"), "spark sql");
        install();
        assertThat(dist.resolve("spark-jars/spark-core.jar")).hasContent("spark core");
        assertThat(dist.resolve("spark-jars/spark-sql.jar")).hasContent("spark sql");
        assertThat(dist.resolve("spark-jars/scala-library.jar")).doesNotExist();
    }

    @Test
    void aBuildIsOutdatedUntilInstalledAndAgainWhenItChanges() throws IOException {
        Path jar = target.resolve("app.jar");
        assertThat(Distributions.outdated("app", jar, ctx)).as("nothing installed").isTrue();
        install();
        assertThat(Distributions.outdated("app", jar, ctx)).isFalse();
        Files.writeString(jar, "app v2");
        assertThat(Distributions.outdated("app", jar, ctx)).isTrue();
    }

    @Test
    void aMissingFolderIsNotBuilt() throws IOException {
        Files.delete(target.resolve("spark-jars/spark-core.jar"));
        Files.delete(target.resolve("spark-jars/scala-library.jar"));
        Files.delete(target.resolve("spark-jars"));

        assertThatThrownBy(this::install).hasMessageContaining("app is not built").hasMessageContaining("spark-jars");
    }
}
