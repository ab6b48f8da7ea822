#ifndef IAS_CRDKAFKA_SHIM_H
#define IAS_CRDKAFKA_SHIM_H
// Compiled against Debian's librdkafka headers; at run time a librdkafka >= 2.2 must be
// loaded first (the service checks rd_kafka_version() at start and refuses older ones).
#include <librdkafka/rdkafka.h>
#endif
