package io.gmall.local;

import java.nio.file.Path;
import java.util.List;

/** One server of the local stack: how to install, start, initialise and check it. */
public interface Component {

    String name();

    /** Started only when named (or needed by a named one); {@code up} and {@code status} without names leave it out. */
    default boolean onDemand() {
        return false;
    }

    /** Components that must be healthy before this one starts. */
    default List<String> dependsOn() {
        return List.of();
    }

    /** Ports it listens on; the first is the one clients use. None for a worker process that only connects. */
    List<Integer> ports(LocalConfig config);

    /** Debian packages it runs from. */
    default List<String> debianPackages() {
        return List.of();
    }

    /** Installs its distribution, renders its config and initialises its data directory once. Idempotent. */
    void prepare(Context ctx) throws Exception;

    /**
     * Whether the checkout holds a newer build than the one installed for the running process: {@code up}
     * then restarts it, so nothing (a test above all) talks to a server still running the previous build.
     */
    default boolean outdated(Context ctx) throws Exception {
        return false;
    }

    ProcessSpec process(Context ctx);

    /** A cheap probe that the server answers at all; used while it starts. */
    void ready(Context ctx) throws Exception;

    /** Applies the project's schema, topics, tables or templates. Idempotent: safe on every {@code up}. */
    default void initialize(Context ctx) throws Exception {
    }

    /** A real round trip (a query, a produce and consume, a put and get); returns what it did. */
    String health(Context ctx) throws Exception;

    default Path pidFile(Layout layout) {
        return layout.pidFile(name());
    }

    /** The directories of state it keeps outside {@code var/}, which {@code ./gmall clean} removes with {@code var/}'s. */
    default List<Path> stateOutsideVar(Layout layout) {
        return List.of();
    }

    default Path logFile(Layout layout) {
        return layout.logFile(name());
    }
}
