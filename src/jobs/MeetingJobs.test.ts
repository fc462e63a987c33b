/**
 * MeetingJobs with an injected clock: auto-close (webmeeting-v6 §8.7) and auto-delete (§8.11).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../../test/support/app.js';
import type { Actor } from '../domain/accounts/policies.js';
import { cancelOccurrence } from '../domain/meetings/cancelOccurrence.js';
import { closeMeeting } from '../domain/meetings/closeMeeting.js';
import type { Meeting } from '../domain/meetings/Meeting.js';
import { scheduleMeeting, type ScheduleMeetingInput } from '../domain/meetings/scheduleMeeting.js';
import { setOccurrenceOverride } from '../domain/meetings/setOccurrenceOverride.js';
import { FixedClock } from '../infra/ids.js';
import { AUTO_CLOSE_WATERMARK, AUTO_DELETE_LAST_RUN, MeetingJobs, type JobLogger } from './MeetingJobs.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.parse('2024-05-06T08:00:00.000Z'); // a Monday

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A logger that keeps what it was told, so tests can assert that nothing failed. */
function memoryLogger(): JobLogger & { errors: unknown[]; infos: unknown[] } {
  const errors: unknown[] = [];
  const infos: unknown[] = [];
  return { errors, infos, info: (o) => void infos.push(o), error: (o) => void errors.push(o) };
}

async function setup(o: { autoExtend?: boolean; env?: Record<string, string> } = {}) {
  const clock = new FixedClock(T0);
  h = await harness({ clock, ...(o.env ? { env: o.env } : {}) });
  const acc = await h.newAccount(undefined, { autoExtendMeetings: o.autoExtend ?? false });
  const user = await h.store.users.get('*', acc.adminId);
  const actor: Actor = { level: 'instance', accountId: null, user: user ?? null, credentialId: 'test' };
  const logger = memoryLogger();
  const jobs = new MeetingJobs({ deps: h.deps, logger });
  const schedule = async (input: Partial<ScheduleMeetingInput> & { startTime: number }): Promise<Meeting> =>
    (await scheduleMeeting(h!.deps, actor, { topic: 'Sync', durationMin: 60, timezone: 'UTC', ...input })).meeting;
  const closes = async (meetingId: string) => (await h!.store.outbox.listEvents({ meetingId, event: 'onMeetingClosed', offset: 0, limit: 100 })).items;
  return { h, clock, acc, actor, jobs, logger, schedule, closes };
}

describe('MeetingJobs.runAutoClose', () => {
  it('closes a window once, at its end, with occurredAt = the window end', async () => {
    const { h, clock, jobs, logger, schedule, closes } = await setup();
    const m = await schedule({ startTime: T0 + 2 * HOUR }); // 10:00–11:00Z, no grace
    expect(await jobs.runAutoClose()).toBe(0);
    expect(await h.store.settings.get(AUTO_CLOSE_WATERMARK)).toBe(String(T0));

    clock.set(T0 + 3 * HOUR - 1); // 10:59:59.999: the window has not ended
    expect(await jobs.runAutoClose()).toBe(0);
    clock.set(T0 + 3 * HOUR + 30_000);
    expect(await jobs.runAutoClose()).toBe(1);
    const stored = await h.store.meetings.get('*', m.id);
    expect(stored?.dtClosedAt).toBe(T0 + 3 * HOUR);
    const events = await closes(m.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: 'onMeetingClosed', occurredAt: T0 + 3 * HOUR, recurrenceId: null, sequence: 2 });
    // The payload is the Meeting after the close.
    expect(JSON.parse(events[0]!.payload)).toMatchObject({ id: m.id, dtClosedAt: '2024-05-06T11:00:00.000Z', isClosed: true });

    clock.advance(MIN);
    expect(await jobs.runAutoClose()).toBe(0);
    // Running again for the same instant (a second node, a retried tick) adds nothing either.
    await h.store.settings.set(AUTO_CLOSE_WATERMARK, String(T0));
    expect(await jobs.runAutoClose()).toBe(0);
    expect(await closes(m.id)).toHaveLength(1);
    expect(logger.errors).toEqual([]);
  });

  it('waits for the auto-extension cap when the account extends meetings', async () => {
    const { clock, jobs, schedule, closes } = await setup({ autoExtend: true });
    const m = await schedule({ startTime: T0 + 2 * HOUR });
    await jobs.runAutoClose();
    clock.set(T0 + 3 * HOUR + MIN);
    expect(await jobs.runAutoClose()).toBe(0);
    clock.set(T0 + 4 * HOUR + MIN); // end + AUTO_EXTEND_MIN (60)
    expect(await jobs.runAutoClose()).toBe(1);
    expect((await closes(m.id))[0]?.occurredAt).toBe(T0 + 4 * HOUR);
  });

  it('catches up after downtime: one event per ended occurrence, in order, with each recurrenceId', async () => {
    const { h, clock, jobs, schedule, closes } = await setup();
    const m = await schedule({ startTime: T0 + 2 * HOUR, isRecurring: true, recurring: { frequencyType: 'weekly', endsType: 'after', endsAfter: 4 } });
    await jobs.runAutoClose();
    // The process was down for 15 days: the first three weekly windows ended meanwhile.
    clock.set(T0 + 15 * DAY);
    const fresh = new MeetingJobs({ deps: h.deps, logger: memoryLogger() });
    expect(await fresh.runAutoClose()).toBe(3);
    const events = await closes(m.id);
    const starts = [0, 7, 14].map((d) => T0 + 2 * HOUR + d * DAY);
    expect(events.map((e) => ({ occurredAt: e.occurredAt, recurrenceId: e.recurrenceId }))).toEqual(starts.map((s) => ({ occurredAt: s + HOUR, recurrenceId: s })));
    expect(events.map((e) => e.sequence)).toEqual([2, 3, 4]);
    expect((await h.store.meetings.get('*', m.id))?.dtClosedAt).toBe(starts[2]! + HOUR);
  });

  it('fires nothing for a window closed by hand, and closes the next one as usual', async () => {
    const { h, clock, actor, jobs, schedule, closes } = await setup();
    const m = await schedule({ startTime: T0 + 2 * HOUR, isRecurring: true, recurring: { frequencyType: 'daily', endsType: 'after', endsAfter: 2 } });
    await jobs.runAutoClose();
    clock.set(T0 + 2 * HOUR + 10 * MIN);
    const manual = await closeMeeting(h.deps, actor, { id: m.id });
    expect(manual.closed).toBe(true);
    clock.set(T0 + 3 * HOUR + MIN);
    expect(await jobs.runAutoClose()).toBe(0);
    expect((await h.store.meetings.get('*', m.id))?.dtClosedAt).toBe(T0 + 2 * HOUR + 10 * MIN);
    clock.set(T0 + DAY + 3 * HOUR + MIN);
    expect(await jobs.runAutoClose()).toBe(1);
    const events = await closes(m.id);
    expect(events.map((e) => e.recurrenceId)).toEqual([T0 + 2 * HOUR, T0 + DAY + 2 * HOUR]);
    expect(events[1]?.occurredAt).toBe(T0 + DAY + 3 * HOUR);
  });

  it('fires nothing for windows that had ended when the meeting was created (C8)', async () => {
    const { h, clock, jobs, schedule, closes } = await setup();
    await jobs.runAutoClose();
    clock.set(T0 + 5 * MIN);
    // Scheduled at 08:05 for 07:00–08:00 and 08:00–08:04: both ended before creation, within the job's range.
    const a = await schedule({ startTime: T0 - HOUR });
    const b = await schedule({ startTime: T0, durationMin: 4 });
    clock.set(T0 + 6 * MIN);
    expect(await jobs.runAutoClose()).toBe(0);
    expect(await closes(a.id)).toEqual([]);
    expect(await closes(b.id)).toEqual([]);
    expect((await h.store.meetings.get('*', a.id))?.dtClosedAt).toBeNull();
  });

  it('follows the effective occurrences: nothing for a cancelled one, the moved end for an override', async () => {
    const { h, clock, actor, jobs, schedule, closes } = await setup();
    const m = await schedule({ startTime: T0 + 2 * HOUR, isRecurring: true, recurring: { frequencyType: 'daily', endsType: 'after', endsAfter: 3 } });
    await cancelOccurrence(h.deps, actor, { meetingId: m.id, recurrenceId: T0 + 2 * HOUR, notify: false });
    const second = T0 + DAY + 2 * HOUR;
    await setOccurrenceOverride(h.deps, actor, { meetingId: m.id, recurrenceId: second, notify: false, startTime: second + 3 * HOUR });
    await jobs.runAutoClose();
    clock.set(T0 + DAY + 4 * HOUR); // the original second window would have ended at 11:00
    expect(await jobs.runAutoClose()).toBe(0);
    clock.set(T0 + DAY + 6 * HOUR); // the moved one ends at 14:00
    expect(await jobs.runAutoClose()).toBe(1);
    const events = await closes(m.id);
    expect(events.map((e) => ({ occurredAt: e.occurredAt, recurrenceId: e.recurrenceId }))).toEqual([{ occurredAt: second + 4 * HOUR, recurrenceId: second }]);
  });

  it('skips deleted meetings and keeps the watermark in the store', async () => {
    const { h, clock, actor, jobs, schedule, closes } = await setup();
    const m = await schedule({ startTime: T0 + 2 * HOUR });
    await jobs.runAutoClose();
    const { deleteMeeting } = await import('../domain/meetings/deleteMeeting.js');
    await deleteMeeting(h.deps, actor, { id: m.id, notify: false });
    clock.set(T0 + 4 * HOUR);
    expect(await jobs.runAutoClose()).toBe(0);
    expect(await closes(m.id)).toEqual([]);
    expect(await h.store.settings.get(AUTO_CLOSE_WATERMARK)).toBe(String(T0 + 4 * HOUR));
  });
});

describe('MeetingJobs.runAutoDelete', () => {
  it('deletes series that ended more than X days ago, with onMeetingDeleted, and keeps the rest', async () => {
    const { h, jobs, schedule, acc } = await setup();
    const account = await h.store.accounts.get('*', acc.accountId);
    await h.store.accounts.update({ ...account!, autoDeleteMeetingsAfterXDays: 30 });
    const old = await schedule({ startTime: T0 - 31 * DAY - HOUR }); // ended 31 days ago
    const recent = await schedule({ startTime: T0 - 29 * DAY - HOUR });
    const endless = await schedule({ startTime: T0 - 400 * DAY, isRecurring: true, recurring: { frequencyType: 'weekly', endsType: 'never' } });
    const series = await schedule({ startTime: T0 - 60 * DAY, isRecurring: true, recurring: { frequencyType: 'daily', endsType: 'after', endsAfter: 3 } });

    expect(await jobs.runAutoDelete()).toBe(2);
    expect(await h.store.meetings.get('*', old.id)).toBeUndefined();
    expect(await h.store.meetings.get('*', series.id)).toBeUndefined();
    expect((await h.store.meetings.getAny('*', old.id))?.deletedAt).toBe(T0);
    expect(await h.store.meetings.get('*', recent.id)).toBeDefined();
    expect(await h.store.meetings.get('*', endless.id)).toBeDefined();
    const deleted = await h.store.outbox.listEvents({ meetingId: old.id, event: 'onMeetingDeleted', offset: 0, limit: 10 });
    expect(deleted.total).toBe(1);
    expect(JSON.parse(deleted.items[0]!.payload)).toMatchObject({ id: old.id });
    expect((await h.store.mail.list({ offset: 0, limit: 100 })).items.filter((x) => x.template === 'meetingCancelled')).toEqual([]);
    expect(await h.store.settings.get(AUTO_DELETE_LAST_RUN)).toBe(String(T0));
    expect(await jobs.runAutoDelete()).toBe(0);
  });

  it('leaves accounts with autoDeleteMeetingsAfterXDays = 0 alone', async () => {
    const { h, jobs, schedule, acc } = await setup();
    const account = await h.store.accounts.get('*', acc.accountId);
    await h.store.accounts.update({ ...account!, autoDeleteMeetingsAfterXDays: 0 });
    const old = await schedule({ startTime: T0 - 5000 * DAY });
    expect(await jobs.runAutoDelete()).toBe(0);
    expect(await h.store.meetings.get('*', old.id)).toBeDefined();
  });
});

describe('MeetingJobs timer', () => {
  it('start() runs both jobs at once, auto-delete at most daily; stop() waits for the run', async () => {
    const { h, clock, jobs, schedule, acc, logger } = await setup();
    const account = await h.store.accounts.get('*', acc.accountId);
    await h.store.accounts.update({ ...account!, autoDeleteMeetingsAfterXDays: 1 });
    const old = await schedule({ startTime: T0 - 3 * DAY });
    jobs.start();
    jobs.start();
    await jobs.stop();
    expect(await h.store.settings.get(AUTO_CLOSE_WATERMARK)).toBe(String(T0));
    expect(await h.store.settings.get(AUTO_DELETE_LAST_RUN)).toBe(String(T0));
    expect(await h.store.meetings.get('*', old.id)).toBeUndefined();

    const later = await schedule({ startTime: T0 - 3 * DAY });
    clock.advance(HOUR);
    const again = new MeetingJobs({ deps: h.deps, logger, intervalMs: 10 });
    again.start();
    await again.stop();
    // Less than a day since the last auto-delete: only auto-close ran.
    expect(await h.store.meetings.get('*', later.id)).toBeDefined();
    expect(await h.store.settings.get(AUTO_CLOSE_WATERMARK)).toBe(String(T0 + HOUR));
    expect(logger.errors).toEqual([]);
  });
});
