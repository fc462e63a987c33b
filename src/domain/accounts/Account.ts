/** Account types (webmeeting-v6 §6.1). */
export type AccountType = 'trial' | 'paid' | 'free';
/** Meeting types (webmeeting-v6 §8.1). */
export type MeetingType = 'standard' | 'webinar' | 'meetme';

/** A dial-in number (webmeeting-v6 §8.10). */
export interface DialInNumber {
  country: string;
  number: string;
  displayNumber?: string | undefined;
  label?: string | undefined;
  tollFree?: boolean | undefined;
}

/** A tenant: organizers, meetings, rooms, keys and permission sets belong to exactly one account. */
export interface Account {
  id: string;
  name: string;
  accountType: AccountType;
  /** Epoch ms, or null for never. */
  paidUntil: number | null;
  numberOfMeetings: number;
  numberOfMeetingOrganizers: number;
  numberOfMeetingRooms: number;
  iceCandidatesToFilter: string[];
  customDialInNumbers: DialInNumber[];
  displayStandardDialInNumbersInInvite: boolean;
  defaultMeetingPermissions: string | null;
  defaultMeetingType: MeetingType;
  defaultMeetingHasDialin: boolean;
  defaultMeetingHasRecording: boolean;
  autoExtendMeetings: boolean;
  autoDeleteMeetingsAfterXDays: number;
  createdAt: number;
  updatedAt: number;
}

/** True when the account's paid period is over. */
export function isExpired(account: Account, now: number): boolean {
  return account.paidUntil !== null && account.paidUntil < now;
}
