package io.gmall.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project's files and the stack's state live: everything mutable is under {@code var/}. */
public record Layout(Path root) {

    public Layout {
        root = root.toAbsolutePath().normalize();
    }

    public Path infra() {
        return root.resolve("infra");
    }

    public Path configFile() {
        return infra().resolve("local/gmall-local.properties");
    }

    public Path templates() {
        return infra().resolve("local/conf");
    }

    public Path distPom(String name) {
        return infra().resolve("local/dist/" + name + ".pom.xml");
    }

    public Path var() {
        return root.resolve("var");
    }

    public Path pidFile(String component) {
        return dir(var().resolve("run")).resolve(component + ".pid");
    }

    public Path logFile(String component) {
        return dir(var().resolve("log")).resolve(component + ".log");
    }

    public Path logDir(String component) {
        return dir(componentDir("log", component));
    }

    public Path dataDir(String component) {
        return dir(componentDir("data", component));
    }

    public Path confDir(String component) {
        return dir(componentDir("conf", component));
    }

    public Path tmpDir(String component) {
        return dir(componentDir("tmp", component));
    }

    /** {@code var/<kind>/<component>} (kind: log, data, conf, tmp, run), without creating it. */
    public Path componentDir(String kind, String component) {
        return var().resolve(kind).resolve(component);
    }

    public Path distDir(String name) {
        return var().resolve("dist").resolve(name);
    }

    private static Path dir(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
