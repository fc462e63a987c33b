/** Builds the full set of repositories over one Kysely executor (the database or a transaction). */
import type { Kysely } from 'kysely';
import type { Repositories } from '../../domain/ports.js';
import type { SqlCapabilities } from './capabilities.js';
import type { Database } from './schema.js';
import { SqlAccountRepository } from './SqlAccountRepository.js';
import { SqlApiKeyRepository } from './SqlApiKeyRepository.js';
import { SqlIdempotencyRepository } from './SqlIdempotencyRepository.js';
import { SqlMailRepository } from './SqlMailRepository.js';
import { SqlMeetingRepository } from './SqlMeetingRepository.js';
import { SqlOutboxRepository } from './SqlOutboxRepository.js';
import { SqlPasswordTokenRepository } from './SqlPasswordTokenRepository.js';
import { SqlPermissionSetRepository } from './SqlPermissionSetRepository.js';
import { SqlRecordingRepository } from './SqlRecordingRepository.js';
import { SqlRoomRepository } from './SqlRoomRepository.js';
import { SqlSettingsRepository } from './SqlSettingsRepository.js';
import { SqlUserRepository } from './SqlUserRepository.js';
import { SqlWebhookConfigRepository } from './SqlWebhookConfigRepository.js';
import { SqlConferenceRepository } from './SqlConferenceRepository.js';
import { SqlParticipantRepository } from './SqlParticipantRepository.js';
import { SqlRosterRepository } from './SqlRosterRepository.js';
import { SqlLiveEventRepository } from './SqlLiveEventRepository.js';
import { SqlMeetingSecretsRepository } from './SqlMeetingSecretsRepository.js';
import { SqlAccessTokenRepository } from './SqlAccessTokenRepository.js';
import { SqlControlTokenRepository } from './SqlControlTokenRepository.js';
import { SqlAppCredentialRepository } from './SqlAppCredentialRepository.js';
import { SqlNonceRepository } from './SqlNonceRepository.js';
import { SqlAuthThrottleRepository } from './SqlAuthThrottleRepository.js';

/**
 * Every repository bound to `db`. Pass a `Transaction<Database>` to make all of them write in that
 * transaction; the objects are cheap, so a unit of work builds a fresh set.
 */
export function createRepositories(db: Kysely<Database>, caps: SqlCapabilities): Repositories {
  return {
    accounts: new SqlAccountRepository(db, caps),
    users: new SqlUserRepository(db, caps),
    apiKeys: new SqlApiKeyRepository(db, caps),
    rooms: new SqlRoomRepository(db, caps),
    permissionSets: new SqlPermissionSetRepository(db, caps),
    meetings: new SqlMeetingRepository(db, caps),
    outbox: new SqlOutboxRepository(db, caps),
    webhookConfig: new SqlWebhookConfigRepository(db, caps),
    idempotency: new SqlIdempotencyRepository(db, caps),
    mail: new SqlMailRepository(db, caps),
    passwordTokens: new SqlPasswordTokenRepository(db, caps),
    settings: new SqlSettingsRepository(db, caps),
    conferences: new SqlConferenceRepository(db, caps),
    participants: new SqlParticipantRepository(db, caps),
    roster: new SqlRosterRepository(db, caps),
    liveEvents: new SqlLiveEventRepository(db, caps),
    meetingSecrets: new SqlMeetingSecretsRepository(db, caps),
    accessTokens: new SqlAccessTokenRepository(db, caps),
    controlTokens: new SqlControlTokenRepository(db, caps),
    appCredentials: new SqlAppCredentialRepository(db, caps),
    nonces: new SqlNonceRepository(db, caps),
    authThrottle: new SqlAuthThrottleRepository(db, caps),
    recordings: new SqlRecordingRepository(db, caps),
  };
}
