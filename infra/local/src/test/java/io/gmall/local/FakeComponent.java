package io.gmall.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A stand-in server for the launcher's own tests: a real process (python3) that sleeps, with a unique marker. */
final class FakeComponent implements Component {

    /** The interpreter itself, not a shim that execs it: the pid recorded must be the long-lived process. */
    static final String PYTHON = "/usr/bin/python3";

    private final String name;
    private final List<String> dependsOn;
    private final int port;
    private final String script;
    private final String marker = "gmall-fake-" + UUID.randomUUID();
    private final List<String> journal;
    boolean readyAnswers = true;
    boolean onDemand;
    boolean outdated;

    FakeComponent(String name, List<String> dependsOn, int port, String script, List<String> journal) {
        this.name = name;
        this.dependsOn = dependsOn;
        this.port = port;
        this.script = script;
        this.journal = journal;
    }

    static FakeComponent sleeper(String name, List<String> dependsOn, int port, List<String> journal) {
        return new FakeComponent(name, dependsOn, port, "import time; time.sleep(300)", journal);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean onDemand() {
        return onDemand;
    }

    @Override
    public List<String> dependsOn() {
        return dependsOn;
    }

    @Override
    public List<Integer> ports(LocalConfig config) {
        return List.of(port);
    }

    @Override
    public void prepare(Context ctx) {
        journal.add("prepare " + name);
    }

    @Override
    public boolean outdated(Context ctx) {
        return outdated;
    }

    @Override
    public ProcessSpec process(Context ctx) {
        return ProcessSpec.foreground(new ArrayList<>(List.of(PYTHON, "-c", script, marker)), Path.of("."), marker);
    }

    @Override
    public void ready(Context ctx) {
        // Like a real server: nothing answers once the process is gone.
        if (!readyAnswers || ProcessControl.running(pidFile(ctx.layout()), marker).isEmpty()) {
            throw new IllegalStateException("connection refused");
        }
    }

    @Override
    public void initialize(Context ctx) {
        journal.add("initialize " + name);
    }

    @Override
    public String health(Context ctx) {
        return "fake round trip ok";
    }
}
