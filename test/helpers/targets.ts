// Targets for unit tests that judge recorded snapshots as if they came from elsewhere than a lab.
import type { Target } from '../../src/target/target.js';

/** A sandbox named by a process (`--target pid:4242`), with or without `--outside`. */
export function pidTarget(outsideNs: string | null = null): Target {
  return {
    spec: { kind: 'pid', pid: 4242 },
    label: 'pid:4242',
    argv: [],
    jobsDir: null,
    hasOutside: outsideNs !== null,
    outsideNs,
    fresh: false,
    lab: null,
  };
}
