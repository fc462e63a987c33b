import { describe, expect, it } from 'vitest';
import { isBlockedTarget, isPrivateAddress } from './targets.js';

describe('isPrivateAddress()', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['8.8.8.8', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd12:3456::1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['2001:4860:4860::8888', false],
    ['[::1]', true],
    ['example.com', false],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('isBlockedTarget()', () => {
  it('checks IP literals without resolving', async () => {
    const resolve = async (): Promise<string[]> => {
      throw new Error('must not resolve');
    };
    expect(await isBlockedTarget(new URL('http://127.0.0.1:8080/x'), resolve)).toBe(true);
    expect(await isBlockedTarget(new URL('http://[::1]/x'), resolve)).toBe(true);
    expect(await isBlockedTarget(new URL('https://8.8.8.8/x'), resolve)).toBe(false);
  });

  it('blocks a name when any of its addresses is private', async () => {
    const resolve = async (): Promise<string[]> => ['93.184.216.34', '10.0.0.5'];
    expect(await isBlockedTarget(new URL('https://mixed.example/x'), resolve)).toBe(true);
    expect(await isBlockedTarget(new URL('https://public.example/x'), async () => ['93.184.216.34'])).toBe(false);
  });

  it('resolves localhost through the system resolver', async () => {
    expect(await isBlockedTarget(new URL('http://localhost:1/x'))).toBe(true);
  });
});
