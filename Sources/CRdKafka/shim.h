#ifndef CONSROUTE_CRDKAFKA_SHIM_H
#define CONSROUTE_CRDKAFKA_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/// Produces one message, copying key and value (RD_KAFKA_MSG_F_COPY).
///
/// Swift cannot call the variadic rd_kafka_producev, so this fixed-arity wrapper does. `headers` may be NULL;
/// when it is not, librdkafka takes ownership of it on success only (the caller destroys it on failure).
static inline rd_kafka_resp_err_t consroute_produce(rd_kafka_t *rk, const char *topic, int32_t partition,
                                                    const void *key, size_t key_len, const void *value,
                                                    size_t value_len, rd_kafka_headers_t *headers,
                                                    int64_t timestamp_ms, void *opaque) {
    if (headers != NULL) {
        return rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_len),
                                 RD_KAFKA_V_VALUE((void *)value, value_len), RD_KAFKA_V_HEADERS(headers),
                                 RD_KAFKA_V_TIMESTAMP(timestamp_ms), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
    }
    return rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE((void *)value, value_len), RD_KAFKA_V_TIMESTAMP(timestamp_ms),
                             RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
}

#endif
