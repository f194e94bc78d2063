package io.gmall.local.component;

import io.gmall.local.Component;
import io.gmall.local.Context;
import io.gmall.local.LocalConfig;
import io.gmall.local.ProcessSpec;
import io.gmall.local.Templates;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/** Redis from Debian's package on its own port, append-only, never evicting. */
public final class Redis implements Component {

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public List<Integer> ports(LocalConfig config) {
        return List.of(config.port("redis"));
    }

    @Override
    public List<String> debianPackages() {
        return List.of("redis-server");
    }

    private Path conf(Context ctx) {
        return ctx.layout().confDir(name()).resolve("redis.conf");
    }

    @Override
    public void prepare(Context ctx) {
        Map<String, String> values = new HashMap<>(ctx.config().asTemplateValues());
        values.put("redis.dir", ctx.layout().dataDir(name()).toString());
        Templates.renderFile(ctx.layout().templates().resolve("redis.conf"), conf(ctx), values);
    }

    @Override
    public ProcessSpec process(Context ctx) {
        return ProcessSpec.foreground(List.of("/usr/bin/redis-server", conf(ctx).toString()), ctx.layout().root(), conf(ctx).toString());
    }

    private static Jedis connect(Context ctx) {
        int timeoutMs = (int) ctx.config().healthTimeout().toMillis();
        return new Jedis(new HostAndPort(ctx.config().bind(), ctx.config().port("redis")),
                DefaultJedisClientConfig.builder().connectionTimeoutMillis(timeoutMs).socketTimeoutMillis(timeoutMs).build());
    }

    @Override
    public void ready(Context ctx) {
        try (Jedis jedis = connect(ctx)) {
            jedis.ping();
        }
    }

    @Override
    public String health(Context ctx) {
        String key = "gmall:health:" + UUID.randomUUID();
        String value = Long.toString(System.nanoTime());
        try (Jedis jedis = connect(ctx)) {
            jedis.set(key, value, SetParams.setParams().ex(60));
            String back = jedis.get(key);
            jedis.del(key);
            if (!value.equals(back)) {
                throw new IllegalStateException("SET then GET returned " + back + " instead of " + value);
            }
            return "SET/GET ok";
        }
    }
}
