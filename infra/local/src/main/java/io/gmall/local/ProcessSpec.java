package io.gmall.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start one server process.
 *
 * @param command    the program and its arguments
 * @param env        variables added to the launcher's environment
 * @param workDir    working directory
 * @param marker     a string that appears in the server's command line, so a recorded pid that the
 *                   system has since given to another process is never taken for ours
 * @param daemonizes the command forks the server, which writes its own pid file, and exits when ready
 */
public record ProcessSpec(List<String> command, Map<String, String> env, Path workDir, String marker, boolean daemonizes) {

    public static ProcessSpec foreground(List<String> command, Path workDir, String marker) {
        return new ProcessSpec(command, Map.of(), workDir, marker, false);
    }
}
