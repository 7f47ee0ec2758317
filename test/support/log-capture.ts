import { logger } from '../../shared/logger';

/**
 * Everything the process writes while a test runs: the Powertools logger writes JSON lines to a
 * Console bound to process.stdout/stderr, other code may use console.*. Both are captured (and
 * kept out of the test output: at DEBUG they would bury it) until stop() is called. The logger is set to DEBUG meanwhile, because the
 * test setup quiets it to ERROR and a privacy check must see every line that could be written.
 */
export interface LogCapture {
  lines(): string[];
  stop(): void;
}

export function captureLogs(): LogCapture {
  const captured: string[] = [];
  const record = (chunk: unknown) => {
    captured.push(
      typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk),
    );
  };
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  const stderrWrite = process.stderr.write.bind(process.stderr);
  const swallow = ((chunk: unknown, ...rest: unknown[]) => {
    record(chunk);
    const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = swallow;
  process.stderr.write = swallow;
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originals = methods.map((name) => console[name]);
  for (const name of methods) {
    console[name] = (...args: unknown[]) => {
      record(args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '));
    };
  }
  const previousLevel = logger.getLevelName();
  logger.setLogLevel('DEBUG');
  return {
    lines: () => captured.flatMap((chunk) => chunk.split('\n')).filter((line) => line.trim() !== ''),
    stop: () => {
      process.stdout.write = stdoutWrite;
      process.stderr.write = stderrWrite;
      methods.forEach((name, i) => {
        console[name] = originals[i]!;
      });
      logger.setLogLevel(previousLevel);
    },
  };
}
