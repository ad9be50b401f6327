package dev.kpufit.flink;

import java.nio.file.Path;

/**
 * Command-line arguments. Without {@code --properties} the job is on Managed Flink and reads its property groups
 * from the service; with it, the job runs in a local MiniCluster (REST API on 127.0.0.1).
 */
final class LaunchArgs {
    static final String USAGE = "usage: StreamingJob [--properties FILE --rest-port N [--parallelism N]"
            + " [--checkpoint-interval-ms N] [--from-savepoint PATH] [--task-managers N --slots-per-task-manager K]]";

    final Path propertiesFile;
    final int restPort;
    final int parallelism;
    final long checkpointIntervalMillis;
    /** A savepoint (or retained checkpoint) to restore the local job from; null for a fresh start. */
    final String fromSavepoint;
    /**
     * TaskManagers of the local MiniCluster and slots on each: a local stand-in for n KPUs of k slots
     * (ParallelismPerKPU). 0 slots: as many as the parallelism on one TaskManager (Flink's local default).
     */
    final int taskManagers;
    final int slotsPerTaskManager;

    private LaunchArgs(Path propertiesFile, int restPort, int parallelism, long checkpointIntervalMillis,
                       String fromSavepoint, int taskManagers, int slotsPerTaskManager) {
        this.propertiesFile = propertiesFile;
        this.restPort = restPort;
        this.parallelism = parallelism;
        this.checkpointIntervalMillis = checkpointIntervalMillis;
        this.fromSavepoint = fromSavepoint;
        this.taskManagers = taskManagers;
        this.slotsPerTaskManager = slotsPerTaskManager;
    }

    boolean local() {
        return propertiesFile != null;
    }

    static LaunchArgs parse(String[] argv) {
        Path properties = null;
        int restPort = 8081;
        int parallelism = 1;
        long checkpoint = 5_000L;
        String savepoint = null;
        int taskManagers = 1;
        int slots = 0;
        for (int i = 0; i < argv.length; i++) {
            String flag = argv[i];
            if (i + 1 >= argv.length) {
                throw new IllegalArgumentException(flag + ": missing value. " + USAGE);
            }
            String value = argv[++i];
            switch (flag) {
                case "--properties":
                    properties = Path.of(value);
                    break;
                case "--rest-port":
                    restPort = intFlag(flag, value, 0, 65_535);
                    break;
                case "--parallelism":
                    parallelism = intFlag(flag, value, 1, StreamingJob.MAX_PARALLELISM);
                    break;
                case "--checkpoint-interval-ms":
                    checkpoint = intFlag(flag, value, 100, 3_600_000);
                    break;
                case "--from-savepoint":
                    savepoint = value;
                    break;
                case "--task-managers":
                    taskManagers = intFlag(flag, value, 1, StreamingJob.MAX_PARALLELISM);
                    break;
                case "--slots-per-task-manager":
                    slots = intFlag(flag, value, 1, StreamingJob.MAX_PARALLELISM);
                    break;
                default:
                    throw new IllegalArgumentException(flag + ": unknown flag. " + USAGE);
            }
        }
        if (slots > 0 && (long) slots * taskManagers < parallelism) {
            throw new IllegalArgumentException("--task-managers " + taskManagers + " x --slots-per-task-manager " + slots
                    + " slots are fewer than --parallelism " + parallelism);
        }
        return new LaunchArgs(properties, restPort, parallelism, checkpoint, savepoint, taskManagers, slots);
    }

    private static int intFlag(String flag, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the allowed range
        }
        throw new IllegalArgumentException(flag + ": must be an integer from " + min + " to " + max + ", got '" + value + "'");
    }
}
