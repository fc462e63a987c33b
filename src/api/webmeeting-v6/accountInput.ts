/** The account settings fields shared by E1 and E4 (webmeeting-v6 §6.1). */
import type { DialInNumber, MeetingType } from '../../domain/accounts/Account.js';
import type { Reader } from './validate.js';

const MEETING_TYPES = ['standard', 'webinar', 'meetme'] as const;
const E164 = /^\+[1-9]\d{6,14}$/;
/** The largest value of an SQL `integer` column (PostgreSQL is strict about it). */
const MAX_INT32 = 2_147_483_647;

/** The optional settings of an account, each validated; absent fields stay undefined. */
export interface AccountSettingsInput {
  numberOfMeetings?: number;
  numberOfMeetingOrganizers?: number;
  numberOfMeetingRooms?: number;
  iceCandidatesToFilter?: string[];
  customDialInNumbers?: DialInNumber[];
  displayStandardDialInNumbersInInvite?: boolean;
  defaultMeetingType?: MeetingType;
  defaultMeetingHasDialin?: boolean;
  defaultMeetingHasRecording?: boolean;
  autoExtendMeetings?: boolean;
  autoDeleteMeetingsAfterXDays?: number;
}

/** Reads the shared account settings. */
export function readAccountSettings(r: Reader): AccountSettingsInput {
  const out: AccountSettingsInput = {};
  const set = <K extends keyof AccountSettingsInput>(k: K, v: AccountSettingsInput[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  // The limits are stored in `integer` columns, which PostgreSQL refuses to overflow.
  set('numberOfMeetings', r.int('numberOfMeetings', { min: 0, max: MAX_INT32 }));
  set('numberOfMeetingOrganizers', r.int('numberOfMeetingOrganizers', { min: 0, max: MAX_INT32 }));
  set('numberOfMeetingRooms', r.int('numberOfMeetingRooms', { min: 1, max: 1000 }));
  const ice = r.array('iceCandidatesToFilter', { max: 50 });
  if (ice) {
    const items: string[] = [];
    ice.forEach((v, i) => {
      if (typeof v !== 'string' || v.trim() === '' || v.length > 100) r.fail(`${r.path('iceCandidatesToFilter')}[${i}]`, 'type', 'must be a candidate type or an IP/CIDR prefix');
      else items.push(v.trim());
    });
    out.iceCandidatesToFilter = items;
  }
  const dial = r.array('customDialInNumbers', { max: 50 });
  if (dial) {
    const items: DialInNumber[] = [];
    dial.forEach((_, i) => {
      const d = r.item(dial, i, 'customDialInNumbers');
      if (!d) return;
      const country = d.string('country', { required: true });
      const number = d.string('number', { required: true });
      if (country !== undefined && !/^[A-Za-z]{2}$/.test(country)) d.fail(d.path('country'), 'format', 'must be an ISO-3166 alpha-2 code');
      if (number !== undefined && !E164.test(number)) d.fail(d.path('number'), 'format', 'must be an E.164 number such as +41445550100');
      const displayNumber = d.string('displayNumber', { max: 50 });
      const label = d.string('label', { max: 100 });
      const tollFree = d.bool('tollFree');
      if (country && number) items.push({ country: country.toUpperCase(), number, ...(displayNumber ? { displayNumber } : {}), ...(label ? { label } : {}), ...(tollFree !== undefined ? { tollFree } : {}) });
    });
    out.customDialInNumbers = items;
  }
  set('displayStandardDialInNumbersInInvite', r.bool('displayStandardDialInNumbersInInvite'));
  const type = r.enum('defaultMeetingType', MEETING_TYPES);
  if (type) out.defaultMeetingType = type;
  set('defaultMeetingHasDialin', r.bool('defaultMeetingHasDialin'));
  set('defaultMeetingHasRecording', r.bool('defaultMeetingHasRecording'));
  set('autoExtendMeetings', r.bool('autoExtendMeetings'));
  set('autoDeleteMeetingsAfterXDays', r.int('autoDeleteMeetingsAfterXDays', { min: 0, max: 36500 }));
  return out;
}
