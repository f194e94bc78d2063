package io.gmall.local;

import java.io.PrintStream;

/** What a component needs to do its work: where things are, the settings, and where to report. */
public record Context(Layout layout, LocalConfig config, PrintStream out, boolean root) {

    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The JDK the launcher runs on; the servers run on the same one. */
    public String javaHome() {
        return System.getProperty("java.home");
    }

    public String java() {
        return javaHome() + "/bin/java";
    }

    /** The start of a server JVM's command line: this JDK, a fixed heap, G1, no display. */
    public java.util.List<String> jvm(String heap) {
        return new java.util.ArrayList<>(java.util.List.of(java(), "-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC", "-Djava.awt.headless=true"));
    }

    /** A system property naming the component and this checkout, for servers whose command line holds no config path. */
    public String marker(String component) {
        return "-Dgmall.local.component=" + component + "@" + layout.root();
    }
}
