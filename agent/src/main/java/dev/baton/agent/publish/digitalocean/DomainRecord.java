package dev.baton.agent.publish.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One DigitalOcean domain record as the API returns it (resources/domains/models/domain_record.yml): {@code name}
 * is relative to the domain ({@code @} for the apex), {@code data} as stored.
 */
record DomainRecord(long id, String type, String name, String data, long ttl) {
    static DomainRecord of(JsonNode json) {
        return new DomainRecord(json.path("id").asLong(), json.path("type").asText(""), json.path("name").asText(""),
                json.path("data").asText(""), json.path("ttl").asLong());
    }
}
