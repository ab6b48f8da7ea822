#ifndef IAS_CLIBPQ_SHIM_H
#define IAS_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
