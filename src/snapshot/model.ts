// The Snapshot model: one target's network state, namespace by namespace, as collectors read it. Pure types.
import type { IptablesTable } from './iptablesSave.js';

export interface AddressState {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
}

export interface LinkState {
  name: string;
  /** linkinfo kind: veth, bridge, … (null for plain devices such as lo). */
  type: string | null;
  /** Administratively up (the UP flag), whatever the carrier. */
  up: boolean;
  operstate: string;
  master: string | null;
  addresses: AddressState[];
  /** Interface index in its namespace; with the peer fields, pairs veth ends across namespaces (graph). */
  ifindex?: number;
  /** A veth's peer: its ifindex, and the peer namespace's id as this namespace numbers it (absent: same namespace). */
  peer?: { ifindex: number; netnsId: number | null };
}

export interface RouteState {
  /** `default` or a prefix such as `172.18.0.0/16` (host routes as `a.b.c.d/32`). */
  dst: string;
  gateway: string | null;
  dev: string | null;
}

export interface Listener {
  proto: 'tcp' | 'udp';
  address: string;
  port: number;
}

/** One namespace's state; a part is undefined when it was not collected. */
export interface NamespaceState {
  links?: LinkState[];
  routes?: RouteState[];
  sysctl?: Record<string, string>;
  iptables?: Record<string, IptablesTable>;
  listening?: Listener[];
}

export interface Snapshot {
  /** Names under /run/netns of the target. */
  netns: string[];
  /** The host's id for each named netns that has one (`ip netns list` "(id: N)"), to pair veth ends. */
  netnsIds?: Record<string, number>;
  /** Keyed by `host`, `outside` or a netns name; null when that namespace does not exist. */
  spaces: Record<string, NamespaceState | null>;
}

export type Part = 'links' | 'routes' | 'sysctl' | 'iptables' | 'listening';

/** A piece of state a check reads; `key` names the sysctl for part `sysctl`. */
export interface Need {
  ns: string;
  part: Part | 'netns';
  key?: string;
}
