/**
 * The public join route `/j/<code>` (CROSS-DIALECT.md "Join links"), outside every dialect: any public code
 * of a meeting (the 16-digit number with or without dashes, the 9-digit Huawei conferenceID, the 11-digit
 * DingTalk roomCode) redirects to the canonical `/j/<dddd-dddd-dddd-dddd>`, which shows a minimal page until
 * the web client lands.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../domain/deps.js';
import { formatMeetingNumber } from '../domain/meetings/Meeting.js';

/** Options of {@link joinPages}. */
export interface JoinPagesOptions {
  deps: Pick<Deps, 'store'>;
}

/** A public code: digits, optionally grouped with dashes; anything else cannot name a meeting. */
const CODE = /^[0-9-]{9,19}$/;

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>
<body>
${body}
</body>
</html>
`;
}

/**
 * Registers `GET /j/:code` (and its HEAD twin), auth `public`. Register it at the root of the app, without a
 * prefix: `app.register(joinPages, { deps })`.
 */
export const joinPages: FastifyPluginAsync<JoinPagesOptions> = async (f, { deps }) => {
  f.get('/j/:code', { config: { auth: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const code = (req.params as { code: string }).code;
    const meeting = CODE.test(code) ? await deps.store.meetings.getByCode('*', code) : undefined;
    reply.header('Cache-Control', 'no-store').header('X-Robots-Tag', 'noindex');
    if (!meeting) {
      return reply.status(404).type('text/html; charset=utf-8').send(page('Meeting not found', '<h1>Meeting not found</h1>\n<p>No meeting has this number. Check the link in your invitation.</p>'));
    }
    const canonical = formatMeetingNumber(meeting.meetingNumber);
    if (code !== canonical) {
      // The query string carries the host token (?t=…), so it survives the redirect.
      const q = req.url.indexOf('?');
      return reply.redirect(`/j/${canonical}${q >= 0 ? req.url.slice(q) : ''}`, 302);
    }
    const body =
      `<h1>${escapeHtml(meeting.topic)}</h1>\n` +
      `<p>Meeting ID: <strong>${canonical}</strong></p>\n` +
      '<p>The browser client for joining this meeting is not available yet; it arrives in a later release. Until then, use the dial-in details from your invitation.</p>';
    return reply.type('text/html; charset=utf-8').send(page(meeting.topic, body));
  });
};
