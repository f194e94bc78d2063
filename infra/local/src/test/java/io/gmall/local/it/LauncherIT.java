package io.gmall.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.gmall.local.Context;
import io.gmall.local.Endpoints;
import io.gmall.local.Launcher;
import io.gmall.local.Layout;
import io.gmall.local.LocalConfig;
import io.gmall.local.Stack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** The launcher's behaviour on the real stack: idempotent up, status, a restart that keeps data, one launcher at a time. */
class LauncherIT {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Layout layout = new Layout(Path.of(System.getProperty("gmall.root")));
    private final LocalConfig config = LocalConfig.load(layout.configFile(), System.getenv());
    private final Stack stack = new Stack(Launcher.components(),
            new Context(layout, config, new PrintStream(out, true, StandardCharsets.UTF_8), Context.runningAsRoot()));

    @Test
    void upOnARunningStackStartsNothingAndEveryComponentIsHealthy() {
        Stack.UpResult again = stack.up(List.of());

        assertThat(again.ok()).as(out.toString(StandardCharsets.UTF_8)).isTrue();
        assertThat(again.started()).isEmpty();
        assertThat(stack.status(List.of())).hasSize((int) Launcher.components().stream().filter(c -> !c.onDemand()).count()).allSatisfy(line -> {
            assertThat(line.state()).as(line.name()).isEqualTo("up");
            assertThat(line.healthy()).as(line.name() + ": " + line.health()).isTrue();
        });
    }

    @Test
    void aSecondLauncherChangingTheStackIsRefusedAndChangesNothing() throws Exception {
        long redis = stack.running(component("redis")).orElseThrow().pid();
        try (FileChannel channel = FileChannel.open(Launcher.lockFile(layout), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            Process down = new ProcessBuilder(layout.root().resolve("gmall").toString(), "down", "redis")
                    .directory(layout.root().toFile()).redirectErrorStream(true).start();
            String said = new String(down.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(down.waitFor(5, TimeUnit.MINUTES)).isTrue();

            assertThat(down.exitValue()).as(said).isNotZero();
            assertThat(said).contains("another ./gmall is changing the stack");
        }
        assertThat(stack.running(component("redis")).orElseThrow().pid()).isEqualTo(redis);
    }

    @Test
    void redisRestartedByTheLauncherKeepsItsData() {
        String key = "gmall:it:restart:" + UUID.randomUUID();
        URI redisUrl = URI.create(Endpoints.of(config).redisUrl());
        try (JedisPooled redis = new JedisPooled(redisUrl)) {
            redis.sadd(key, "mid_1", "mid_2");
        }
        long before = stack.running(component("redis")).orElseThrow().pid();

        assertThat(stack.down(List.of("redis"))).isTrue();
        assertThat(stack.status(List.of("redis")).get(0).state()).isEqualTo("down");
        Stack.UpResult up = stack.up(List.of("redis"));

        assertThat(up.started()).containsExactly("redis");
        assertThat(stack.running(component("redis")).orElseThrow().pid()).isNotEqualTo(before);
        try (JedisPooled redis = new JedisPooled(redisUrl)) {
            assertThat(redis.smembers(key)).containsExactlyInAnyOrder("mid_1", "mid_2");
            redis.del(key);
        }
    }

    private io.gmall.local.Component component(String name) {
        return stack.components().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
