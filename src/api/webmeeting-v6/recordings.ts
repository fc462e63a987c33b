/** Recordings: E41 list, E42 download with byte ranges (webmeeting-v6 §12.4). */
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../domain/deps.js';
import { DomainError, throwIfInvalid, type FieldIssue } from '../../domain/errors.js';
import { loadMeetingFor } from '../../domain/meetings/meetingView.js';
import { loadRecordingFor, recordingExtension, type Recording } from '../../domain/recordings/Recording.js';
import { pathId } from './accounts.js';
import { actorOf } from './context.js';
import { sendV6Error } from './errors.js';
import { iso, isoOrNull } from './presenters.js';
import { ErrorBody, Hex24, responses } from './schema.js';
import { readPage, Reader } from './validate.js';

const Str = Type.String();
const Int = Type.Integer();

/** One E41 item (§12.4), in the spec's key order. */
export const RecordingSchema = Type.Object({
  id: Str,
  recurrenceId: Type.Union([Str, Type.Null()]),
  startedAt: Str,
  endedAt: Str,
  durationSeconds: Int,
  sizeBytes: Int,
  mimeType: Str,
  url: Str,
});

/** The download URL of a recording: what E41 lists and the onMeetingRecordingCreated payload carries (§11.1). */
export function recordingUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/api/v6/recording/${id}/download`;
}

/** Recording → E41 item. */
export function presentRecording(r: Recording, publicUrl: string) {
  return {
    id: r.id,
    recurrenceId: isoOrNull(r.recurrenceId),
    startedAt: iso(r.startedAt),
    endedAt: iso(r.endedAt),
    durationSeconds: r.durationSeconds,
    sizeBytes: r.sizeBytes,
    mimeType: r.mimeType,
    url: recordingUrl(publicUrl, r.id),
  };
}

/** What a Range header asks of a file of a known size. */
export type RangeRequest = { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' };

const RANGE = /^bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i;

/**
 * Reads a `Range` header against a file of `size` bytes (RFC 9110 §14). Only one byte range is served: a
 * header that is absent, malformed, in another unit or asks for several ranges is ignored and the whole file
 * is sent, which RFC 9110 §14.2 allows. `end` is inclusive and clamped to the file.
 */
export function readRange(header: string | undefined, size: number): RangeRequest {
  const m = header === undefined ? null : RANGE.exec(header.trim());
  if (!m) return { kind: 'whole' };
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    // Suffix range: the last N bytes; "-0" and any suffix of an empty file select nothing.
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  // A last position before the first makes the range-spec invalid, hence ignored (§14.1.1), not unsatisfiable.
  if (last !== '' && Number(last) < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'part', start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/** Registers E41 and E42. */
export function registerRecordingsRoutes(f: FastifyInstance, deps: Deps): void {
  const mtg = { auth: 'apiKey' as const, v6: { perm: 'meeting' as const, user: 'optional' as const } };

  f.get('/meeting/:id/recordings', {
    config: mtg,
    schema: {
      operationId: 'webmeeting.listMeetingRecordings',
      tags: ['recordings'],
      description: 'The meeting\u2019s recordings, oldest first (`offset`/`limit`, `X-Total-Count`). `url` is the E42 download link.',
      params: Type.Object({ id: Hex24 }),
      querystring: Type.Object({ offset: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
      response: responses(Type.Array(RecordingSchema)),
    },
  }, async (req, reply) => {
    const meeting = await loadMeetingFor(deps.store, actorOf(req), pathId(req, 'id'), 'path.id');
    const issues: FieldIssue[] = [];
    const page = readPage(new Reader(req.query as Record<string, unknown>, issues, 'query'));
    throwIfInvalid(issues);
    const { items, total } = await deps.store.recordings.listByMeeting(meeting.accountId, meeting.id, page);
    reply.header('X-Total-Count', String(total));
    return { responseCode: 0, data: items.map((r) => presentRecording(r, deps.settings.publicUrl)) };
  });

  const file = (description: string) => ({ description, content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } } });
  f.get('/recording/:recordingId/download', {
    config: mtg,
    schema: {
      operationId: 'webmeeting.downloadRecording',
      tags: ['recordings'],
      description:
        'The recording file as an attachment, with Content-Type = its mimeType. A single `Range: bytes=…` is answered with 206 and Content-Range, ' +
        'an unsatisfiable one with 416 (`-4`, field `header.Range`); other Range forms get the whole file.',
      params: Type.Object({ recordingId: Hex24 }),
      response: { 200: file('The whole file.'), 206: file('The requested byte range.'), '4xx': ErrorBody, '5xx': ErrorBody },
    },
  }, async (req, reply) => {
    const recording = await loadRecordingFor(deps.store, actorOf(req), pathId(req, 'recordingId'), 'path.recordingId');
    let fh: FileHandle | undefined;
    let size: number;
    try {
      // Opened before any header is sent, so a file removed between the check and the read cannot break a 200.
      fh = await open(recording.storagePath, 'r');
      const st = await fh.stat();
      if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
      size = st.size;
    } catch (err) {
      await fh?.close().catch(() => undefined);
      // The row promises a file the disk does not have: the client sees "not found", operators see why.
      req.log.error({ err, recordingId: recording.id, storagePath: recording.storagePath }, 'recording file is missing or unreadable');
      throw new DomainError('recording.not_found', 'recording file not found', [{ field: 'path.recordingId', code: 'notFound', message: 'the recording file is not available' }]);
    }
    const range = readRange(typeof req.headers.range === 'string' ? req.headers.range : undefined, size);
    if (range.kind === 'unsatisfiable') {
      await fh.close();
      reply.header('Content-Range', `bytes */${size}`);
      return sendV6Error(req, reply, 416, -4, [{ field: 'header.Range', code: 'range', message: `no byte of the range lies within the file (${size} bytes)` }]);
    }
    const [start, end] = range.kind === 'part' ? [range.start, range.end] : [0, size - 1];
    reply
      .header('Content-Disposition', `attachment; filename="recording-${recording.id}.${recordingExtension(recording.mimeType)}"`)
      .header('Accept-Ranges', 'bytes')
      .header('Cache-Control', 'private, no-cache')
      // The stored type is sent as is; nosniff keeps a browser from rendering the file as something else.
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Length', String(end - start + 1))
      .type(recording.mimeType);
    if (range.kind === 'part') reply.status(206).header('Content-Range', `bytes ${start}-${end}/${size}`);
    // An empty file has no byte to stream (start 0 > end -1 would be rejected by createReadStream). HEAD gets
    // an empty stream rather than the file: Fastify's HEAD twin would read a stream to its end, and would
    // replace our Content-Length with 0 for a string body.
    if (size === 0 || req.method === 'HEAD') {
      await fh.close();
      return reply.send(size === 0 ? '' : Readable.from([]));
    }
    return reply.send(fh.createReadStream({ start, end }));
  });
}
