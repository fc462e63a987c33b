/**
 * Classifies and normalises what an invitee's `phone` holds (huawei-meeting.md §3.5): a SIP URI, a Convene
 * directory number (`+99` + 12 digits) or a telephone number. Shared by every dialect.
 */

/** A classified number. */
export type DialTarget =
  | { class: 'sip'; uri: string }
  | { class: 'directory'; number: string }
  | { class: 'phone'; number: string };

const SIP_USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2}){1,64}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\])$/;

/** Classifies `raw`; undefined when it fits no class (the dialect's "illegal number" error). */
export function classifyNumber(raw: string): DialTarget | undefined {
  const v = raw.trim();
  if (v === '') return undefined;
  if (/^sips?:/i.test(v) || v.includes('@')) return sipUri(v);
  if (/^\+99\d{12}$/.test(v)) return { class: 'directory', number: v };
  const digits = v.replace(/^tel:/i, '').replace(/[\s\-.()]/g, '');
  if (!/^\+?[0-9*#]{3,32}$/.test(digits)) return undefined;
  if ((digits.match(/[0-9]/g) ?? []).length < 3) return undefined;
  return { class: 'phone', number: digits };
}

function sipUri(v: string): DialTarget | undefined {
  const m = /^(?:(sips?):)?([^@]+)@([^;]+?)(?::(\d{1,5}))?(;.*)?$/i.exec(v);
  if (!m) return undefined;
  const [, scheme = 'sip', user = '', host = '', port, params = ''] = m;
  if (!SIP_USER.test(user) || !HOST.test(host)) return undefined;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return undefined;
  const transport = /;transport=([a-z]+)/i.exec(params)?.[1];
  return { class: 'sip', uri: `${scheme.toLowerCase()}:${user}@${host.toLowerCase()}${port ? `:${port}` : ''}${transport ? `;transport=${transport.toLowerCase()}` : ''}` };
}

/** True for an E.164 number (`+`, 8–15 digits, no `*`/`#`). */
export function isE164(n: string): boolean {
  return /^\+[1-9]\d{7,14}$/.test(n);
}
