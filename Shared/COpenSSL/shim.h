#ifndef IAS_COPENSSL_SHIM_H
#define IAS_COPENSSL_SHIM_H
// Only libcrypto's MAC, digest and constant-time helpers are used (IASAuth, migration checksums).
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#endif
