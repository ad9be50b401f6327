/**
 * Synchronous clean-up that must happen however the process ends (normal exit, an uncaught error, Ctrl-C,
 * SIGTERM, SIGHUP): stopping the JVMs and emulators a local run started and removing its cgroups. Each
 * owner registers a function and unregisters it once it cleaned up itself. On a signal the functions run,
 * and when no one else handles that signal it is raised again so the process ends as it would have.
 */
type Cleanup = () => void;

const pending = new Set<Cleanup>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let hooked = false;

function runAll(): void {
  for (const fn of [...pending]) {
    pending.delete(fn);
    try {
      fn();
    } catch {
      // best effort: the others still run
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  if (process.listenerCount(signal) === 1) {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.kill(process.pid, signal);
  }
}

export function onProcessEnd(fn: Cleanup): () => void {
  if (!hooked) {
    hooked = true;
    process.once('exit', runAll);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  pending.add(fn);
  return () => void pending.delete(fn);
}
