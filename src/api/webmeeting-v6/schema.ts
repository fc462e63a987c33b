/**
 * v6 wire schemas (TypeBox). Response schemas list keys in FOUND order: fast-json-stringify serialises in
 * schema order and drops unlisted keys, so they are both the key-order guarantee and the leak fence.
 * Request bodies are read by validate.ts (lenient rules, every issue collected); their schemas here feed OpenAPI.
 */
import { Type, type TSchema } from 'typebox';

/** `{responseCode: 0, data}` (§2.2). */
export const Ok = <T extends TSchema>(data: T) => Type.Object({ responseCode: Type.Literal(0), data });

/** The error envelope (§2.2). */
export const ErrorBody = Type.Object({
  responseCode: Type.Integer({ maximum: -1 }),
  responseMessage: Type.String(),
  data: Type.Array(Type.Object({ field: Type.Union([Type.String(), Type.Null()]), code: Type.String(), message: Type.String() })),
});

const Str = Type.String();
const NullStr = Type.Union([Type.String(), Type.Null()]);
const Bool = Type.Boolean();
const Int = Type.Integer();

/** §8.10 */
export const DialInNumberSchema = Type.Object({
  country: Str,
  number: Str,
  displayNumber: Type.Optional(Str),
  label: Type.Optional(Str),
  tollFree: Type.Optional(Bool),
});

/** §12.2 */
export const RoomSchema = Type.Object({ id: Str, accountId: Str, name: Str, index: Int, isActive: Bool, createdAt: Str });

/** §6.2, FOUND order. */
export const AccountSchema = Type.Object({
  name: Str,
  accountType: Str,
  numberOfMeetings: Int,
  numberOfMeetingOrganizers: Int,
  numberOfMeetingRooms: Int,
  paidUntil: NullStr,
  iceCandidatesToFilter: Type.Array(Str),
  customDialInNumbers: Type.Array(DialInNumberSchema),
  displayStandardDialInNumbersInInvite: Bool,
  defaultMeetingPermissions: NullStr,
  defaultMeetingType: Str,
  defaultMeetingHasDialin: Bool,
  defaultMeetingHasRecording: Bool,
  autoExtendMeetings: Bool,
  autoDeleteMeetingsAfterXDays: Int,
  id: Str,
  canAddMeetingOrganizer: Bool,
  accountRooms: Type.Array(RoomSchema),
  createdAt: Str,
  isExpired: Bool,
});

/** §7.1, FOUND order. */
export const UserSchema = Type.Object({
  email: Str,
  firstName: Str,
  lastName: Str,
  externalUserId: NullStr,
  preferredLanguage: Str,
  timezone: Str,
  additionalTimezones: Type.Array(Str),
  id: Str,
  icsToken: Str,
  icsPath: Str,
  accountId: Str,
  isAdmin: Bool,
  createdAt: Str,
});

/** §12.3 (no secret). */
export const ApiKeySchema = Type.Object({
  id: Str,
  name: Str,
  permissions: Type.Array(Str),
  level: Str,
  accountId: NullStr,
  createdAt: Str,
  revokedAt: NullStr,
});

/** §12.3, E12: the secret, shown once. */
export const CreatedApiKeySchema = Type.Object({ ...ApiKeySchema.properties, key: Str });

/** §12.1 */
export const PermissionSetSchema = Type.Object({
  id: Str,
  accountId: Str,
  name: Str,
  participantsCanShareScreen: Bool,
  participantsCanUseChat: Bool,
  participantsCanShareDocuments: Bool,
  participantsCanUseWhiteboard: Bool,
  participantsCanSeeParticipantList: Bool,
  participantsCanUnmuteThemselves: Bool,
  participantsCanStartVideo: Bool,
  guestsWaitInLobby: Bool,
  moderatorRequiredToStart: Bool,
  createdAt: Str,
  updatedAt: Str,
});

/** `{id, deleted: true}` of the delete endpoints. */
export const Deleted = Type.Object({ id: Str, deleted: Bool });

/** The 24-hex path id, for OpenAPI (validation is in the handler so that a bad id names `path.<name>`). */
export const Hex24 = Type.String({ pattern: '^[0-9a-f]{24}$' });

/** Standard responses of a route returning `data`. */
export const responses = <T extends TSchema>(data: T) => ({ 200: Ok(data), '4xx': ErrorBody, '5xx': ErrorBody });

/** A loose object body for OpenAPI; the handler validates it. */
export const AnyBody = Type.Object({}, { additionalProperties: true });
