/**
 * The one error shape of the domain (ARCHITECTURE.md §4.3). Dialects map `code` to their own wire format
 * through an exhaustive table; nothing ever matches on `message`.
 */

/** Transport-neutral classes of failure. */
export type DomainErrorKind =
  | 'InvalidArgument'
  | 'Unauthenticated'
  | 'PermissionDenied'
  | 'NotFound'
  | 'Conflict'
  | 'FailedPrecondition'
  | 'ResourceExhausted'
  | 'Unavailable'
  | 'Internal';

/** Every domain error code with its kind, declared once. */
export const domainErrorCodes = {
  'validation.failed': 'InvalidArgument',
  'auth.key_invalid': 'Unauthenticated',
  'auth.user_invalid': 'Unauthenticated',
  'permission.denied': 'PermissionDenied',
  'permission.forbidden_field': 'PermissionDenied',
  'account.not_found': 'NotFound',
  'user.not_found': 'NotFound',
  'meeting.not_found': 'NotFound',
  'room.not_found': 'NotFound',
  'permission_set.not_found': 'NotFound',
  'api_key.not_found': 'NotFound',
  'occurrence.not_found': 'NotFound',
  'webhook_delivery.not_found': 'NotFound',
  'recording.not_found': 'NotFound',
  'account.limit_reached': 'ResourceExhausted',
  'room.none_free': 'ResourceExhausted',
  'account.expired': 'FailedPrecondition',
  'meeting.state_conflict': 'FailedPrecondition',
  'account.already_exists': 'Conflict',
  'user.email_taken': 'Conflict',
  'user.last_admin': 'FailedPrecondition',
  'idempotency.in_progress': 'Conflict',
  'idempotency.key_reused': 'InvalidArgument',
  'webhook.hook_disabled': 'FailedPrecondition',
  'conference.not_started': 'FailedPrecondition',
  'conference.ended': 'FailedPrecondition',
  'conference.full': 'ResourceExhausted',
  'conference.locked': 'FailedPrecondition',
  'conference.no_chair': 'FailedPrecondition',
  'conference.control_denied': 'PermissionDenied',
  'participant.not_found': 'NotFound',
  'participant.not_live': 'FailedPrecondition',
  'participant.state_illegal': 'FailedPrecondition',
  'participant.chair_cannot_be_cohost': 'FailedPrecondition',
  'participant.chair_cannot_raise_hand': 'PermissionDenied',
  'participant.unmute_not_allowed': 'PermissionDenied',
  'call.already_answered': 'FailedPrecondition',
  'call.expired': 'FailedPrecondition',
  'pstn.not_allowed': 'PermissionDenied',
  'internal.unexpected': 'Internal',
} as const satisfies Record<string, DomainErrorKind>;

/** The closed union of domain error codes. */
export type DomainErrorCode = keyof typeof domainErrorCodes;

/** One problem with one input, in the domain's own words (field paths as in webmeeting-v6 §4.3). */
export interface FieldIssue {
  /** Dotted input path (`recurring.endsType`, `query.limit`, `header.Idempotency-Key`), or null. */
  field: string | null;
  /** Machine code: required, type, format, enum, min, max, minLength, maxLength, range, mismatch, … */
  code: string;
  /** Human text (English); dialects may localise by `code`. */
  message: string;
}

/** A failure the domain reports; `details` carries field issues for validation failures. */
export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  readonly code: DomainErrorCode;
  readonly details: FieldIssue[];

  constructor(code: DomainErrorCode, message?: string, details: FieldIssue[] = []) {
    super(message ?? code);
    this.name = 'DomainError';
    this.code = code;
    this.kind = domainErrorCodes[code];
    this.details = details;
  }
}

/** Throws a validation failure when `issues` is non-empty. */
export function throwIfInvalid(issues: FieldIssue[]): void {
  if (issues.length > 0) throw new DomainError('validation.failed', 'Data not valid', issues);
}

/** True when `e` is a DomainError (also across module copies). */
export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
