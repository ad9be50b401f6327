/**
 * What every kpufit process does about its own output streams: a reader that goes away (`kpufit twin
 * sweep | head`) ends the process quietly instead of with an EPIPE stack trace. The reader asked for no
 * more output, so that is not a failure: exit 0, and print nothing (stderr may be the same closed pipe).
 */
export function installOutputGuards(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr], exit: (code: number) => void = process.exit): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') exit(0);
      else throw err;
    });
  }
}
