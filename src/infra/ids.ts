import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Clock, Ids } from '../domain/ports.js';

/** Cryptographically random ids (webmeeting-v6 §2.4); ObjectIds take their time part from `clock`. */
export function createIds(clock: Clock): Ids {
  // ObjectId: 4-byte seconds, 5 random bytes fixed per process, 3-byte counter, as BSON does.
  const processRandom = randomBytes(5).toString('hex');
  let counter = randomInt(0, 0xffffff);
  return {
    objectId() {
      counter = (counter + 1) % 0x1000000;
      const secs = Math.floor(clock.now() / 1000) % 0x100000000;
      return secs.toString(16).padStart(8, '0') + processRandom + counter.toString(16).padStart(6, '0');
    },
    digits(n, firstNonZero = false) {
      let s = '';
      for (let i = 0; i < n; i++) s += String(i === 0 && firstNonZero ? randomInt(1, 10) : randomInt(0, 10));
      return s;
    },
    icsToken() {
      return `${randomUUID()}-${randomUUID()}`;
    },
    secret(bytes) {
      return randomBytes(bytes).toString('base64url');
    },
    hex(chars) {
      return randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars);
    },
  };
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A settable clock for tests. */
export class FixedClock implements Clock {
  #now: number;
  constructor(start: number | string = Date.now()) {
    this.#now = typeof start === 'string' ? Date.parse(start) : start;
  }
  now(): number {
    return this.#now;
  }
  set(t: number | string): void {
    this.#now = typeof t === 'string' ? Date.parse(t) : t;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}
