// NODE-ONLY, for crash tests: SDEBNN_FAULT="POINT@STEP" makes this process SIGKILL itself when it
// reaches POINT at update STEP (a real kill at an exact moment, e.g. between the checkpoint's rename
// and the manifest's). Unset (always, outside tests), faultPoint does nothing.
export function faultPoint(point: string, step: number): void {
  const spec = process.env.SDEBNN_FAULT;
  if (spec === undefined) return;
  const at = spec.lastIndexOf("@");
  if (spec.slice(0, at) === point && Number(spec.slice(at + 1)) === step) process.kill(process.pid, "SIGKILL");
}
