import { describe, expect, it } from 'vitest';
import { classifyNumber, isE164, type DialTarget } from './phoneNumber.js';

describe('classifyNumber() (huawei-meeting.md §3.5)', () => {
  const cases: Array<[string, DialTarget | undefined]> = [
    // SIP URIs: scheme and host lower-cased, parameters other than transport dropped.
    ['sip:user01@example.com', { class: 'sip', uri: 'sip:user01@example.com' }],
    ['desk@10.0.0.7', { class: 'sip', uri: 'sip:desk@10.0.0.7' }],
    ['sip:%2B447700900486@sim.convene.invalid', { class: 'sip', uri: 'sip:%2B447700900486@sim.convene.invalid' }],
    ['sip:@example.com', undefined],
    ['sip:user@', undefined],
    ['sip:user@host:70000', undefined],
    // Directory numbers.
    ['+99123456789012', { class: 'directory', number: '+99123456789012' }],
    ['+9912345678901', { class: 'phone', number: '+9912345678901' }],
    // Telephone numbers: separators removed, * and # legal, + only in front, at least 3 digits.
    ['+44 7700 900000', { class: 'phone', number: '+447700900000' }],
    ['tel:+1 (202) 555-0123', { class: 'phone', number: '+12025550123' }],
    ['030.123.4567', { class: 'phone', number: '0301234567' }],
    ['+8657*******', { class: 'phone', number: '+8657*******' }],
    ['112', { class: 'phone', number: '112' }],
    ['12', undefined],
    ['*1#', undefined],
    ['44+7700', undefined],
    ['0800-FLOWERS', undefined],
    ['', undefined],
    ['   ', undefined],
  ];

  it.each(cases)('%j', (raw, expected) => {
    expect(classifyNumber(raw)).toEqual(expected);
  });

  it('keeps sips and the transport parameter, lower-cased', () => {
    expect(classifyNumber('SIPS:Desk@PBX.Example.COM:5061;transport=TLS;user=phone')).toEqual({ class: 'sip', uri: 'sips:Desk@pbx.example.com:5061;transport=tls' });
  });
});

describe('isE164()', () => {
  it.each([
    ['+447700900000', true],
    ['+12025550123', true],
    ['+1234567', false],
    ['+1234567890123456', false],
    ['+0123456789', false],
    ['447700900000', false],
    ['+8657*******', false],
  ])('%s → %s', (n, expected) => {
    expect(isE164(n)).toBe(expected);
  });
});
