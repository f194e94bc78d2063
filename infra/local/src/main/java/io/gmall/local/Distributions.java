package io.gmall.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Server distributions fetched through Maven (so Maven Central is the only source and ~/.m2 the cache)
 * into {@code var/dist/<name>}. A marker file makes a half-copied distribution count as absent.
 */
public final class Distributions {

    private static final String COMPLETE = ".complete";

    private Distributions() {
    }

    /** The jars of {@code infra/local/dist/<name>.pom.xml} and their dependencies, in {@code var/dist/<name>/lib}. */
    public static Path jars(String name, Context ctx) throws IOException {
        Path dir = ctx.layout().distDir(name);
        if (!Files.exists(dir.resolve(COMPLETE))) {
            ctx.out().println("fetching the " + name + " distribution through Maven");
            deleteTree(dir);
            Files.createDirectories(dir);
            copyDependencies(name, dir.resolve("lib"), ctx);
            Files.createFile(dir.resolve(COMPLETE));
        }
        return dir.resolve("lib");
    }

    /** A zip distribution unpacked into {@code var/dist/<name>}; returns its top directory. */
    public static Path unpacked(String name, Context ctx) throws IOException {
        Path dir = ctx.layout().distDir(name);
        if (!Files.exists(dir.resolve(COMPLETE))) {
            ctx.out().println("fetching the " + name + " distribution through Maven");
            deleteTree(dir);
            Path download = ctx.layout().tmpDir("dist-" + name);
            copyDependencies(name, download, ctx);
            try (Stream<Path> zips = Files.list(download)) {
                Path zip = zips.filter(p -> p.toString().endsWith(".zip")).findFirst()
                        .orElseThrow(() -> new IOException("no zip in " + download));
                unzip(zip, dir);
            }
            deleteTree(download);
            Files.createFile(dir.resolve(COMPLETE));
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory).findFirst().orElseThrow(() -> new IOException("empty distribution " + dir));
        }
    }

    /**
     * A runnable built by this project (a jar, and its lib/ folder when it has one) copied into
     * {@code var/dist/<name>}: the process runs from the copy, so a rebuild never changes files under a
     * running JVM. Returns the copied jar.
     */
    public static Path installBuilt(String name, Path builtJar, Context ctx) throws IOException {
        requireBuilt(name, builtJar);
        Path dir = ctx.layout().distDir(name);
        deleteTree(dir);
        Files.createDirectories(dir);
        Path jar = dir.resolve(builtJar.getFileName());
        Files.copy(builtJar, jar);
        Path lib = builtJar.resolveSibling("lib");
        if (Files.isDirectory(lib)) {
            Files.createDirectories(dir.resolve("lib"));
            try (Stream<Path> jars = Files.list(lib)) {
                for (Path j : jars.toList()) {
                    Files.copy(j, dir.resolve("lib").resolve(j.getFileName()));
                }
            }
        }
        return jar;
    }

    /** Whether {@code builtJar} differs from the copy {@link #installBuilt} made of it (or there is none). */
    public static boolean outdated(String name, Path builtJar, Context ctx) throws IOException {
        Path installed = ctx.layout().distDir(name).resolve(builtJar.getFileName());
        return Files.isRegularFile(builtJar) && (!Files.isRegularFile(installed) || Files.mismatch(builtJar, installed) != -1);
    }

    /**
     * A runnable built by this project that runs beside a folder of jars it does not carry (the streaming
     * application and Spark's own jars), copied into {@code var/dist/<name>} and {@code var/dist/<name>/<folder>}.
     * The jar is copied every time; the folder, large and rarely changed, only when its listing (names,
     * sizes, modification times) differs from the one recorded with the copy. Returns the copied jar.
     */
    public static Path installBuilt(String name, Path builtJar, Path builtJars, Context ctx) throws IOException {
        requireBuilt(name, builtJar);
        requireBuilt(name, builtJars);
        Path dir = ctx.layout().distDir(name);
        Path jars = dir.resolve(builtJars.getFileName());
        // Written after the copy, so a half-copied folder never counts as current.
        Path listed = dir.resolve("." + builtJars.getFileName() + COMPLETE);
        String listing = listing(builtJars);
        boolean current = Files.isDirectory(jars) && Files.isRegularFile(listed) && Files.readString(listed).equals(listing);
        Files.createDirectories(dir);
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.toList()) {
                if (!current || !(child.equals(jars) || child.equals(listed))) {
                    deleteTree(child);
                }
            }
        }
        if (!current) {
            Files.createDirectories(jars);
            try (Stream<Path> files = Files.list(builtJars)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, jars.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            Files.writeString(listed, listing);
        }
        Path jar = dir.resolve(builtJar.getFileName());
        Files.copy(builtJar, jar);
        return jar;
    }

    private static void requireBuilt(String name, Path built) throws IOException {
        if (!Files.exists(built)) {
            throw new IOException(name + " is not built (" + built + "); ./gmall builds it before up");
        }
    }

    /** One line per file of {@code dir}: name, size, modification time; sorted by name. */
    private static String listing(Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                b.append(f.getFileName()).append(' ').append(Files.size(f)).append(' ')
                        .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
            }
        }
        return b.toString();
    }

    private static void copyDependencies(String name, Path into, Context ctx) throws IOException {
        String mvn = System.getenv().getOrDefault("GMALL_MVN", "mvn");
        ProcessControl.run(List.of(mvn, "-B", "-q", "-f", ctx.layout().distPom(name).toString(),
                        "dependency:copy-dependencies", "-DoutputDirectory=" + into),
                ctx.layout().root(), ctx.layout().logFile("dist-" + name), Duration.ofMinutes(20));
    }

    /** Unzips with readable files and directories; scripts under bin/ are made executable. */
    static void unzip(Path zip, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        try (InputStream in = Files.newInputStream(zip); ZipInputStream zin = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = zin.getNextEntry()) != null) {
                Path out = root.resolve(entry.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException("zip entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                    continue;
                }
                Files.createDirectories(out.getParent());
                Files.copy(zin, out);
                boolean executable = out.getParent().getFileName().toString().equals("bin");
                Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    /**
     * A copy of the tree {@code from} at {@code to}, made once (marked complete, like an unpacked distribution) and
     * readable by every user: for a server that runs as its own user from a directory that user can reach.
     */
    public static void copyTreeOnce(Path from, Path to) throws IOException {
        if (Files.exists(to.resolve(COMPLETE))) {
            return;
        }
        deleteTree(to);
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path out = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(out);
                    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(p, out, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.createFile(to.resolve(COMPLETE));
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
