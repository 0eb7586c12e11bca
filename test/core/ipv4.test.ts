import t from 'tap';
import {
  formatIPv4,
  inCidr,
  masked,
  maskOf,
  networkOf,
  overlaps,
  parseCidr,
  parseIPv4,
  prefixOfMask,
} from '../../src/core/ipv4.js';

t.test('parseIPv4 reads a dotted quad as a 32-bit unsigned number', async (t) => {
  t.equal(parseIPv4('0.0.0.0'), 0);
  t.equal(parseIPv4('172.18.0.1'), 172 * 2 ** 24 + 18 * 2 ** 16 + 1);
  t.equal(parseIPv4('255.255.255.255'), 2 ** 32 - 1);
});

t.test('parseIPv4 rejects anything that is not four octets of 0-255', async (t) => {
  for (const text of [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.0.0.1',
    '1.2.3.-4',
    'a.b.c.d',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1..3.4',
    '1.2.3.1000',
    '172.18.0.0/16',
    '::1',
  ]) {
    t.equal(parseIPv4(text), null, JSON.stringify(text));
  }
});

t.test('parseCidr reads an address with a prefix length; a bare address is a /32', async (t) => {
  t.strictSame(parseCidr('172.18.0.10/16'), { address: '172.18.0.10', prefix: 16 });
  t.strictSame(parseCidr('172.16.0.2'), { address: '172.16.0.2', prefix: 32 });
  t.strictSame(parseCidr('0.0.0.0/0'), { address: '0.0.0.0', prefix: 0 });
});

t.test('parseCidr rejects bad addresses and prefix lengths', async (t) => {
  for (const text of [
    '',
    '172.18.0.10/',
    '172.18.0.10/33',
    '172.18.0.10/-1',
    '172.18.0.10/1/2',
    '172.18.0.10/x',
    '172.18.0/16',
    '172.18.0.10/016',
    'default',
  ]) {
    t.equal(parseCidr(text), null, text);
  }
});

t.test('inCidr tells whether an address is inside a prefix', async (t) => {
  const lab = parseCidr('172.18.0.0/16')!;
  t.equal(inCidr('172.18.0.10', lab), true);
  t.equal(inCidr('172.18.255.255', lab), true);
  t.equal(inCidr('172.19.0.1', lab), false);
  t.equal(inCidr('172.17.255.255', lab), false);
  t.equal(inCidr('203.0.113.1', { address: '0.0.0.0', prefix: 0 }), true, 'everything is in /0');
  t.equal(inCidr('172.16.0.2', { address: '172.16.0.2', prefix: 32 }), true);
  t.equal(inCidr('172.16.0.3', { address: '172.16.0.2', prefix: 32 }), false);
  t.equal(inCidr('172.18.0.10', { address: '172.18.0.99', prefix: 16 }), true, 'host bits of the prefix do not matter');
});

t.test('inCidr is false for anything that is not IPv4', async (t) => {
  t.equal(inCidr('localhost', parseCidr('127.0.0.0/8')!), false);
  t.equal(inCidr('127.0.0.1', { address: 'x', prefix: 8 }), false);
});

t.test('networkOf masks the host bits and prints the canonical prefix', async (t) => {
  t.equal(networkOf({ address: '172.18.0.11', prefix: 16 }), '172.18.0.0/16');
  t.equal(networkOf({ address: '10.1.2.3', prefix: 8 }), '10.0.0.0/8');
  t.equal(networkOf({ address: '192.168.1.77', prefix: 26 }), '192.168.1.64/26');
  t.equal(networkOf({ address: '172.16.0.2', prefix: 32 }), '172.16.0.2/32');
  t.equal(networkOf({ address: '255.255.255.255', prefix: 1 }), '128.0.0.0/1');
  t.equal(networkOf({ address: '203.0.113.1', prefix: 0 }), '0.0.0.0/0');
});

t.test('formatIPv4 prints a 32-bit number as the dotted quad parseIPv4 reads', async (t) => {
  for (const text of ['0.0.0.0', '172.18.0.1', '203.0.113.1', '255.255.255.255', '128.0.0.0'])
    t.equal(formatIPv4(parseIPv4(text)!), text);
});

t.test('a prefix length and its mask stand for each other; a mask with gaps has no length', async (t) => {
  t.equal(formatIPv4(maskOf(16)), '255.255.0.0');
  t.equal(formatIPv4(maskOf(0)), '0.0.0.0');
  t.equal(formatIPv4(maskOf(32)), '255.255.255.255');
  for (const prefix of [0, 1, 8, 16, 26, 31, 32]) t.equal(prefixOfMask(maskOf(prefix)), prefix);
  t.equal(prefixOfMask(parseIPv4('255.0.255.0')!), null);
  t.equal(formatIPv4(masked(parseIPv4('10.1.2.3')!, parseIPv4('255.0.255.0')!)), '10.0.2.0');
});

t.test('overlaps tells whether two prefixes share an address, whichever is longer', async (t) => {
  const lab = parseCidr('172.18.0.0/16')!;
  t.equal(overlaps(lab, parseCidr('172.18.5.0/24')!), true);
  t.equal(overlaps(parseCidr('172.18.5.0/24')!, lab), true);
  t.equal(overlaps(lab, parseCidr('172.16.0.0/12')!), true, 'a wider prefix holds it');
  t.equal(overlaps(lab, parseCidr('172.19.0.1')!), false);
  t.equal(overlaps(lab, parseCidr('0.0.0.0/0')!), true);
});
