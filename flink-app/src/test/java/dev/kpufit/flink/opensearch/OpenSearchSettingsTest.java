package dev.kpufit.flink.opensearch;

import dev.kpufit.flink.config.InvalidPropertiesException;
import dev.kpufit.flink.config.PropertyGroups;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The OpenSearch property group: absent means no sink; what the stack sets is accepted; mistakes are named. */
class OpenSearchSettingsTest {
    static PropertyGroups group(Map<String, String> values) {
        Properties p = new Properties();
        p.putAll(values);
        return new PropertyGroups(Map.of(OpenSearchSettings.GROUP, p));
    }

    @Test
    void noGroupNoSink() {
        assertNull(OpenSearchSettings.from(new PropertyGroups(Map.of()), "eu-west-1"));
    }

    @Test
    void acceptsWhatTheStackSets() {
        OpenSearchSettings s = OpenSearchSettings.from(group(Map.of(
                "endpoint", "https://search-kpufit-dev-os-abc.eu-west-1.es.amazonaws.com", "auth", "sigv4", "aws.region", "eu-west-1",
                "index.prefix", "kpufit", "bulk.flush.max.actions", "1000", "bulk.flush.max.size.mb", "5", "bulk.flush.interval.ms", "1000")), null);
        assertEquals(OpenSearchSettings.Auth.SIGV4, s.auth);
        assertEquals("eu-west-1", s.region);
        assertEquals(1000, s.bulkFlushMaxActions);
        assertEquals(5, s.bulkFlushMaxSizeMb);
        assertEquals(1000L, s.bulkFlushIntervalMillis);
        assertEquals(5, s.backoffRetries);
    }

    @Test
    void defaultsForALocalCluster() {
        OpenSearchSettings s = OpenSearchSettings.from(group(Map.of("endpoint", "http://127.0.0.1:9200/")), null);
        assertEquals("http://127.0.0.1:9200", s.endpoint);
        assertEquals(OpenSearchSettings.Auth.NONE, s.auth);
        assertEquals("kpufit", s.indexPrefix);
    }

    @Test
    void namesEveryProblem() {
        InvalidPropertiesException e = assertThrows(InvalidPropertiesException.class, () -> OpenSearchSettings.from(group(Map.of(
                "endpoint", "http://search-x.es.amazonaws.com", "auth", "sigv4", "index.prefix", "Bad", "bulk.flush.max.actions", "0")), null));
        assertEquals(List.of("OpenSearch.aws.region", "OpenSearch.bulk.flush.max.actions", "OpenSearch.endpoint", "OpenSearch.index.prefix"),
                e.problems().stream().map(p -> p.substring(0, p.indexOf(':'))).sorted().collect(Collectors.toList()), e.problems().toString());
        assertThrows(InvalidPropertiesException.class, () -> OpenSearchSettings.from(group(Map.of(
                "endpoint", "http://127.0.0.1:9200", "auth", "basic")), null));
    }
}
