#ifndef IAS_COPENSSL_SHIM_H
#define IAS_COPENSSL_SHIM_H
// libcrypto: MAC, digests and constant-time helpers (IASAuth), public keys built from
// their numbers with signature verification (RS256, ES256 in IASAuth), and AES-256-GCM,
// SHA-256 and the random generator of IASCrypto. libssl: the TLS of the SMTP client
// (IASHTTPClient, the digest mail).
#include <openssl/hmac.h>
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

// Names handed to libcrypto when a key is built from its numbers. OSSL_PARAM_BLD and
// EVP_PKEY_CTX keep the name pointers (not copies) until the key exists, which a Swift String
// bridged to a C string for the duration of one call would not guarantee; C string literals
// live as long as the program.
static inline const char *ias_key_type_rsa(void) { return "RSA"; }
static inline const char *ias_key_type_ec(void) { return "EC"; }
static inline const char *ias_param_rsa_n(void) { return OSSL_PKEY_PARAM_RSA_N; }
static inline const char *ias_param_rsa_e(void) { return OSSL_PKEY_PARAM_RSA_E; }
static inline const char *ias_param_group_name(void) { return OSSL_PKEY_PARAM_GROUP_NAME; }
static inline const char *ias_param_public_key(void) { return OSSL_PKEY_PARAM_PUB_KEY; }
static inline const char *ias_group_p256(void) { return SN_X9_62_prime256v1; }
// EVP_PKEY_PUBLIC_KEY is a macro built from other macros, which Swift does not import.
static inline int ias_selection_public_key(void) { return EVP_PKEY_PUBLIC_KEY; }
// SSL_set_tlsext_host_name and SSL_CTX_set_min_proto_version are macros over SSL_ctrl.
static inline int ias_ssl_set_server_name(SSL *ssl, const char *name) { return (int)SSL_set_tlsext_host_name(ssl, name); }
static inline int ias_ssl_ctx_require_tls12(SSL_CTX *ctx) { return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); }
#endif
