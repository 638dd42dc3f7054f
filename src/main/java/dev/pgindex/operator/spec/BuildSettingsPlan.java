package dev.pgindex.operator.spec;

import dev.pgindex.operator.api.v1alpha1.AnalyzeMode;
import dev.pgindex.operator.api.v1alpha1.BuildSettings;
import dev.pgindex.operator.api.v1alpha1.PostgresIndexSpec;
import dev.pgindex.operator.postgres.IndexDefinition;
import dev.pgindex.operator.postgres.InvalidDefinitionException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * spec.buildSettings: the settings of the builder session (each set with set_config and bind parameters, so no
 * value is ever spliced into SQL), checked here as well as by the CRD, and whether an ANALYZE follows a build.
 */
public final class BuildSettingsPlan {
    private static final Pattern MEMORY = Pattern.compile("([0-9]{1,9})(kB|MB|GB)");
    private static final long MAX_KB = Integer.MAX_VALUE;

    private BuildSettingsPlan() {
    }

    /** The builder session's settings, name to value, in a fixed order; empty when none is given. */
    public static Map<String, String> sessionSettings(PostgresIndexSpec spec) {
        Map<String, String> out = new LinkedHashMap<>();
        BuildSettings b = spec.getBuildSettings();
        if (b == null) {
            return out;
        }
        if (b.getMaintenanceWorkMem() != null) {
            Matcher m = MEMORY.matcher(b.getMaintenanceWorkMem().trim());
            if (!m.matches()) {
                throw new InvalidDefinitionException("buildSettings.maintenanceWorkMem '" + b.getMaintenanceWorkMem()
                        + "' is not a size such as 256MB or 2GB");
            }
            long kb = Long.parseLong(m.group(1)) * switch (m.group(2)) {
                case "kB" -> 1L;
                case "MB" -> 1024L;
                default -> 1024L * 1024;
            };
            if (kb < 1024 || kb > MAX_KB) {
                throw new InvalidDefinitionException("buildSettings.maintenanceWorkMem must be between 1MB and 2TB");
            }
            out.put("maintenance_work_mem", kb + "kB");
        }
        if (b.getMaxParallelMaintenanceWorkers() != null) {
            int n = b.getMaxParallelMaintenanceWorkers();
            if (n < 0 || n > 64) {
                throw new InvalidDefinitionException("buildSettings.maxParallelMaintenanceWorkers must be 0 to 64");
            }
            out.put("max_parallel_maintenance_workers", Integer.toString(n));
        }
        return out;
    }

    /** Why the table is analyzed after a build of {@code def}, or null when it is not. */
    public static String analyzeReason(PostgresIndexSpec spec, IndexDefinition def) {
        AnalyzeMode mode = spec.getBuildSettings() == null || spec.getBuildSettings().getAnalyze() == null
                ? AnalyzeMode.Auto : spec.getBuildSettings().getAnalyze();
        return switch (mode) {
            case Never -> null;
            case Always -> "spec.buildSettings.analyze is Always";
            case Auto -> def.columns().stream().anyMatch(c -> c.expression() != null)
                    ? "the index has expressions, which have no statistics until the table is analyzed"
                    : def.where() != null ? "the index has a predicate" : null;
        };
    }
}
