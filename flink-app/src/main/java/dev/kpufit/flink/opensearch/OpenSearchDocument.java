package dev.kpufit.flink.opensearch;

/** One document to index: target index, idempotent id and JSON source (a Flink POJO). */
public class OpenSearchDocument {
    public String index;
    public String id;
    public String source;

    public OpenSearchDocument() {
    }

    public OpenSearchDocument(String index, String id, String source) {
        this.index = index;
        this.id = id;
        this.source = source;
    }

    @Override
    public String toString() {
        return index + "/" + id + " " + source;
    }
}
