import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MailRecord, Store } from '../domain/ports.js';
import { TestClock, testIds } from '../domain/webhooks/testFixtures.js';
import { createStore } from '../storage/index.js';
import { defaultFromAddress, MailWorker, type MailWorkerLogger } from './MailWorker.js';

/** A real SMTP server in process; keeps the raw messages it accepted. */
class SmtpReceiver {
  readonly messages: { from: string; to: string[]; raw: string }[] = [];
  #server: SMTPServer | null = null;
  port = 0;

  /** Listens on `port` (0 = any free port). */
  async start(port = 0): Promise<void> {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    const server = this.#server;
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.port = (server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  parsed(i: number): Promise<ParsedMail> {
    return simpleParser(this.messages[i]!.raw);
  }
}

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Convene//test//EN',
  'METHOD:REQUEST',
  'BEGIN:VEVENT',
  'UID:5e945c36b863b82cefdddf54@meet.example.com',
  'DTSTAMP:20240407T090000Z',
  'DTSTART:20240408T070000Z',
  'DTEND:20240408T080000Z',
  'SUMMARY:My Meeting Topic',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('MailWorker', () => {
  let store: Store;
  let smtp: SmtpReceiver;
  let clock: TestClock;
  const ids = testIds();
  const workers: MailWorker[] = [];
  const logs: { level: string; msg: string | undefined }[] = [];
  const logger: MailWorkerLogger = {
    info: (_o, msg) => logs.push({ level: 'info', msg }),
    warn: (_o, msg) => logs.push({ level: 'warn', msg }),
    error: (_o, msg) => logs.push({ level: 'error', msg }),
    debug: () => undefined,
  };

  beforeEach(async () => {
    store = await createStore({ url: ':memory:' });
    smtp = new SmtpReceiver();
    await smtp.start();
    clock = new TestClock();
    logs.length = 0;
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await smtp.stop();
    await store.close();
  });

  const worker = (o: Partial<ConstructorParameters<typeof MailWorker>[0]> = {}): MailWorker => {
    const w = new MailWorker({
      store,
      clock,
      logger,
      settings: { publicUrl: 'https://meet.example.com' },
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      ...o,
    });
    workers.push(w);
    return w;
  };

  const mail = async (o: Partial<MailRecord> = {}): Promise<MailRecord> => {
    const m: MailRecord = {
      id: ids.objectId(),
      to: 'bob@example.com',
      template: 'invitation',
      language: 'en',
      subject: 'Invitation: My Meeting Topic',
      body: 'Ada invites you to "My Meeting Topic".\nJoin: https://meet.example.com/j/1',
      icsAttachment: ICS,
      icsMethod: 'REQUEST',
      createdAt: clock.now(),
      sentAt: null,
      attempts: 0,
      lastError: null,
      nextAttemptAt: clock.now(),
      ...o,
    };
    await store.mail.insert(m);
    return m;
  };

  const stored = async (id: string): Promise<MailRecord> => {
    const { items } = await store.mail.list({ offset: 0, limit: 100 });
    return items.find((m) => m.id === id)!;
  };

  it('sends subject, body and an iTIP REQUEST calendar part, and marks the mail sent', async () => {
    const m = await mail();
    expect(await worker().runOnce()).toBe(1);

    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.to).toEqual(['bob@example.com']);
    expect(smtp.messages[0]!.from).toBe('no-reply@meet.example.com');
    const p = await smtp.parsed(0);
    expect(p.subject).toBe(m.subject);
    expect(p.text?.trim()).toBe(m.body);
    expect(p.from?.value).toEqual([{ name: 'Convene', address: 'no-reply@meet.example.com' }]);
    expect(p.messageId).toBe(`<${m.id}@meet.example.com>`);
    const calendar = p.attachments.filter((a) => a.contentType === 'text/calendar');
    expect(calendar).toHaveLength(1);
    const ct = calendar[0]!.headers.get('content-type') as { value: string; params: Record<string, string> };
    expect(ct.params).toMatchObject({ method: 'REQUEST', charset: 'utf-8' });
    expect(calendar[0]!.content.toString('utf8')).toBe(ICS);
    // The same file as a named .ics attachment, for clients that ignore the alternative part.
    expect(p.attachments.some((a) => a.filename === 'invite.ics')).toBe(true);

    expect(await stored(m.id)).toMatchObject({ sentAt: clock.now(), attempts: 1, lastError: null });
    expect(await worker().runOnce()).toBe(0);
  });

  it('sends cancellations with method=CANCEL and plain mails without attachments', async () => {
    await mail({ icsMethod: 'CANCEL', subject: 'Cancelled: My Meeting Topic', icsAttachment: ICS.replace('METHOD:REQUEST', 'METHOD:CANCEL') });
    await mail({ icsAttachment: null, icsMethod: null, template: 'sendPassword', subject: 'Set your password' });
    await worker().runOnce();
    expect(smtp.messages).toHaveLength(2);
    const cancel = await smtp.parsed(0);
    const ct = cancel.attachments.find((a) => a.contentType === 'text/calendar')!.headers.get('content-type') as {
      params: Record<string, string>;
    };
    expect(ct.params.method).toBe('CANCEL');
    const plain = await smtp.parsed(1);
    expect(plain.subject).toBe('Set your password');
    expect(plain.attachments).toHaveLength(0);
  });

  it('keeps a mail unsent with lastError while the server is down, and sends it once it is back', async () => {
    const port = smtp.port;
    await smtp.stop();
    const m = await mail();
    const w = worker({ smtpUrl: `smtp://127.0.0.1:${port}` });

    expect(await w.runOnce()).toBe(1);
    let s = await stored(m.id);
    expect(s).toMatchObject({ sentAt: null, attempts: 1 });
    expect(s.lastError).toMatch(/ECONNREFUSED/);
    expect(s.nextAttemptAt).toBe(clock.now() + 60_000);
    // Not due again before the backoff has passed.
    expect(await w.runOnce()).toBe(0);

    smtp = new SmtpReceiver();
    await smtp.start(port);
    clock.advance(60_000);
    expect(await w.runOnce()).toBe(1);
    s = await stored(m.id);
    expect(s).toMatchObject({ sentAt: clock.now(), attempts: 2, lastError: null });
    expect(smtp.messages).toHaveLength(1);
    expect((await smtp.parsed(0)).subject).toBe(m.subject);
  });

  it('leaves mails in the outbox without smtpUrl and says so once', async () => {
    const m = await mail();
    const w = worker({ smtpUrl: null });
    expect(await w.runOnce()).toBe(0);
    expect(await w.runOnce()).toBe(0);
    expect(await stored(m.id)).toEqual(m);
    expect(logs.filter((l) => l.msg?.includes('SMTP is not configured'))).toHaveLength(1);
    expect(smtp.messages).toHaveLength(0);
  });

  it('uses the configured from address', async () => {
    await mail();
    await worker({ from: 'Meetings <meetings@corp.example>' }).runOnce();
    expect((await smtp.parsed(0)).from?.value).toEqual([{ name: 'Meetings', address: 'meetings@corp.example' }]);
  });

  it('sends from an address literal when the public URL is an IP', async () => {
    const m = await mail();
    await worker({ settings: { publicUrl: 'http://127.0.0.1:8080' } }).runOnce();
    expect((await stored(m.id)).sentAt).not.toBeNull();
    expect(smtp.messages[0]!.from).toBe('no-reply@[127.0.0.1]');
  });

  it('derives the default sender from the public URL', () => {
    expect(defaultFromAddress('https://meet.example.com/base')).toBe('Convene <no-reply@meet.example.com>');
    expect(defaultFromAddress('http://127.0.0.1:8080')).toBe('Convene <no-reply@[127.0.0.1]>');
    expect(defaultFromAddress('http://[::1]:8080')).toBe('Convene <no-reply@[IPv6:::1]>');
  });

  it('drains in the background after start() and wake(), and stops idempotently', async () => {
    const w = worker({ pollIntervalMs: 20 });
    w.start();
    const m = await mail();
    w.wake();
    await vi.waitFor(async () => expect((await stored(m.id)).sentAt).not.toBeNull(), { timeout: 5000, interval: 20 });
    await Promise.all([w.stop(), w.stop()]);
    expect(smtp.messages).toHaveLength(1);
  });
});
