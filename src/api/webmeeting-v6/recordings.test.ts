/**
 * Recordings through the v6 API: E41 list and E42 download with byte ranges (webmeeting-v6 §12.4), with the
 * §3 auth and scope rules. Nothing records yet, so rows come through the repository and files from a temp dir.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harness, INSTANCE_KEY, type Harness } from '../../../test/support/app.js';
import { as, expectError, expectRejected, issueKey, UNKNOWN_ID } from '../../../test/support/accountAdmin.js';
import { buildApp } from '../../app.js';
import { recordingExtension, type Recording } from '../../domain/recordings/Recording.js';
import { readRange } from './recordings.js';

/** A JSON object from a response body; tests read its fields freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;

const dir = mkdtempSync(join(tmpdir(), 'convene-recordings-'));
/** 1000 bytes whose value is their offset mod 251, so any slice is recognisable. */
const CONTENT = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
const FILE = join(dir, 'meeting.webm');
const EMPTY = join(dir, 'empty.ogg');
writeFileSync(FILE, CONTENT);
writeFileSync(EMPTY, Buffer.alloc(0));
mkdirSync(join(dir, 'a-directory'));

let h: Harness;
let A: { accountId: string; adminId: string };
let B: { accountId: string; adminId: string };
let organizer: { id: string };
/** Meeting-permission account key of A. */
let keyA: string;

beforeAll(async () => {
  h = await harness();
  A = await h.newAccount();
  B = await h.newAccount();
  const res = await h.call('POST', `/api/v6/account/user/${A.accountId}`, { email: `otto-${A.accountId}@example.com`, firstName: 'Otto', lastName: 'Organizer' });
  organizer = { id: res.json().data.id };
  keyA = await issueKey(h, 'account', A.accountId, ['meeting']);
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

async function schedule(body: Record<string, unknown> = {}, userId = A.adminId): Promise<Data> {
  const res = await h.call('POST', '/api/v6/meeting', { topic: 'Recorded', startTime: '2030-01-07T09:00:00Z', duration: 60, ...body }, { 'x-user-id': userId });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

/** Writes a recording row of `meeting` through the repository. */
async function addRecording(meeting: Data, over: Partial<Recording> = {}): Promise<Recording> {
  const startedAt = Date.UTC(2030, 0, 7, 9, 1);
  const r: Recording = {
    id: h.deps.ids.objectId(),
    accountId: meeting.accountId,
    meetingId: meeting.id,
    recurrenceId: null,
    startedAt,
    endedAt: startedAt + 3_650_000,
    durationSeconds: 3_650,
    sizeBytes: CONTENT.length,
    mimeType: 'video/webm',
    storagePath: FILE,
    createdAt: startedAt + 3_700_000,
    ...over,
  };
  await h.store.recordings.insert(r);
  return r;
}

const download = (id: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
  h.app.inject({ method, url: `/api/v6/recording/${id}/download`, headers: { 'x-api-key': INSTANCE_KEY, ...headers } });

describe('E41 GET /meeting/{id}/recordings', () => {
  it('lists the meeting\u2019s recordings oldest first, with ISO times, the download URL and X-Total-Count', async () => {
    const m = await schedule({ isRecurring: true, recurring: { frequencyType: 'weekly', endsType: 'after', endsAfter: 3 } });
    const second = await addRecording(m, { startedAt: Date.UTC(2030, 0, 14, 9), endedAt: Date.UTC(2030, 0, 14, 9, 30), durationSeconds: 1_800, recurrenceId: Date.UTC(2030, 0, 14, 9), sizeBytes: 5_000_000_000, mimeType: 'audio/ogg' });
    const first = await addRecording(m, { recurrenceId: Date.UTC(2030, 0, 7, 9) });
    await addRecording(await schedule());
    const res = await h.call('GET', `/api/v6/meeting/${m.id}/recordings`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['x-total-count']).toBe('2');
    expect(res.json()).toEqual({
      responseCode: 0,
      data: [
        {
          id: first.id,
          recurrenceId: '2030-01-07T09:00:00.000Z',
          startedAt: '2030-01-07T09:01:00.000Z',
          endedAt: '2030-01-07T10:01:50.000Z',
          durationSeconds: 3_650,
          sizeBytes: 1_000,
          mimeType: 'video/webm',
          url: `https://meet.example.com/api/v6/recording/${first.id}/download`,
        },
        {
          id: second.id,
          recurrenceId: '2030-01-14T09:00:00.000Z',
          startedAt: '2030-01-14T09:00:00.000Z',
          endedAt: '2030-01-14T09:30:00.000Z',
          durationSeconds: 1_800,
          sizeBytes: 5_000_000_000,
          mimeType: 'audio/ogg',
          url: `https://meet.example.com/api/v6/recording/${second.id}/download`,
        },
      ],
    });
    expect(Object.keys(res.json().data[0])).toEqual(['id', 'recurrenceId', 'startedAt', 'endedAt', 'durationSeconds', 'sizeBytes', 'mimeType', 'url']);
    const paged = await h.call('GET', `/api/v6/meeting/${m.id}/recordings?offset=1&limit=1`);
    expect(paged.headers['x-total-count']).toBe('2');
    expect(paged.json().data.map((r: Data) => r.id)).toEqual([second.id]);
  });

  it('shows recurrenceId null for a non-recurring meeting, and an empty list where nothing was recorded', async () => {
    const m = await schedule();
    const r = await addRecording(m);
    expect((await h.call('GET', `/api/v6/meeting/${m.id}/recordings`)).json().data).toEqual([expect.objectContaining({ id: r.id, recurrenceId: null })]);
    const none = await h.call('GET', `/api/v6/meeting/${(await schedule()).id}/recordings`);
    expect(none.json()).toEqual({ responseCode: 0, data: [] });
    expect(none.headers['x-total-count']).toBe('0');
  });

  it('the listed url is the E42 route that serves the file', async () => {
    const m = await schedule();
    await addRecording(m);
    const [item] = (await h.call('GET', `/api/v6/meeting/${m.id}/recordings`)).json().data;
    const res = await download(new URL(item.url).pathname.split('/')[4] as string);
    expect(res.statusCode).toBe(200);
    expect(new URL(item.url).pathname).toBe(`/api/v6/recording/${item.id}/download`);
  });

  it('rejects bad paging with every issue at once', async () => {
    const m = await schedule();
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/${m.id}/recordings?offset=-1&limit=501`), 400, -4, [
      { field: 'query.offset', code: 'min' },
      { field: 'query.limit', code: 'max' },
    ]);
    await expectRejected(h, () => h.call('GET', `/api/v6/meeting/${m.id}/recordings?offset=x&limit=0`), 400, -4, [
      { field: 'query.offset', code: 'type' },
      { field: 'query.limit', code: 'min' },
    ]);
  });

  it('refuses what §3 refuses and writes nothing', async () => {
    const m = await schedule();
    await addRecording(m);
    const list = (id: string, headers: Record<string, string>) => h.app.inject({ method: 'GET', url: `/api/v6/meeting/${id}/recordings`, headers });
    const accountOnly = await issueKey(h, 'account', A.accountId, ['account']);
    const instanceAccountOnly = await issueKey(h, 'instance', null, ['account']);
    const keyB = await issueKey(h, 'account', B.accountId, ['meeting']);
    await expectRejected(h, () => list(m.id, {}), 401, -1);
    await expectRejected(h, () => list(m.id, as('not-a-key')), 401, -1);
    await expectRejected(h, () => list(m.id, as(accountOnly)), 403, -3);
    await expectRejected(h, () => list(m.id, as(instanceAccountOnly)), 403, -3);
    await expectRejected(h, () => list(m.id, as(keyB)), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
    await expectRejected(h, () => list(m.id, as(INSTANCE_KEY, { 'x-user-id': B.adminId })), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
    await expectRejected(h, () => list(UNKNOWN_ID, as(keyA)), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
    await expectRejected(h, () => list('5e945c36b863b82cefdddf5', as(keyA)), 400, -4, [{ field: 'path.id', code: 'format' }]);
    await expectRejected(h, () => list(m.id, as(keyA, { 'x-user-id': organizer.id })), 403, -3);
    await expectRejected(h, () => list(m.id, as(keyA, { 'x-user-id': B.adminId })), 401, -2);
    await expectRejected(h, () => list(m.id, as(keyA, { 'x-user-id': 'nope' })), 401, -2);
    const own = await schedule({}, organizer.id);
    expect((await list(own.id, as(keyA, { 'x-user-id': organizer.id }))).statusCode).toBe(200);
    await h.call('DELETE', `/api/v6/meeting/${own.id}`);
    await expectRejected(h, () => list(own.id, as(keyA)), 404, -5, [{ field: 'path.id', code: 'notFound' }]);
  });
});

describe('E42 GET /recording/{recordingId}/download', () => {
  let m: Data;
  let rec: Recording;
  beforeAll(async () => {
    m = await schedule();
    rec = await addRecording(m);
  });

  it('streams the whole file as an attachment with the recording\u2019s type and length', async () => {
    const res = await download(rec.id);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(CONTENT)).toBe(true);
    expect(res.headers['content-type']).toBe('video/webm');
    expect(res.headers['content-length']).toBe('1000');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="recording-${rec.id}.webm"`);
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-range']).toBeUndefined();
  });

  it('answers a single byte range with 206 and Content-Range', async () => {
    const cases: Array<[string, number, number]> = [
      ['bytes=0-99', 0, 99],
      ['bytes=990-', 990, 999],
      ['bytes=-10', 990, 999],
      ['bytes=-5000', 0, 999],
      ['bytes=900-5000', 900, 999],
      ['bytes=5-5', 5, 5],
      ['BYTES = 10 - 19', 10, 19],
    ];
    for (const [range, start, end] of cases) {
      const res = await download(rec.id, { range });
      expect(res.statusCode, range).toBe(206);
      expect(res.headers['content-range'], range).toBe(`bytes ${start}-${end}/1000`);
      expect(res.headers['content-length'], range).toBe(String(end - start + 1));
      expect(res.headers['content-type'], range).toBe('video/webm');
      expect(res.rawPayload.equals(CONTENT.subarray(start, end + 1)), range).toBe(true);
    }
  });

  it('answers an unsatisfiable range with 416, -4 on header.Range and Content-Range bytes */size', async () => {
    for (const range of ['bytes=1000-', 'bytes=1000-2000', 'bytes=-0', 'bytes=99999999999999999999-']) {
      const res = await download(rec.id, { range });
      expectError(res, 416, -4, [{ field: 'header.Range', code: 'range' }]);
      expect(res.headers['content-range'], range).toBe('bytes */1000');
      expect(res.headers['content-disposition']).toBeUndefined();
    }
  });

  it('ignores Range forms it does not serve (several ranges, other units, malformed, reversed) and sends the whole file', async () => {
    for (const range of ['bytes=0-1,5-6', 'items=0-5', 'bytes=abc', 'bytes=9-3', 'bytes=-', '']) {
      const res = await download(rec.id, { range });
      expect(res.statusCode, range).toBe(200);
      expect(res.rawPayload.equals(CONTENT), range).toBe(true);
    }
  });

  it('HEAD gives the headers without the body', async () => {
    const res = await download(rec.id, {}, 'HEAD');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('1000');
    expect(res.headers['content-type']).toBe('video/webm');
    expect(res.body).toBe('');
  });

  it('serves an empty file with length 0, and no range of it', async () => {
    const r = await addRecording(m, { storagePath: EMPTY, mimeType: 'audio/ogg; codecs=opus', sizeBytes: 0 });
    const res = await download(r.id);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="recording-${r.id}.ogg"`);
    expectError(await download(r.id, { range: 'bytes=0-' }), 416, -4, [{ field: 'header.Range', code: 'range' }]);
  });

  it('names the download after the media type, .bin for unknown types', async () => {
    const r = await addRecording(m, { mimeType: 'application/x-convene-mix' });
    expect((await download(r.id)).headers['content-disposition']).toBe(`attachment; filename="recording-${r.id}.bin"`);
    expect(['video/webm', 'audio/webm', 'VIDEO/MP4', 'audio/mpeg', 'video/webm;codecs=vp8', 'x/y', ''].map(recordingExtension)).toEqual(['webm', 'webm', 'mp4', 'mp3', 'webm', 'bin', 'bin']);
  });

  it('answers -5 and logs when the file is missing or is not a file', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, new Writable({ write: (chunk, _enc, cb) => void (lines.push(String(chunk)), cb()) }));
    const app: FastifyInstance = await buildApp({ deps: h.deps, logger });
    try {
      for (const storagePath of [join(dir, 'gone.webm'), join(dir, 'a-directory')]) {
        const r = await addRecording(m, { storagePath });
        const res: LightMyRequestResponse = await app.inject({ method: 'GET', url: `/api/v6/recording/${r.id}/download`, headers: { 'x-api-key': INSTANCE_KEY } });
        expectError(res, 404, -5, [{ field: 'path.recordingId', code: 'notFound' }]);
        const logged = lines.map((l) => JSON.parse(l)).find((l) => l.recordingId === r.id);
        expect(logged).toMatchObject({ level: 50, msg: 'recording file is missing or unreadable', storagePath });
      }
    } finally {
      await app.close();
    }
  });

  it('refuses what §3 refuses and writes nothing', async () => {
    const get = (id: string, headers: Record<string, string>) => h.app.inject({ method: 'GET', url: `/api/v6/recording/${id}/download`, headers });
    const accountOnly = await issueKey(h, 'account', A.accountId, ['account']);
    const keyB = await issueKey(h, 'account', B.accountId, ['meeting']);
    await expectRejected(h, () => get(rec.id, {}), 401, -1);
    await expectRejected(h, () => get(rec.id, as(accountOnly)), 403, -3);
    await expectRejected(h, () => get(rec.id, as(keyB)), 404, -5, [{ field: 'path.recordingId', code: 'notFound' }]);
    await expectRejected(h, () => get(rec.id, as(INSTANCE_KEY, { 'x-user-id': B.adminId })), 404, -5, [{ field: 'path.recordingId', code: 'notFound' }]);
    await expectRejected(h, () => get(UNKNOWN_ID, as(keyA)), 404, -5, [{ field: 'path.recordingId', code: 'notFound' }]);
    await expectRejected(h, () => get('5E945C36B863B82CEFDDDF54', as(keyA)), 400, -4, [{ field: 'path.recordingId', code: 'format' }]);
    await expectRejected(h, () => get(rec.id, as(keyA, { 'x-user-id': organizer.id })), 403, -3);
    await expectRejected(h, () => get(rec.id, as(keyA, { 'x-user-id': B.adminId })), 401, -2);
    const ofB = await addRecording(await schedule({}, B.adminId));
    await expectRejected(h, () => get(ofB.id, as(keyA)), 404, -5, [{ field: 'path.recordingId', code: 'notFound' }]);
    // A row that claims A but points at B's meeting is still not served to A.
    const forged = await addRecording({ id: ofB.meetingId, accountId: A.accountId });
    await expectRejected(h, () => get(forged.id, as(keyA)), 404, -5, [{ field: 'path.recordingId', code: 'notFound' }]);
    expect((await get(ofB.id, as(keyB))).statusCode).toBe(200);
    const own = await schedule({}, organizer.id);
    const ownRec = await addRecording(own);
    const ok = await get(ownRec.id, as(keyA, { 'x-user-id': organizer.id }));
    expect(ok.statusCode).toBe(200);
    expect(ok.rawPayload.equals(CONTENT)).toBe(true);
    await h.call('DELETE', `/api/v6/meeting/${own.id}`);
    await expectRejected(h, () => get(ownRec.id, as(keyA)), 404, -5, [{ field: 'path.recordingId', code: 'notFound' }]);
  });
});

describe('readRange()', () => {
  it('reads one byte range against the size, as RFC 9110 §14 says', () => {
    expect(readRange(undefined, 10)).toEqual({ kind: 'whole' });
    expect(readRange('bytes=2-4', 10)).toEqual({ kind: 'part', start: 2, end: 4 });
    expect(readRange('bytes=2-', 10)).toEqual({ kind: 'part', start: 2, end: 9 });
    expect(readRange('bytes=-3', 10)).toEqual({ kind: 'part', start: 7, end: 9 });
    expect(readRange('bytes=0-0', 1)).toEqual({ kind: 'part', start: 0, end: 0 });
    expect(readRange('bytes=10-', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(readRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(readRange('bytes=0-1, 3-4', 10)).toEqual({ kind: 'whole' });
    expect(readRange('bytes=4-2', 10)).toEqual({ kind: 'whole' });
  });
});
