/** Occurrence exceptions: E35 override, E36 cancel, E37 restore (webmeeting-v6 §9.4). */
import { Type } from 'typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Account } from '../../domain/accounts/Account.js';
import type { Deps } from '../../domain/deps.js';
import { throwIfInvalid, type FieldIssue } from '../../domain/errors.js';
import { cancelOccurrence } from '../../domain/meetings/cancelOccurrence.js';
import type { Meeting } from '../../domain/meetings/Meeting.js';
import { loadMeetingFor, meetingView } from '../../domain/meetings/meetingView.js';
import { parseRecurrenceId } from '../../domain/meetings/recurrence.js';
import { restoreOccurrence } from '../../domain/meetings/restoreOccurrence.js';
import { notRecurringIssues, setOccurrenceOverride, type OccurrenceTarget, type SetOccurrenceOverrideInput } from '../../domain/meetings/setOccurrenceOverride.js';
import { pathId } from './accounts.js';
import { actorOf } from './context.js';
import { presentMeeting } from './meetingPresenter.js';
import { MeetingSchema } from './meetingSchema.js';
import { AnyBody, Hex24, responses } from './schema.js';
import { bodyObject, Reader } from './validate.js';

/** What every E35–E37 request names, read with every issue collected. */
function readTarget(req: FastifyRequest, meeting: Meeting, issues: FieldIssue[]): OccurrenceTarget {
  const raw = (req.params as { recurrenceId?: string }).recurrenceId ?? '';
  const recurrenceId = parseRecurrenceId(raw);
  if (recurrenceId === undefined) {
    issues.push({ field: 'path.recurrenceId', code: 'format', message: 'must be the original start as 2024-04-15T07:00:00.000Z or 20240415T070000Z' });
  }
  const q = new Reader(req.query as Record<string, unknown>, issues, 'query');
  const notify = q.enum('notify', ['true', 'false'] as const, { aliases: { '1': 'true', '0': 'false' } });
  issues.push(...notRecurringIssues(meeting));
  return { meetingId: meeting.id, recurrenceId: recurrenceId ?? Number.NaN, notify: notify === 'true' };
}

/**
 * E35 body (§9.4): `{startTime?, endTime? | duration?, topic?, agenda?}`. `null` resets a field to the series
 * value; absent keeps the override's value. Unknown fields (a round-tripped exception) are ignored.
 */
function readOverride(body: unknown, issues: FieldIssue[]): Omit<SetOccurrenceOverrideInput, keyof OccurrenceTarget> {
  const r = new Reader(bodyObject(body, issues), issues);
  const nullOr = <T>(name: string, read: () => T | undefined): T | null | undefined => (r.obj[name] === null ? null : read());
  const out: Omit<SetOccurrenceOverrideInput, keyof OccurrenceTarget> = {};
  const startTime = r.nullableInstant('startTime');
  const endTime = r.nullableInstant('endTime');
  const durationMin = nullOr('duration', () => r.int('duration', { min: 1, max: 1440, numericString: true, typeMessage: 'must be a number of minutes' }));
  const topic = nullOr('topic', () => r.string('topic', { min: 1, max: 255 }));
  const agenda = nullOr('agenda', () => r.string('agenda', { max: 10_000 }));
  if (startTime !== undefined) out.startTime = startTime;
  if (endTime !== undefined) out.endTime = endTime;
  // §8.2: when both are sent, endTime wins and duration is not used.
  if (durationMin !== undefined && endTime === undefined) out.durationMin = durationMin;
  if (topic !== undefined) out.topic = topic;
  if (agenda !== undefined) out.agenda = agenda;
  return out;
}

/** Registers E35–E37. */
export function registerOccurrencesRoutes(f: FastifyInstance, deps: Deps): void {
  const config = { auth: 'apiKey' as const, v6: { perm: 'meeting' as const, user: 'optional' as const } };
  const tags = ['occurrences'];
  const params = Type.Object({ id: Hex24, recurrenceId: Type.String({ description: 'Original start: 2024-04-15T07:00:00.000Z or 20240415T070000Z' }) });
  const querystring = Type.Object({ notify: Type.Optional(Type.String({ enum: ['true', 'false', '1', '0'] })) });
  const present = (meeting: Meeting, account: Account) => ({
    responseCode: 0 as const,
    data: presentMeeting(meetingView(deps.settings, account, meeting, deps.clock.now())),
  });

  /** §3.3 order: path id (-4), meeting and right (-5 / -3), then every input issue at once (-4). */
  const prepare = async (req: FastifyRequest, readBody?: (issues: FieldIssue[]) => void): Promise<OccurrenceTarget> => {
    const actor = actorOf(req);
    const meeting = await loadMeetingFor(deps.store, actor, pathId(req, 'id'), 'path.id');
    const issues: FieldIssue[] = [];
    const target = readTarget(req, meeting, issues);
    readBody?.(issues);
    throwIfInvalid(issues);
    return target;
  };

  f.put('/meeting/:id/occurrences/:recurrenceId', {
    config,
    schema: {
      operationId: 'webmeeting.overrideOccurrence',
      tags,
      description: 'Moves or retitles one occurrence. Body `{startTime?, endTime? | duration?, topic?, agenda?}`; `null` resets a field to the series value. `?notify=true` mails the participants an iTIP REQUEST for that instance.',
      params,
      querystring,
      body: AnyBody,
      response: responses(MeetingSchema),
    },
  }, async (req) => {
    let patch: ReturnType<typeof readOverride> = {};
    const target = await prepare(req, (issues) => {
      patch = readOverride(req.body, issues);
    });
    const { meeting, account } = await setOccurrenceOverride(deps, actorOf(req), { ...target, ...patch });
    return present(meeting, account);
  });

  f.delete('/meeting/:id/occurrences/:recurrenceId', {
    config,
    schema: {
      operationId: 'webmeeting.cancelOccurrence',
      tags,
      description: 'Cancels one occurrence (EXDATE in the feeds). `?notify=true` mails an iTIP CANCEL for that instance.',
      params,
      querystring,
      response: responses(MeetingSchema),
    },
  }, async (req) => {
    const target = await prepare(req);
    const { meeting, account } = await cancelOccurrence(deps, actorOf(req), target);
    return present(meeting, account);
  });

  f.post('/meeting/:id/occurrences/:recurrenceId/restore', {
    config,
    schema: {
      operationId: 'webmeeting.restoreOccurrence',
      tags,
      description: 'Drops the exception of one occurrence; idempotent when there is none. `?notify=true` mails an iTIP REQUEST for that instance.',
      params,
      querystring,
      response: responses(MeetingSchema),
    },
  }, async (req) => {
    const target = await prepare(req);
    const { meeting, account } = await restoreOccurrence(deps, actorOf(req), target);
    return present(meeting, account);
  });
}
