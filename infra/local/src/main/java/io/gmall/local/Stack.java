package io.gmall.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The local stack: a table of components in dependency order. {@code up} starts in waves (every
 * component whose dependencies are healthy starts at once, then each is awaited); {@code down}
 * stops in reverse waves.
 */
public final class Stack {

    private final Map<String, Component> table = new LinkedHashMap<>();
    private final Context ctx;

    public Stack(List<Component> components, Context ctx) {
        for (Component c : components) {
            for (String dep : c.dependsOn()) {
                if (!table.containsKey(dep)) {
                    throw new IllegalArgumentException(c.name() + " depends on " + dep + ", which is not listed before it");
                }
            }
            if (table.put(c.name(), c) != null) {
                throw new IllegalArgumentException("component " + c.name() + " listed twice");
            }
        }
        this.ctx = ctx;
    }

    public Collection<Component> components() {
        return table.values();
    }

    /** The named components and everything they depend on, in table order; all but the on-demand ones when none are named. */
    public List<Component> withDependencies(List<String> names) {
        Set<String> wanted = new LinkedHashSet<>();
        List<String> all = table.values().stream().filter(c -> !c.onDemand()).map(Component::name).toList();
        for (String name : names.isEmpty() ? all : names) {
            addWithDependencies(name, wanted);
        }
        return table.values().stream().filter(c -> wanted.contains(c.name())).toList();
    }

    /** Exactly the named components (all when none are named), in table order. */
    public List<Component> named(List<String> names) {
        names.forEach(this::component);
        return table.values().stream().filter(c -> names.isEmpty() || names.contains(c.name())).toList();
    }

    private void addWithDependencies(String name, Set<String> wanted) {
        Component c = component(name);
        for (String dep : c.dependsOn()) {
            addWithDependencies(dep, wanted);
        }
        wanted.add(name);
    }

    private Component component(String name) {
        Component c = table.get(name);
        if (c == null) {
            throw new IllegalArgumentException("unknown component '" + name + "'; the stack has: " + String.join(", ", table.keySet()));
        }
        return c;
    }

    /** What {@code up} did: components it started, and failures by component. */
    public record UpResult(List<String> started, Map<String, String> failures) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    public UpResult up(List<String> names) {
        List<Component> selected = withDependencies(names);
        DebianPackages.ensure(selected.stream().flatMap(c -> c.debianPackages().stream()).distinct().toList(), ctx);
        List<String> started = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        Set<String> done = new LinkedHashSet<>();
        List<Component> remaining = new ArrayList<>(selected);
        while (!remaining.isEmpty()) {
            List<Component> wave = remaining.stream().filter(c -> done.containsAll(c.dependsOn())).toList();
            if (wave.isEmpty()) {
                remaining.forEach(c -> failures.put(c.name(), "not started: a dependency failed (" +
                        c.dependsOn().stream().filter(failures::containsKey).collect(Collectors.joining(", ")) + ")"));
                break;
            }
            remaining.removeAll(wave);
            Map<Component, Process> spawned = new LinkedHashMap<>();
            for (Component c : wave) {
                try {
                    Optional<ProcessHandle> live = running(c);
                    boolean restart = live.isPresent() && c.outdated(ctx);
                    if (restart) {
                        ctx.out().printf("%-14s restarting (pid %d): the checkout holds a newer build%n", c.name(), live.get().pid());
                        ProcessControl.stop(live.get(), ctx.config().stopTimeout());
                        live = Optional.empty();
                    }
                    if (live.isPresent()) {
                        ctx.out().printf("%-14s already running (pid %d)%n", c.name(), live.get().pid());
                        spawned.put(c, null);
                    } else {
                        stopOrphans(c);
                        requireFreePorts(c);
                        c.prepare(ctx);
                        ctx.out().printf("%-14s starting; log %s%n", c.name(), relative(c.logFile(ctx.layout())));
                        spawned.put(c, ProcessControl.spawn(c.process(ctx), c.logFile(ctx.layout()), c.pidFile(ctx.layout())));
                        // A restart is not a start: a caller stopping what it started leaves it running, as it found it.
                        if (!restart) {
                            started.add(c.name());
                        }
                    }
                } catch (Exception e) {
                    failures.put(c.name(), reason(e));
                    report(c, reason(e));
                }
            }
            for (Map.Entry<Component, Process> e : spawned.entrySet()) {
                Component c = e.getKey();
                long t0 = System.nanoTime();
                try {
                    awaitReady(c, e.getValue());
                    c.initialize(ctx);
                    String health = withTimeout(() -> c.health(ctx));
                    long pid = running(c).map(ProcessHandle::pid)
                            .orElseThrow(() -> new IllegalStateException("it answered, but its recorded process is not running"));
                    ctx.out().printf("%-14s up (pid %d, %.1f s): %s%n", c.name(), pid, (System.nanoTime() - t0) / 1e9, health);
                    done.add(c.name());
                } catch (Exception ex) {
                    failures.put(c.name(), reason(ex));
                    report(c, reason(ex));
                    if (e.getValue() != null) {
                        // A half-started server is stopped so that nothing unhealthy keeps running unseen.
                        running(c).ifPresent(p -> ProcessControl.stop(p, ctx.config().stopTimeout()));
                        started.remove(c.name());
                    }
                }
            }
        }
        return new UpResult(started, failures);
    }

    private void report(Component c, String reason) {
        ctx.out().printf("%-14s FAILED: %s; log %s%n", c.name(), reason, relative(c.logFile(ctx.layout())));
    }

    private void awaitReady(Component c, Process spawned) throws Exception {
        long deadline = System.nanoTime() + ctx.config().startTimeout().toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (spawned != null && !spawned.isAlive() && spawned.exitValue() != 0) {
                throw new IllegalStateException("its process exited with code " + spawned.exitValue());
            }
            boolean launcherDone = spawned == null || !spawned.isAlive();
            if (launcherDone && running(c).isEmpty()) {
                throw new IllegalStateException("its process is not running");
            }
            try {
                withTimeout(() -> {
                    c.ready(ctx);
                    return null;
                });
                return;
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(500);
        }
        throw new TimeoutException("not ready within " + ctx.config().startTimeout().toSeconds() + " s"
                + (last == null ? "" : " (last probe: " + reason(last) + ")"));
    }

    /**
     * Stops the named components (all when none are named) in reverse dependency order, in waves: every component
     * that no component still running among the named depends on is stopped at once, and the wave is awaited before
     * the next. A stop is mostly waiting for a server to shut down, so a wave takes as long as its slowest server.
     */
    public boolean down(List<String> names) {
        List<Component> selected = named(names);
        Set<String> pending = selected.stream().map(Component::name).collect(Collectors.toCollection(LinkedHashSet::new));
        boolean ok = true;
        while (!pending.isEmpty()) {
            List<Component> wave = selected.stream().filter(c -> pending.contains(c.name()))
                    .filter(c -> selected.stream().noneMatch(d -> pending.contains(d.name()) && d.dependsOn().contains(c.name())))
                    .toList();
            ExecutorService stoppers = Executors.newFixedThreadPool(wave.size());
            try {
                List<Future<Boolean>> stops = wave.stream().map(c -> stoppers.submit(() -> stop(c))).toList();
                for (Future<Boolean> stop : stops) {
                    ok &= stop.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } finally {
                stoppers.shutdownNow();
            }
            wave.forEach(c -> pending.remove(c.name()));
        }
        return ok;
    }

    private boolean stop(Component c) {
        boolean ok = true;
        Path pidFile = c.pidFile(ctx.layout());
        Optional<ProcessHandle> live = running(c);
        if (live.isPresent()) {
            long t0 = System.nanoTime();
            try {
                boolean killed = ProcessControl.stop(live.get(), ctx.config().stopTimeout());
                ctx.out().printf("%-14s stopped (pid %d, %.1f s%s)%n", c.name(), live.get().pid(),
                        (System.nanoTime() - t0) / 1e9, killed ? ", killed after the grace period" : "");
            } catch (RuntimeException e) {
                ok = false;
                report(c, reason(e));
            }
        } else {
            ctx.out().printf("%-14s not running%n", c.name());
        }
        try {
            stopOrphans(c);
        } catch (RuntimeException e) {
            ok = false;
            report(c, reason(e));
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            ok = false;
            report(c, "cannot remove " + pidFile + ": " + e.getMessage());
        }
        for (int port : c.ports(ctx.config())) {
            if (!portFree(port)) {
                ok = false;
                report(c, "port " + port + " is still in use after stopping");
            }
        }
        return ok;
    }

    /** One line per component: state, pid, port (0: it listens on none), health, log. */
    public record StatusLine(String name, String state, Long pid, int port, String health, boolean healthy, Path log) {
    }

    /** One line per named component; without names, every component but the on-demand ones that are not running. */
    public List<StatusLine> status(List<String> names) {
        List<StatusLine> lines = new ArrayList<>();
        for (Component c : named(names)) {
            Optional<ProcessHandle> live = running(c);
            if (names.isEmpty() && c.onDemand() && live.isEmpty()) {
                continue;
            }
            int port = c.ports(ctx.config()).stream().findFirst().orElse(0);
            Path log = c.logFile(ctx.layout());
            if (live.isEmpty()) {
                String state = ProcessControl.readPid(c.pidFile(ctx.layout())).isPresent() ? "dead" : "down";
                lines.add(new StatusLine(c.name(), state, null, port, "-", false, log));
                continue;
            }
            String health;
            boolean healthy;
            try {
                health = "ok: " + withTimeout(() -> c.health(ctx));
                healthy = true;
            } catch (Exception e) {
                health = "FAILED: " + reason(e);
                healthy = false;
            }
            lines.add(new StatusLine(c.name(), "up", live.get().pid(), port, health, healthy, log));
        }
        return lines;
    }

    /** What outlived the component's last recorded process in its session (nginx's workers after a SIGKILLed master), stopped. */
    private void stopOrphans(Component c) {
        ProcessControl.readPid(c.pidFile(ctx.layout())).ifPresent(pid -> {
            List<ProcessHandle> orphans = ProcessControl.orphans(pid);
            orphans.forEach(p -> ProcessControl.stop(p, ctx.config().stopTimeout()));
            if (!orphans.isEmpty()) {
                ctx.out().printf("%-14s stopped %d process(es) that outlived its pid %d: %s%n", c.name(), orphans.size(), pid,
                        orphans.stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(", ")));
            }
        });
    }

    public Optional<ProcessHandle> running(Component c) {
        return ProcessControl.running(c.pidFile(ctx.layout()), c.process(ctx).marker());
    }

    private void requireFreePorts(Component c) {
        for (int port : c.ports(ctx.config())) {
            if (!portFree(port)) {
                throw new IllegalStateException("port " + port + " on " + ctx.config().bind()
                        + " is taken by another process; free it or set another port in infra/local/gmall-local.properties");
            }
        }
    }

    boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(ctx.config().bind()), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private <T> T withTimeout(ThrowingSupplier<T> action) throws Exception {
        CompletableFuture<T> future = CompletableFuture.supplyAsync(() -> {
            try {
                return action.get();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        Duration timeout = ctx.config().healthTimeout();
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TimeoutException("no answer within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    @FunctionalInterface
    private interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    static String reason(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        String text = message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }

    private String relative(Path path) {
        return ctx.layout().root().relativize(path).toString();
    }
}
