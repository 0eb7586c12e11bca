// Looking up one namespace's collected state, with the message users see when it is missing. Pure.
import type { NamespaceState, Snapshot } from './model.js';

export function nsLabel(ns: string): string {
  return ns === 'host' ? 'the host' : ns === 'outside' ? 'the outside world' : `netns ${ns}`;
}

/** The namespace's state, or a message saying it does not exist. */
export function spaceOf(s: Snapshot, ns: string): NamespaceState | string {
  const space = s.spaces[ns];
  if (space === undefined || space === null) return `${nsLabel(ns)} does not exist`;
  return space;
}
