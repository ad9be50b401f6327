package dev.kpufit.flink.opensearch;

import dev.kpufit.flink.config.PropertyGroups;
import dev.kpufit.flink.config.PropertyReader;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.net.URI;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The optional {@code OpenSearch} property group: where the job indexes its results, how it authenticates and how
 * it batches. Absent group = no OpenSearch sink. The CDKTF stack sets it when config {@code opensearch.enabled}
 * (stacks/runtime-properties.ts); local runs put it in their properties file.
 */
public final class OpenSearchSettings implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String GROUP = "OpenSearch";

    /** none: a local cluster without security; basic: user and password; sigv4: the job's AWS role (OpenSearch Service). */
    public enum Auth {
        NONE,
        BASIC,
        SIGV4
    }

    private static final Pattern ENDPOINT = Pattern.compile("https?://[^\\s/:]+(:\\d{1,5})?/?");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\\d");
    private static final Pattern INDEX_PREFIX = Pattern.compile("[a-z][a-z0-9_-]{0,30}");
    private static final Set<String> KEYS = Set.of("endpoint", "auth", "username", "password", "aws.region", "index.prefix",
            "bulk.flush.max.actions", "bulk.flush.max.size.mb", "bulk.flush.interval.ms", "bulk.backoff.retries",
            "bulk.backoff.delay.ms");

    public final String endpoint;
    public final Auth auth;
    public final String username;
    public final String password;
    public final String region;
    public final String indexPrefix;
    public final int bulkFlushMaxActions;
    public final int bulkFlushMaxSizeMb;
    public final long bulkFlushIntervalMillis;
    /** Retries of items the cluster rejects with 429 (busy), exponential from {@link #backoffDelayMillis}. */
    public final int backoffRetries;
    public final long backoffDelayMillis;

    public OpenSearchSettings(String endpoint, Auth auth, String username, String password, String region, String indexPrefix,
                              int bulkFlushMaxActions, int bulkFlushMaxSizeMb, long bulkFlushIntervalMillis,
                              int backoffRetries, long backoffDelayMillis) {
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.auth = auth;
        this.username = username;
        this.password = password;
        this.region = region;
        this.indexPrefix = indexPrefix;
        this.bulkFlushMaxActions = bulkFlushMaxActions;
        this.bulkFlushMaxSizeMb = bulkFlushMaxSizeMb;
        this.bulkFlushIntervalMillis = bulkFlushIntervalMillis;
        this.backoffRetries = backoffRetries;
        this.backoffDelayMillis = backoffDelayMillis;
    }

    /** Null when the group is absent; otherwise validated, every problem reported at once (InvalidPropertiesException). */
    public static OpenSearchSettings from(PropertyGroups groups, String defaultRegion) {
        if (!groups.hasGroup(GROUP)) {
            return null;
        }
        PropertyReader r = new PropertyReader(groups);
        String endpoint = r.matching(GROUP, "endpoint", true, ENDPOINT, "an http(s) URL such as https://search-x.eu-west-1.es.amazonaws.com");
        Auth auth = r.enumValue(GROUP, "auth", Auth.class, Auth.NONE);
        String username = r.optionalString(GROUP, "username");
        String password = r.optionalString(GROUP, "password");
        if (auth == Auth.BASIC && (username == null || password == null)) {
            r.addProblem(GROUP, "username", "username and password are required when auth is BASIC");
        }
        String region = r.matching(GROUP, "aws.region", false, REGION, "an AWS region such as eu-west-1");
        if (region == null) {
            region = defaultRegion;
        }
        if (auth == Auth.SIGV4 && region == null) {
            r.addProblem(GROUP, "aws.region", "required when auth is SIGV4 (the region signed into every request)");
        }
        if (auth == Auth.SIGV4 && endpoint != null && !endpoint.startsWith("https://")) {
            r.addProblem(GROUP, "endpoint", "must be https:// when auth is SIGV4 (OpenSearch Service accepts TLS only)");
        }
        String prefix = r.matching(GROUP, "index.prefix", false, INDEX_PREFIX, "1-31 characters of a-z 0-9 _ -, starting with a letter");
        int maxActions = r.intInRange(GROUP, "bulk.flush.max.actions", 1000, 1, 10_000);
        int maxSizeMb = r.intInRange(GROUP, "bulk.flush.max.size.mb", 5, 1, 100);
        int intervalMs = r.intInRange(GROUP, "bulk.flush.interval.ms", 1000, 100, 600_000);
        int retries = r.intInRange(GROUP, "bulk.backoff.retries", 5, 0, 100);
        int delayMs = r.intInRange(GROUP, "bulk.backoff.delay.ms", 200, 1, 60_000);
        r.warnUnknownKeys(GROUP, KEYS);
        r.throwIfInvalid();
        r.warnings().forEach(w -> LoggerFactory.getLogger(OpenSearchSettings.class).warn("{}", w));
        return new OpenSearchSettings(endpoint, auth, username, password, region, prefix == null ? "kpufit" : prefix,
                maxActions, maxSizeMb, intervalMs, retries, delayMs);
    }

    public URI endpointUri() {
        return URI.create(endpoint);
    }
}
