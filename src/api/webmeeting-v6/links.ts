/** Join links and dial-in of one meeting: E38, E39 (webmeeting-v6 §8.9, §8.10, §12.1). */
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { permissionFlagDefaults } from '../../domain/accounts/PermissionSet.js';
import type { Deps } from '../../domain/deps.js';
import { loadJoinLinks } from '../../domain/meetings/joinLinks.js';
import { loadMeetingAccount, loadMeetingFor } from '../../domain/meetings/meetingView.js';
import { pathId } from './accounts.js';
import { actorOf } from './context.js';
import { DialInNumberSchema, Hex24, responses } from './schema.js';

const Str = Type.String();
const NullStr = Type.Union([Type.String(), Type.Null()]);

/** §12.1 flags, in their declared order. */
const PermissionsSchema = Type.Object(Object.fromEntries(Object.keys(permissionFlagDefaults).map((k) => [k, Type.Boolean()])));

/** E38 `data` (§8.9). */
export const JoinLinksSchema = Type.Object({
  participantUrl: Str,
  moderatorUrl: Str,
  sipUri: NullStr,
  dialIn: Type.Union([Type.Object({ numbers: Type.Array(DialInNumberSchema), conferenceRoom: Str, pin: Str }), Type.Null()]),
  effectivePermissions: PermissionsSchema,
});

/** E39 `data` (§8.10); without dial-in every field is null and `numbers` is empty. */
export const DialInSchema = Type.Object({
  numbers: Type.Array(DialInNumberSchema),
  conferenceRoom: NullStr,
  pin: NullStr,
  sipUri: NullStr,
  sipProxy: NullStr,
});

/** Registers E38 and E39. */
export function registerLinksRoutes(f: FastifyInstance, deps: Deps): void {
  const mtg = { auth: 'apiKey' as const, v6: { perm: 'meeting' as const, user: 'optional' as const } };
  const params = Type.Object({ id: Hex24 });

  f.get('/meeting/:id/links', {
    config: mtg,
    schema: {
      operationId: 'webmeeting.getMeetingLinks',
      tags: ['meetings'],
      description: 'Participant and moderator join links, SIP URI, dial-in block and the effective permissions (meeting set, else account default, else built-in).',
      params,
      response: responses(JoinLinksSchema),
    },
  }, async (req) => {
    const meeting = await loadMeetingFor(deps.store, actorOf(req), pathId(req, 'id'), 'path.id');
    const account = await loadMeetingAccount(deps.store, meeting);
    return { responseCode: 0, data: await loadJoinLinks(deps.store, deps.settings, meeting, account) };
  });

  f.get('/meeting/:id/dialin', {
    config: mtg,
    schema: { operationId: 'webmeeting.getMeetingDialIn', tags: ['meetings'], description: 'The dial-in block of one meeting.', params, response: responses(DialInSchema) },
  }, async (req) => {
    const meeting = await loadMeetingFor(deps.store, actorOf(req), pathId(req, 'id'), 'path.id');
    const account = await loadMeetingAccount(deps.store, meeting);
    const links = await loadJoinLinks(deps.store, deps.settings, meeting, account);
    const data = {
      numbers: links.dialIn?.numbers ?? [],
      conferenceRoom: links.dialIn?.conferenceRoom ?? null,
      pin: links.dialIn?.pin ?? null,
      sipUri: links.sipUri,
      sipProxy: links.dialIn ? deps.settings.sipProxy : null,
    };
    return { responseCode: 0, data };
  });
}
