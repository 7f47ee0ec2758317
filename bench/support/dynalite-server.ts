import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

/**
 * dynalite in its own process, so the benchmarks' load generators and handlers do not share its
 * event loop. It counts requests by operation (X-Amz-Target), which is how the benchmarks learn
 * how many DynamoDB requests a rating or a night costs. Prints its endpoint on the first line of
 * stdout, answers {counts} over IPC, and stops when its parent closes stdin.
 */
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const counts: Record<string, number> = {};
server.on('request', (request) => {
  const operation = String(request.headers['x-amz-target'] ?? 'unknown')
    .split('.')
    .pop()!;
  counts[operation] = (counts[operation] ?? 0) + 1;
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
process.on('message', () => process.send?.({ ...counts }));
process.stdin.resume();
process.stdin.on('end', () => server.close(() => process.exit(0)));
