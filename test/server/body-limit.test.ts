import { expect } from 'chai';
import { request } from 'node:http';
import { startTestServer, type TestServer } from '../support/server-harness.js';

interface Outcome {
  status?: number;
  body: string;
  error?: string;
}

/** POSTs `total` bytes in 64 KiB writes (as a client uploading a file does) and reports the answer or the error. */
function upload(url: string, total: number, declareLength: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (declareLength) headers['content-length'] = total;
    const outcome: Outcome = { body: '' };
    const req = request(url, { method: 'POST', headers }, (res) => {
      outcome.status = res.statusCode;
      res.on('data', (d: Buffer) => (outcome.body += d));
    });
    req.on('error', (error) => (outcome.error = (error as NodeJS.ErrnoException).code ?? error.message));
    // Settled once everything is over: an EPIPE after the answer counts too (the upload was cut).
    req.on('close', () => setTimeout(() => resolve(outcome), 50));
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

/** Issue 12 §7: a body over the limit is read and discarded (up to a bound) before the 413, so the client gets the answer, not EPIPE. */
describe('server: an oversized body gets its 413 after the upload, not a broken pipe', function () {
  this.timeout(120_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ server: { bodyLimitBytes: 4096 } });
  });
  after(async () => {
    await server?.stop();
    await server?.home.cleanup();
  });

  for (const declareLength of [true, false]) {
    it(`10 MB ${declareLength ? 'with' : 'without (chunked)'} a Content-Length: the client reads a 413 naming the limit`, async () => {
      for (let i = 0; i < 3; i++) {
        const outcome = await upload(`${server.baseUrl}/api/echo/abc`, 10 * 1024 * 1024, declareLength);
        expect(outcome.error, JSON.stringify(outcome)).to.equal(undefined);
        expect(outcome.status).to.equal(413);
        expect(JSON.parse(outcome.body).error.message).to.contain('4096 bytes');
      }
    });
  }
});
