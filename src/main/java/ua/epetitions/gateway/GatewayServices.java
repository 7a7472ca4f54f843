package ua.epetitions.gateway;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import ua.epetitions.gateway.config.GatewayConfig;
import ua.epetitions.gateway.identity.DevIdentityIssuer;
import ua.epetitions.gateway.ops.GatewayMeters;
import ua.epetitions.gateway.ops.HealthChecks;
import ua.epetitions.gateway.ops.HotPetitions;
import ua.epetitions.gateway.petition.PetitionService;
import ua.epetitions.gateway.signing.SigningKeys;
import ua.epetitions.gateway.signing.SigningRecovery;
import ua.epetitions.gateway.signing.SigningState;
import ua.epetitions.gateway.store.CommunityStore;
import ua.epetitions.gateway.store.PetitionStore;
import ua.epetitions.gateway.store.SettingsStore;
import ua.epetitions.gateway.store.StatsStore;

/**
 * What the verticles share: thread-safe clients and stores. Anything with per-thread state (the
 * token verifier) is created by each verticle instance from these parts.
 *
 * @param devIssuer null when the development issuer is off
 */
public record GatewayServices(
    GatewayConfig config,
    Pool pool,
    Redis redis,
    CommunityStore communities,
    PetitionStore petitions,
    StatsStore stats,
    SettingsStore settings,
    PetitionService petitionService,
    SigningKeys signingKeys,
    SigningState signingState,
    SigningRecovery signingRecovery,
    HealthChecks health,
    GatewayMeters meters,
    HotPetitions hotPetitions,
    DevIdentityIssuer devIssuer,
    JWKSource<SecurityContext> identityKeys,
    String signerPepper,
    String adminToken) {}
