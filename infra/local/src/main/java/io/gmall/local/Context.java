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
}
