import Foundation
import IASRuntime

/// How a service checks bearer tokens, from `IAS_ENVIRONMENT` and the `IAS_JWT_*` keys. Read
/// with the service's other keys, so that every problem (a missing key, a combination that
/// production does not allow, a JWKS file that cannot be used) is reported at start together.
///
/// * `production`: tokens of the canton's identity provider only: RS256/ES256 with the keys of
///   `IAS_JWT_JWKS_FILE`, `iss` and `aud` checked. `IAS_JWT_SECRET` must not be set: whoever
///   holds a shared secret can mint any token, and the local stack's secret is public.
/// * `development` (the default): HS256 with `IAS_JWT_SECRET`, RS256/ES256 with a JWKS file,
///   or both; at least one.
public struct IdentitySettings: Sendable {
    public enum Environment: String, Sendable {
        case development, production
    }

    /// The local stack's documented secret (README, deploy/local): named in the refusal when
    /// production is started with it.
    public static let developmentSecret = "local-development-secret-change-me-0123456789"
    static let maximumValueLength = 1024

    public let environment: Environment
    let secrets: JWTKeySet?
    let jwks: (path: String, snapshot: JWKSFile.Snapshot)?
    public let policy: TokenPolicy

    public static func read(from reader: ConfigurationReader) -> IdentitySettings {
        let environment = Environment(rawValue: reader.choice(
            "IAS_ENVIRONMENT", default: "development", allowed: ["development", "production"])) ?? .development
        let secretText = reader.string("IAS_JWT_SECRET", default: "")
        let jwksPath = reader.string("IAS_JWT_JWKS_FILE", default: "")
        let issuer = reader.string("IAS_JWT_ISSUER", default: "")
        let audience = reader.string("IAS_JWT_AUDIENCE", default: "")
        let lifetime = reader.int("IAS_JWT_MAX_LIFETIME_SECONDS", default: 43_200, range: 60...604_800)
        let skew = reader.double("IAS_JWT_CLOCK_SKEW_SECONDS", default: 60, range: 0...600)
        let organisationClaim = claimName(reader, "IAS_JWT_ORG_CLAIM", reader.string("IAS_JWT_ORG_CLAIM", default: "org"))
        let rolesClaim = claimName(reader, "IAS_JWT_ROLES_CLAIM", reader.string("IAS_JWT_ROLES_CLAIM", default: "roles"))
        let rolePrefix = reader.string("IAS_JWT_ROLE_PREFIX", default: "")

        for (key, value) in [("IAS_JWT_ISSUER", issuer), ("IAS_JWT_AUDIENCE", audience), ("IAS_JWT_ROLE_PREFIX", rolePrefix)]
        where !isPlainValue(value) {
            reader.report("\(key) must be at most \(maximumValueLength) characters without blanks or control characters")
        }

        switch environment {
        case .production:
            if !secretText.isEmpty {
                let which = secretText.trimmingCharacters(in: .whitespacesAndNewlines) == developmentSecret
                    ? "the local stack's public development secret" : "a shared secret"
                reader.report("IAS_JWT_SECRET is set (\(which)), but IAS_ENVIRONMENT=production accepts no HS256 tokens: whoever holds the secret can mint any token. Remove IAS_JWT_SECRET; tokens come from the identity provider (IAS_JWT_JWKS_FILE)")
            }
            if jwksPath.isEmpty {
                reader.report("IAS_JWT_JWKS_FILE is not set: IAS_ENVIRONMENT=production verifies the identity provider's RS256/ES256 tokens with the keys of its JWKS document, a file (e.g. a mounted ConfigMap) kept current from the provider's JWKS URL")
            }
            if issuer.isEmpty {
                reader.report("IAS_JWT_ISSUER is not set: IAS_ENVIRONMENT=production requires the identity provider's issuer (the tokens' iss, e.g. https://idp.example.ch/realms/ias)")
            }
            if audience.isEmpty {
                reader.report("IAS_JWT_AUDIENCE is not set: IAS_ENVIRONMENT=production requires the audience the tokens must name in aud (e.g. the client id of the platform)")
            }
        case .development:
            if secretText.isEmpty && jwksPath.isEmpty {
                reader.report("neither IAS_JWT_SECRET nor IAS_JWT_JWKS_FILE is set: set IAS_JWT_SECRET (HS256 secret(s) of at least 32 bytes, or kid1:secret1,kid2:secret2; local stack and tests), IAS_JWT_JWKS_FILE (the identity provider's JWKS document), or both")
            }
        }

        var secrets: JWTKeySet?
        if environment == .development && !secretText.isEmpty {
            do { secrets = try JWTKeySet.parse(secretText) } catch {
                reader.report("IAS_JWT_SECRET is not usable: \(error)")
            }
        }
        var jwks: (String, JWKSFile.Snapshot)?
        if !jwksPath.isEmpty {
            do { jwks = (jwksPath, try JWKSFile.load(path: jwksPath)) } catch {
                reader.report("IAS_JWT_JWKS_FILE=\(jwksPath) is not usable: \(error)")
            }
        }
        let policy = TokenPolicy(
            clockSkew: skew, maximumLifetime: TimeInterval(lifetime),
            issuer: issuer.isEmpty ? nil : issuer, audience: audience.isEmpty ? nil : audience,
            organisationClaim: organisationClaim ?? .organisation, rolesClaim: rolesClaim ?? .roles, rolePrefix: rolePrefix)
        return IdentitySettings(environment: environment, secrets: secrets, jwks: jwks, policy: policy)
    }

    /// The verifier of these settings; its JWKS file reports reloads and failed re-reads to
    /// `logger`. Call only for settings read without problems.
    public func verifier(logger: Logger) throws -> JWTVerifier {
        var source: JWKSFile?
        if let (path, snapshot) = jwks {
            Self.logRefusedKeys(snapshot.keys, path: path, logger: logger)
            source = JWKSFile(path: path, initial: snapshot) { notice in
                switch notice {
                case .reloaded(let keys):
                    logger.info("JWKS file changed: its keys are in use", ["file": path, "keys": keys.description])
                    Self.logRefusedKeys(keys, path: path, logger: logger)
                case .reloadFailed(let reason):
                    logger.warning("JWKS file cannot be used; keeping the previous keys", ["file": path, "reason": reason])
                }
            }
        }
        let verifier: JWTVerifier
        do { verifier = try JWTVerifier(secrets: secrets, publicKeys: source, policy: policy) } catch {
            throw ConfigurationError(problems: [error.description])
        }
        var fields = [
            "environment": environment.rawValue,
            "algorithms": ((secrets != nil ? ["HS256"] : []) + (source != nil ? ["RS256", "ES256"] : [])).joined(separator: ","),
            "issuer": policy.issuer ?? "(not checked)", "audience": policy.audience ?? "(not checked)",
            "maxLifetimeSeconds": String(Int(policy.maximumLifetime)),
            "orgClaim": policy.organisationClaim.text, "rolesClaim": policy.rolesClaim.text, "rolePrefix": policy.rolePrefix,
        ]
        if let (path, snapshot) = jwks {
            fields["jwksFile"] = path
            fields["jwksKeys"] = snapshot.keys.description
        }
        logger.info("bearer tokens", fields)
        if let secrets {
            logger.warning("HS256 tokens are accepted (IAS_ENVIRONMENT=development): whoever holds IAS_JWT_SECRET can mint any token; production runs with IAS_ENVIRONMENT=production and the identity provider's keys",
                           ["keyIds": secrets.keyIds.joined(separator: ",")])
        }
        return verifier
    }

    private static func logRefusedKeys(_ keys: JSONWebKeySet, path: String, logger: Logger) {
        for reason in keys.refused {
            logger.warning("a key of the JWKS file is not used", ["file": path, "reason": reason])
        }
    }

    private static func claimName(_ reader: ConfigurationReader, _ key: String, _ text: String) -> ClaimName? {
        guard let name = ClaimName(text) else {
            reader.report("\(key)=\(text.prefix(80)) is not a claim name: 1...256 characters without blanks; a dotted path (realm_access.roles) names a nested member")
            return nil
        }
        return name
    }

    private static func isPlainValue(_ text: String) -> Bool {
        text.utf8.count <= maximumValueLength && !text.unicodeScalars.contains {
            $0.properties.isWhitespace || $0.properties.generalCategory == .control
        }
    }
}
