/**
 * Wire schemas of the Huawei sign-in and management routes (TypeBox). Response schemas list keys in the
 * vendor's order (FOUND order first, DESIGNED extras after, huawei-meeting.md §6.4): fast-json-stringify
 * serialises in schema order and drops unlisted keys, so they are both the key-order guarantee and the leak
 * fence. Request bodies are read by hand (managementInput.ts) for the per-field vendor codes; their schemas
 * here only feed OpenAPI.
 *
 * Every response object is built with {@link Ordered}, which makes all keys optional: fast-json-stringify
 * emits required keys before optional ones, which would move optional vendor keys (`accessToken`,
 * `chairJoinUri`, `confUUID`, …) out of their FOUND position. Presence is the presenters' job (and tested).
 */
import { Type, type TProperties, type TSchema } from 'typebox';

const Str = Type.String();
const Int = Type.Integer();
const Bool = Type.Boolean();

/** An object schema whose keys are serialised exactly in the listed order (all optional, see above). */
const Ordered = <P extends TProperties>(props: P) => Type.Partial(Type.Object(props));

/** Any JSON body (documented; checked by hand). */
export const AnyBody = Type.Unknown();

/** The service error body (§5.1). */
export const ErrorBody = Ordered({
  error_code: Str,
  error_msg: Str,
  error_detail: Str,
  request_id: Str,
});

/** 200 with `data` plus the documented error statuses. */
export function responses<T extends TSchema>(ok: T): Record<number, TSchema> {
  return { 200: ok, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody, 500: ErrorBody };
}

/** `{}` for routes without response parameters (§6.1). */
export const Empty = Type.Object({});

/** H1/H2 `user` (Go `CheckTokenResponse.user`, §2.2). */
export const AuthUserSchema = Ordered({
  userId: Str,
  ucloginAccount: Str,
  serviceAccount: Str,
  name: Str,
  userType: Int,
  adminType: Int,
  companyId: Str,
  status: Int,
  corpType: Int,
  appId: Str,
});

/** H1/H2 answer (§2.2, exact key set). */
export const AuthResponseSchema = Ordered({
  accessToken: Str,
  tokenIp: Str,
  validPeriod: Int,
  expireTime: Int,
  createTime: Int,
  clientType: Int,
  tokenType: Int,
  firstLogin: Bool,
  pwdExpired: Bool,
  delayDelete: Bool,
  user: AuthUserSchema,
});

/** `confConfigInfo` (Go `RestConfConfigDTO`), as sent and normalised. */
export const ConfConfigInfoSchema = Ordered({
  isSendNotify: Bool,
  isSendSms: Bool,
  isSendCalendar: Bool,
  isAutoMute: Bool,
  isHardTerminalAutoMute: Bool,
  isHostCameraOn: Bool,
  isGuestCameraOn: Bool,
  isGuestFreePwd: Bool,
  allowGuestStartConf: Bool,
  guestPwd: Str,
  callInRestriction: Int,
  enableWaitingRoom: Bool,
  vmrIDType: Int,
  prolongLength: Int,
});

/** `partAttendeeInfo[]`. */
export const PartAttendeeSchema = Ordered({
  name: Str,
  phone: Str,
  phone2: Str,
  phone3: Str,
  type: Str,
  role: Int,
  isMute: Int,
});

/** ConferenceInfo (Go `ConferenceInfo`, §6.4 key order; `onlineAttendeeAmount` H5 only, `role` H6 only). */
export const ConferenceInfoSchema = Ordered({
  conferenceID: Str,
  mediaTypes: Str,
  subject: Str,
  size: Int,
  timeZoneID: Str,
  startTime: Str,
  endTime: Str,
  conferenceState: Str,
  accessNumber: Str,
  language: Str,
  passwordEntry: Type.Array(Ordered({ conferenceRole: Str, password: Str })),
  userUUID: Str,
  scheduserName: Str,
  conferenceType: Int,
  confType: Str,
  isAutoMute: Int,
  isAutoRecord: Int,
  chairJoinUri: Str,
  guestJoinUri: Str,
  recordType: Int,
  confConfigInfo: ConfConfigInfoSchema,
  terminlCount: Int,
  normalCount: Int,
  confUUID: Str,
  partAttendeeInfo: Type.Array(PartAttendeeSchema),
  vmrFlag: Int,
  concurrentParticipants: Int,
  confMode: Str,
  onlineAttendeeAmount: Int,
  role: Str,
});

/** H3 answer: a top-level array (FOUND, §10.7). */
export const ConferenceInfoList = Type.Array(ConferenceInfoSchema);

/** H4/H5 page (FOUND shape). */
export const ConferencePage = Ordered({ offset: Int, limit: Int, count: Int, data: Type.Array(ConferenceInfoSchema) });

/** H6 invitee (Go `ParticipantInfo`). */
export const InviteeSchema = Ordered({
  participantID: Str,
  name: Str,
  role: Int,
  state: Str,
  address: Str,
  attendeeType: Str,
  accountId: Str,
  phone2: Str,
  phone3: Str,
  email: Str,
  sms: Str,
  deptName: Str,
  userUUID: Str,
  appId: Str,
  isAutoInvite: Int,
  isNotOverlayPidName: Bool,
});

/** H6 answer: `{conferenceData, data: PageParticipant}` (FOUND). */
export const ConferenceDetailSchema = Ordered({
  conferenceData: ConferenceInfoSchema,
  data: Ordered({ offset: Int, limit: Int, count: Int, data: Type.Array(InviteeSchema) }),
});
