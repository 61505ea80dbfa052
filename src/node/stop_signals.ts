// NODE-ONLY: graceful stop of a long run. The first SIGINT or SIGTERM only sets a flag; the run
// loop polls it at every update boundary (poll() yields to the event loop once, which is when Node
// delivers a pending signal), writes a checkpoint and returns; the CLI then exits with 128 + the
// signal number (130 for SIGINT, 143 for SIGTERM), as a shell reports a process killed by it. A
// second signal while stopping exits at once with the same code (the last checkpoint stays).

/** Exit codes of a run stopped by a signal: 128 + signal number. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

export class StopSignals {
  private got: StopSignal | null = null;
  private action = "stopping after the current update (checkpoint, then exit CODE)";
  private readonly handlers = new Map<StopSignal, () => void>();

  private constructor(private readonly log: (line: string) => void) {}

  /** Installs the handlers (until dispose()); `log` tells the user what happens. */
  static install(log: (line: string) => void = (l) => process.stderr.write(l + "\n")): StopSignals {
    const s = new StopSignals(log);
    for (const sig of Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]) {
      const h = () => s.onSignal(sig);
      s.handlers.set(sig, h);
      process.on(sig, h);
    }
    return s;
  }

  private onSignal(sig: StopSignal): void {
    if (this.got !== null) {
      this.log(`sdebnn: ${sig} again: exiting now (the last checkpoint stays)`);
      process.exit(SIGNAL_EXIT_CODES[this.got]);
    }
    this.got = sig;
    this.log(`sdebnn: ${sig}: ${this.action.replace("CODE", String(SIGNAL_EXIT_CODES[sig]))}; send it again to stop at once`);
  }

  /** What a first signal does from now on, as told to the user ("CODE" stands for the exit code). */
  setAction(action: string): void { this.action = action; }

  /** The signal received, if any (without yielding). */
  get requested(): StopSignal | null { return this.got; }

  /** Lets Node deliver pending signals (one event-loop turn), then returns the one received, if any. */
  async poll(): Promise<StopSignal | null> {
    await new Promise<void>((r) => setImmediate(r));
    return this.got;
  }

  dispose(): void {
    for (const [sig, h] of this.handlers) process.removeListener(sig, h);
    this.handlers.clear();
  }
}
