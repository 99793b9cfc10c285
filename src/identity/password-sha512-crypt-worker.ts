// Worker-thread entry for sha512_crypt: computes checksums posted by password-sha512-crypt.ts, one at a time,
// so the CPU-bound rounds never run on the server's event loop.
import { parentPort } from 'node:worker_threads';
import { sha512CryptChecksum } from './password-sha512-crypt.js';

interface Job {
  id: number;
  password: Uint8Array;
  salt: string;
  rounds: number;
}

const port = parentPort;
port?.on('message', ({ id, password, salt, rounds }: Job) => {
  port.postMessage({ id, checksum: sha512CryptChecksum(password, salt, rounds) });
});
