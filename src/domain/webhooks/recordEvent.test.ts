import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../storage/index.js';
import type { Store } from '../ports.js';
import { recordEvent } from './recordEvent.js';
import { testAccount, testHook, testIds, testMeeting, TestClock } from './testFixtures.js';

describe('recordEvent()', () => {
  let store: Store;
  const clock = new TestClock(Date.UTC(2024, 3, 7, 9, 1, 12));
  const ids = testIds();
  const accountId = ids.objectId();
  const meetingId = ids.objectId();

  beforeEach(async () => {
    store = await createStore({ url: ':memory:' });
    await store.accounts.insert(testAccount(accountId, clock.now()));
    await store.meetings.insert(testMeeting(meetingId, accountId, clock.now()));
  });
  afterEach(async () => {
    await store.close();
  });

  const record = (event: Parameters<typeof recordEvent>[2]['event'], extra: { occurredAt?: number; recurrenceId?: number | null } = {}) =>
    store.transaction(async (tx) => {
      const meeting = (await tx.meetings.get(accountId, meetingId))!;
      return recordEvent(tx, { clock, ids }, { event, meeting, payload: `{"id":"${meetingId}","n":1}`, ...extra });
    });

  it('consumes the per-meeting sequence even when no hook is configured', async () => {
    const a = await record('onMeetingScheduled');
    const b = await record('onMeetingUpdated');
    expect([a.sequence, b.sequence]).toEqual([1, 2]);
    expect((await store.outbox.listEvents({ meetingId, offset: 0, limit: 10 })).total).toBe(2);
    expect((await store.outbox.listDeliveries({ offset: 0, limit: 10 })).total).toBe(0);
    expect((await store.meetings.get(accountId, meetingId))!.eventSeq).toBe(2);
  });

  it('stores the event with a 24-hex id, the transaction time and the plain payload', async () => {
    const e = await record('onMeetingUpdated');
    expect(e.id).toMatch(/^[0-9a-f]{24}$/);
    expect(e).toMatchObject({ meetingId, accountId, occurredAt: clock.now(), recurrenceId: null, createdAt: clock.now() });
    expect(await store.outbox.getEvent(e.id)).toEqual(e);
  });

  it('keeps an explicit occurredAt and recurrenceId (auto-close, presence)', async () => {
    const e = await record('onMeetingClosed', { occurredAt: 1000, recurrenceId: 2000 });
    expect(e).toMatchObject({ occurredAt: 1000, recurrenceId: 2000 });
  });

  it('creates one pending delivery, due now, when the hook is enabled (plain format)', async () => {
    await store.webhookConfig.save(testHook('onMeetingUpdated', 'https://crm.example.com/hooks'));
    const e = await record('onMeetingUpdated');
    const { items } = await store.outbox.listDeliveries({ offset: 0, limit: 10 });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      eventId: e.id,
      event: 'onMeetingUpdated',
      sequence: 1,
      status: 'pending',
      attemptCount: 0,
      nextAttemptAt: clock.now(),
      firstAttemptDone: false,
      orderingUrl: 'https://crm.example.com/hooks',
      payloadFormat: 'plain',
      body: e.payload,
    });
  });

  it('renders the §11.4 envelope around the exact payload bytes', async () => {
    await store.webhookConfig.save(testHook('onMeetingClosed', 'https://crm.example.com/hooks', { payloadFormat: 'envelope' }));
    const e = await record('onMeetingClosed', { recurrenceId: Date.UTC(2024, 3, 1, 7) });
    const [d] = (await store.outbox.listDeliveries({ offset: 0, limit: 10 })).items;
    expect(d!.payloadFormat).toBe('envelope');
    expect(d!.body.endsWith(`,"data":${e.payload}}`)).toBe(true);
    expect(JSON.parse(d!.body)).toEqual({
      eventId: e.id,
      event: 'onMeetingClosed',
      sequence: 1,
      occurredAt: '2024-04-07T09:01:12.000Z',
      meeting: { id: meetingId, meetingId: '9974-7653-8899-9991', accountId },
      recurrenceId: '2024-04-01T07:00:00.000Z',
      data: JSON.parse(e.payload),
    });
  });

  it('creates no delivery for a disabled hook or a hook without URL', async () => {
    await store.webhookConfig.save(testHook('onMeetingUpdated', 'https://crm.example.com/hooks', { enabled: false }));
    await store.webhookConfig.save(testHook('onMeetingClosed', '', { url: null }));
    await record('onMeetingUpdated');
    await record('onMeetingClosed');
    expect((await store.outbox.listDeliveries({ offset: 0, limit: 10 })).total).toBe(0);
  });

  it('emits nothing, and uses no number, when the transaction rolls back', async () => {
    await store.webhookConfig.save(testHook('onMeetingUpdated', 'https://crm.example.com/hooks'));
    await expect(
      store.transaction(async (tx) => {
        const meeting = (await tx.meetings.get(accountId, meetingId))!;
        await recordEvent(tx, { clock, ids }, { event: 'onMeetingUpdated', meeting, payload: '{}' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect((await store.outbox.listEvents({ offset: 0, limit: 10 })).total).toBe(0);
    expect((await store.outbox.listDeliveries({ offset: 0, limit: 10 })).total).toBe(0);
    expect((await record('onMeetingUpdated')).sequence).toBe(1);
  });
});
