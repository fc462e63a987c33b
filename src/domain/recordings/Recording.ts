/**
 * A stored recording of one meeting (webmeeting-v6 §12.4). The media/recording module writes these rows once
 * a recording has been merged and stored; the dialects only list and serve them.
 */
import { requireMeetingRight, type Actor } from '../accounts/policies.js';
import { DomainError } from '../errors.js';
import { meetingScope } from '../meetings/meetingView.js';
import type { Repositories } from '../ports.js';

/** One recording file and what the API shows about it. */
export interface Recording {
  /** 24 lower-case hex (§2.4). */
  id: string;
  /** The meeting's account: the tenant scope every read filters on. */
  accountId: string;
  /** The meeting's 24-hex id (not its public number). */
  meetingId: string;
  /** Epoch ms of the recorded occurrence's original start (its RECURRENCE-ID), or null for a non-recurring meeting. */
  recurrenceId: number | null;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms. */
  endedAt: number;
  durationSeconds: number;
  /** Size of the stored file when it was written; downloads use the file's current size. */
  sizeBytes: number;
  /** e.g. `video/webm`; sent as the download's Content-Type. */
  mimeType: string;
  /** Absolute path of the file on the server's disk. Never shown to API clients. */
  storagePath: string;
  /** Epoch ms. */
  createdAt: number;
}

/** File-name extensions of the media types a recorder may produce; anything else downloads as `.bin`. */
const EXTENSIONS: Readonly<Record<string, string>> = {
  'video/webm': 'webm',
  'audio/webm': 'webm',
  'video/mp4': 'mp4',
  'audio/mp4': 'm4a',
  'video/x-matroska': 'mkv',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
};

/**
 * The extension for a recording's download file name, from its media type (parameters such as
 * `;codecs=vp8,opus` ignored, case-insensitive); `bin` for types not in the table.
 */
export function recordingExtension(mimeType: string): string {
  const base = mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  return EXTENSIONS[base] ?? 'bin';
}

/**
 * Loads a recording the actor may read: it must be in the actor's scope (§3.1: another account's id is
 * simply not found) and its meeting must still exist and be one the acting user may act on (§3.3). `field`
 * names the input that carried the id in the error details, or null.
 * @throws DomainError recording.not_found (unknown, another account's, or its meeting deleted),
 *   permission.denied (a non-admin organizer and someone else's meeting).
 */
export async function loadRecordingFor(
  repos: Pick<Repositories, 'recordings' | 'meetings'>,
  actor: Actor,
  id: string,
  field: string | null = null,
): Promise<Recording> {
  const scope = meetingScope(actor);
  const recording = await repos.recordings.get(scope, id);
  // A deleted meeting takes its recordings out of the API with it, as it does its join links and feeds.
  const meeting = recording && (await repos.meetings.get(scope, recording.meetingId));
  if (!recording || !meeting) throw new DomainError('recording.not_found', 'recording not found', [{ field, code: 'notFound', message: 'no such recording' }]);
  requireMeetingRight(actor, meeting);
  return recording;
}
