// User Timing measures of the costly steps, so devtools' Performance panel (and the benchmark) see them.

/** Runs `work` and records how long it took as the measure `xray:<name>`. */
export async function timed<T>(name: string, work: () => T | Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    performance.measure(`xray:${name}`, { start });
  }
}
