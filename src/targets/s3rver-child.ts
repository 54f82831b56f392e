// Runs s3rver in a process of its own: a PUT that races a DELETE makes s3rver throw from an
// unhandled stream 'error' event, which would take the harness down with it in one process.
// Prints {"port": N} on its first line once it listens. Usage: node s3rver-child.js <directory> [port]
import S3rver from 's3rver';

const directory = process.argv[2];
if (!directory) {
  process.stderr.write('usage: s3rver-child <directory>\n');
  process.exit(3);
}
// A restarted server comes back on its old port, with the same folder: the same store.
const port = Number(process.argv[3] ?? 0);
const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: [{ name: 'objcheck' }] });
const address = await server.run();
process.stdout.write(JSON.stringify({ port: address.port }) + '\n');
const stop = () => void server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
// The parent closing our stdin means it is gone: do not outlive it.
process.stdin.on('end', stop).resume();
