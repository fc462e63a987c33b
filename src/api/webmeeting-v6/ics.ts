/**
 * ICS calendar feeds (webmeeting-v6 §10): E40 (API key, download), E43 (a user's feed) and E44 (one
 * meeting's feed). E43/E44 are authenticated by the token in the path (route auth `icsToken`), which the
 * plugin's API-key hook skips, and answer every failure in plain text because calendar clients cannot read
 * the JSON envelope. The path is spelled `calender`, as the vendor's is; there is no `calendar` alias.
 */
import { createHash } from 'node:crypto';
import { Type } from 'typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../../domain/accounts/Account.js';
import { displayName, type User } from '../../domain/accounts/User.js';
import type { Deps } from '../../domain/deps.js';
import { icsDialIn, participantUrl } from '../../domain/meetings/joinLinks.js';
import { formatMeetingNumber, type Meeting } from '../../domain/meetings/Meeting.js';
import { loadMeetingAccount, loadMeetingFor } from '../../domain/meetings/meetingView.js';
import { renderCalendar, type IcsEvent } from '../../calendar/ics.js';
import { pathId } from './accounts.js';
import { actorOf } from './context.js';
import { ErrorBody, Hex24 } from './schema.js';

const DAY = 86_400_000;
/** §2.4: the token alphabet, with an optional `.ics` suffix for clients that want one. */
const TOKEN = /^([A-Za-z0-9_-]{16,128})(\.ics)?$/;
const NOT_FOUND = 'Not found';
const CALENDAR_TYPE = 'text/calendar; charset=utf-8';

/** A rendered calendar and what its headers are derived from. */
interface CalendarResponse {
  body: string;
  /** Epoch ms for Last-Modified. */
  lastModified: number;
  contentDisposition: string;
}

/** The token of an E43/E44 path, or undefined when it cannot be one. */
function tokenOf(req: FastifyRequest): string | undefined {
  const raw = (req.params as { icsToken?: string }).icsToken ?? '';
  return TOKEN.exec(raw)?.[1];
}

/** The request URL with the token cut to its first 8 characters (§10.1: tokens are bearer secrets). */
function redactedUrl(url: string): string {
  return url.replace(/(\/calender\/(?:user|meeting)\/)([^/?#]{0,8})[^/?#]*/, '$1$2…');
}

/** RFC 9110 §8.8.3.2: If-None-Match uses the weak comparison, so `W/"x"` matches `"x"`. */
function matchesEtag(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

/**
 * Sends a calendar with the §10.1 headers, or `304` when the client's copy is current: If-None-Match wins
 * over If-Modified-Since (RFC 9110 §13.2.2). HEAD shares this handler; Fastify drops the body.
 */
function sendCalendar(req: FastifyRequest, reply: FastifyReply, cal: CalendarResponse): FastifyReply {
  // A strong validator: the body is byte-stable while nothing changes (DTSTAMP is the meeting's updatedAt).
  const etag = `"${createHash('sha256').update(cal.body, 'utf8').digest('base64url')}"`;
  const lastModified = new Date(Math.floor(cal.lastModified / 1000) * 1000);
  reply
    .header('Content-Type', CALENDAR_TYPE)
    .header('Content-Disposition', cal.contentDisposition)
    .header('Cache-Control', 'no-cache')
    .header('ETag', etag)
    .header('Last-Modified', lastModified.toUTCString());
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  let notModified = false;
  if (typeof inm === 'string') notModified = matchesEtag(inm, etag);
  else if (typeof ims === 'string') {
    const since = Date.parse(ims);
    notModified = !Number.isNaN(since) && lastModified.getTime() <= since;
  }
  if (notModified) return reply.status(304).send();
  return reply.send(cal.body);
}

function sendNotFound(reply: FastifyReply): FastifyReply {
  return reply.status(404).header('Cache-Control', 'no-cache').type('text/plain; charset=utf-8').send(NOT_FOUND);
}

/** The feed entry of one meeting. */
function icsEvent(deps: Deps, account: Account, meeting: Meeting, includeAttendees: boolean): IcsEvent {
  return { meeting, participantUrl: participantUrl(deps.settings, meeting), dialIn: icsDialIn(deps.settings, account, meeting), includeAttendees };
}

/** One meeting as a calendar (E40, E44): named after the topic, in the meeting's zone. */
function meetingCalendar(deps: Deps, account: Account, meeting: Meeting, includeAttendees: boolean): string {
  return renderCalendar({
    name: meeting.topic,
    timezone: meeting.timezone,
    uidDomain: deps.settings.icsUidDomain,
    method: 'PUBLISH',
    events: [icsEvent(deps, account, meeting, includeAttendees)],
  });
}

/**
 * E43 content (§10.2): the user's not-deleted meetings whose series ended within ICS_PAST_DAYS or later
 * (`never` series always), plus with ICS_INCLUDE_INVITED those of the same account that invite the user's
 * email. Other accounts' meetings stay out even if they invite the address: the token is a credential of one
 * tenant, and those meetings reach the user through their own invitations.
 */
async function userCalendar(deps: Deps, user: User): Promise<CalendarResponse> {
  const now = deps.clock.now();
  const endsAfter = now - deps.settings.icsPastDays * DAY;
  const own = await deps.store.meetings.find({ scope: user.accountId, addedByUserId: user.id, endsAfter });
  const invited = deps.settings.icsIncludeInvited ? await deps.store.meetings.find({ scope: user.accountId, invitedEmail: user.email, endsAfter }) : [];
  const byId = new Map<string, Meeting>();
  for (const m of [...own, ...invited]) byId.set(m.id, m);
  const meetings = [...byId.values()];
  const account = await deps.store.accounts.get(user.accountId, user.accountId);
  const body = renderCalendar({
    name: `${displayName(user)} \u2013 meetings`,
    timezone: user.timezone,
    uidDomain: deps.settings.icsUidDomain,
    method: 'PUBLISH',
    events: account ? meetings.map((m) => icsEvent(deps, account, m, true)) : [],
  });
  // §10.1 names the meetings' largest updatedAt; the user's own updatedAt is folded in because the calendar
  // name and zone come from the user, so a rename changes the body and must move Last-Modified too.
  const lastModified = Math.max(user.updatedAt, ...meetings.map((m) => m.updatedAt));
  return { body, lastModified, contentDisposition: 'inline; filename="meetings.ics"' };
}

/** Registers E40, E43 and E44 (each with HEAD; E43/E44 answer other methods with a plain-text 405). */
export function registerIcsRoutes(f: FastifyInstance, deps: Deps): void {
  const tags = ['calendar'];
  const calendarResponse = {
    200: { description: 'An iCalendar (RFC 5545) document.', content: { 'text/calendar': { schema: Type.String() } } },
    304: { description: 'Not modified (If-None-Match / If-Modified-Since).', type: 'null' },
  };
  const plain = { description: 'Plain text: calendar clients cannot read the JSON envelope.', content: { 'text/plain': { schema: Type.String() } } };
  const tokenRoute = {
    config: { auth: 'icsToken' as const },
    // The token is the credential: the request log shows only its first 8 characters (§10.1).
    logSerializers: {
      req: (req: FastifyRequest) => ({ method: req.method, url: redactedUrl(req.url), host: req.host, remoteAddress: req.ip }),
    },
  };

  f.get('/meeting/:id/ics', {
    config: { auth: 'apiKey', v6: { perm: 'meeting', user: 'optional' } },
    schema: {
      operationId: 'webmeeting.getMeetingIcs',
      tags,
      description: 'The meeting as an `.ics` download (master VEVENT plus overrides), with ETag / Last-Modified.',
      params: Type.Object({ id: Hex24 }),
      response: { ...calendarResponse, '4xx': ErrorBody, '5xx': ErrorBody },
    },
  }, async (req, reply) => {
    const meeting = await loadMeetingFor(deps.store, actorOf(req), pathId(req, 'id'), 'path.id');
    const account = await loadMeetingAccount(deps.store, meeting);
    return sendCalendar(req, reply, {
      body: meetingCalendar(deps, account, meeting, true),
      lastModified: meeting.updatedAt,
      contentDisposition: `attachment; filename="meeting-${formatMeetingNumber(meeting.meetingNumber)}.ics"`,
    });
  });

  f.get('/meeting/calender/user/:icsToken', {
    ...tokenRoute,
    schema: {
      operationId: 'webmeeting.getUserCalendar',
      tags,
      description: 'The organizer\u2019s calendar feed (the `icsPath` of a User). The token may carry a `.ics` suffix; unknown tokens get a plain-text 404.',
      params: Type.Object({ icsToken: Type.String() }),
      response: { ...calendarResponse, 404: plain },
    },
  }, async (req, reply) => {
    const token = tokenOf(req);
    const user = token ? await deps.store.users.getByIcsToken(token) : undefined;
    if (!user) return sendNotFound(reply);
    return sendCalendar(req, reply, await userCalendar(deps, user));
  });

  f.get('/meeting/calender/meeting/:icsToken', {
    ...tokenRoute,
    schema: {
      operationId: 'webmeeting.getMeetingCalendar',
      tags,
      description: 'One meeting\u2019s calendar feed (the meeting\u2019s `icsToken`). Attendees are omitted when `privateDataVisible` is false.',
      params: Type.Object({ icsToken: Type.String() }),
      response: { ...calendarResponse, 404: plain },
    },
  }, async (req, reply) => {
    const token = tokenOf(req);
    const meeting = token ? await deps.store.meetings.getByIcsToken(token) : undefined;
    const account = meeting ? await deps.store.accounts.get(meeting.accountId, meeting.accountId) : undefined;
    if (!meeting || !account) return sendNotFound(reply);
    return sendCalendar(req, reply, {
      body: meetingCalendar(deps, account, meeting, meeting.privateDataVisible),
      lastModified: meeting.updatedAt,
      contentDisposition: 'inline; filename="meeting.ics"',
    });
  });

  // §10.1: other methods on the feeds are 405 in plain text. The answer comes from onRequest, before any
  // body parsing, so no content type or body can turn it into a JSON error.
  for (const url of ['/meeting/calender/user/:icsToken', '/meeting/calender/meeting/:icsToken']) {
    f.route({
      method: ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
      url,
      ...tokenRoute,
      schema: { hide: true },
      onRequest: async (_req, reply) => {
        return reply.status(405).header('Allow', 'GET, HEAD').type('text/plain; charset=utf-8').send('Method not allowed');
      },
      handler: async (_req, reply) => reply,
    });
  }
}
