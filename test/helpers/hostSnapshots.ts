// A lab's host after lesson 7 stands for a machine where the tutorial was done; the same host without
// what the tutorial made stands for a clean machine. Shared by the host-mode tests.
import type { NamespaceState, Snapshot } from '../../src/snapshot/model.js';
import { snapshotOf } from './snapshot.js';

export const done = snapshotOf('after-lesson-7');

export const clean: Snapshot = {
  netns: [],
  spaces: {
    host: {
      links: done.spaces.host!.links!.filter((l) => l.name === 'lo' || l.name === 'eth0'),
      routes: done.spaces.host!.routes!.filter((r) => !r.dst.startsWith('172.18.')),
      iptables: {},
      sysctl: { 'net.ipv4.ip_forward': '0' },
      listening: [],
    },
  },
};

/** A copy of `s` with its host changed. */
export const withHost = (s: Snapshot, change: (h: NamespaceState) => void): Snapshot => {
  const copy = structuredClone(s);
  change(copy.spaces.host!);
  return copy;
};
