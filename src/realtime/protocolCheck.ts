/**
 * Compile-time proof that protocol.ts (which may import nothing but TypeBox) spells the domain's enums the same
 * way: if a DisconnectReason, a state or a role is added in src/domain/live/types.ts, this file stops
 * type-checking until protocol.ts follows. Nothing here runs.
 */
import type { Static } from 'typebox';
import type { Ringer } from '../domain/live/ports.js';
import type { DisconnectReason, LegKind, ParticipantRole, ParticipantState } from '../domain/live/types.js';
import type { CallCancelWhy, ParticipantStateSchema, RosterParticipant, WireDisconnectReason } from './protocol.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

/** @internal */
export type ProtocolMatchesDomain = [
  Assert<Same<WireDisconnectReason, DisconnectReason>>,
  Assert<Same<Static<typeof ParticipantStateSchema>, ParticipantState>>,
  Assert<Same<RosterParticipant['role'], ParticipantRole>>,
  Assert<Same<RosterParticipant['kind'], LegKind>>,
  Assert<Same<CallCancelWhy, Parameters<Ringer['cancel']>[1]>>,
];
