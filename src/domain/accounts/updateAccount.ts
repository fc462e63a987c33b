import type { Deps } from '../deps.js';
import { DomainError, type FieldIssue } from '../errors.js';
import { reallocateMeetings } from '../meetings/reallocateMeetings.js';
import type { Account, AccountType, DialInNumber, MeetingType } from './Account.js';
import { ensureRooms } from './ensureRooms.js';
import { requireAccountAdmin, type Actor } from './policies.js';

/**
 * Input of updateAccount (webmeeting-v6 §6.1 on E4): every field optional, already validated and normalised by
 * the dialect. Absent fields keep their values.
 */
export interface UpdateAccountInput {
  /** 1..255 characters. */
  name?: string;
  /** Instance key only, unless unchanged. */
  accountType?: AccountType;
  /** Epoch ms or null (never expires). Instance key only, unless unchanged; kept as given for every type. */
  paidUntil?: number | null;
  /** Limit on meetings that have not ended; 0 = unlimited. Instance key only, unless unchanged. */
  numberOfMeetings?: number;
  /** Limit on organizers, admins included; 0 = unlimited. Instance key only, unless unchanged. */
  numberOfMeetingOrganizers?: number;
  /** Room quota ≥ 1; a change provisions or deactivates rooms. Instance key only, unless unchanged. */
  numberOfMeetingRooms?: number;
  iceCandidatesToFilter?: string[];
  customDialInNumbers?: DialInNumber[];
  displayStandardDialInNumbersInInvite?: boolean;
  /** A permission set of this account, or null. */
  defaultMeetingPermissions?: string | null;
  defaultMeetingType?: MeetingType;
  defaultMeetingHasDialin?: boolean;
  defaultMeetingHasRecording?: boolean;
  autoExtendMeetings?: boolean;
  /** 0 = never. */
  autoDeleteMeetingsAfterXDays?: number;
}

/** The fields only an instance-level key may change (§6.1). */
export const INSTANCE_ONLY_ACCOUNT_FIELDS = ['accountType', 'paidUntil', 'numberOfMeetings', 'numberOfMeetingOrganizers', 'numberOfMeetingRooms'] as const;

/**
 * Updates an account's settings in one transaction (webmeeting-v6 E4). An account-level key may send the
 * instance-only fields only with their current values, so a round-tripped GET body passes (§6.1).
 * A room-quota change provisions missing rooms and deactivates those above the quota (§12.2); in the same
 * transaction the meetings of the rooms it deactivated that have not ended move to the active rooms, each with
 * an onMeetingUpdated event (see reallocateMeetings). Raising the quota again moves nothing back.
 * @throws DomainError permission.denied (other account, non-admin acting user), account.not_found,
 *   permission.forbidden_field (an instance-only field changed by an account key; every such field is named),
 *   validation.failed with `unknownReference` (defaultMeetingPermissions is not a set of this account).
 */
export async function updateAccount(deps: Deps, actor: Actor, accountId: string, input: UpdateAccountInput): Promise<Account> {
  requireAccountAdmin(actor, accountId);
  let moved = 0;
  const account = await deps.store.transaction(async (tx) => {
    // Locked: two concurrent updates would otherwise each write back the row they read, losing the other's fields.
    const current = await tx.accounts.getForUpdate(accountId, accountId);
    if (!current) throw new DomainError('account.not_found', 'account not found', [{ field: 'path.accountId', code: 'notFound', message: 'no such account' }]);
    if (actor.level !== 'instance') {
      const forbidden: FieldIssue[] = INSTANCE_ONLY_ACCOUNT_FIELDS.filter((f) => input[f] !== undefined && input[f] !== current[f]).map((f) => ({
        field: f,
        code: 'forbiddenField',
        message: `${f} may only be changed with an instance-level key`,
      }));
      if (forbidden.length > 0) throw new DomainError('permission.forbidden_field', 'field may only be changed with an instance-level key', forbidden);
    }
    if (input.defaultMeetingPermissions && !(await tx.permissionSets.get(accountId, input.defaultMeetingPermissions))) {
      throw new DomainError('validation.failed', 'Data not valid', [
        { field: 'defaultMeetingPermissions', code: 'unknownReference', message: 'no permission set with this id in the account' },
      ]);
    }
    const next: Account = { ...current, updatedAt: deps.clock.now() };
    for (const [k, v] of Object.entries(input) as Array<[keyof UpdateAccountInput, unknown]>) {
      if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
    }
    await tx.accounts.update(next);
    if (next.numberOfMeetingRooms !== current.numberOfMeetingRooms) {
      const wasActive = new Set((await tx.rooms.listByAccount(accountId)).filter((r) => r.isActive).map((r) => r.id));
      const rooms = await ensureRooms(tx, deps, next);
      const deactivated = rooms.filter((r) => !r.isActive && wasActive.has(r.id)).map((r) => r.id);
      moved = (await reallocateMeetings(tx, deps, next, rooms, deactivated)).length;
    }
    return next;
  });
  if (moved > 0) deps.notifyOutbox();
  return account;
}
