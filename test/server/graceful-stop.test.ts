import { expect } from 'chai';
import { EchoRoutes } from '../fixtures/server-echo/index.js';
import { callApi, EventClient, readServerFile, startTestServer } from '../support/server-harness.js';

/** Waits (bounded) until the fixture's `GET /api/slow` handler holds a request. */
async function slowRequestArrived(): Promise<void> {
  for (let i = 0; i < 500 && EchoRoutes.releaseSlow.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(EchoRoutes.releaseSlow.length, 'a held /api/slow request').to.equal(1);
}

describe('server: graceful stop', function () {
  this.timeout(30_000);
  afterEach(() => {
    for (const release of EchoRoutes.releaseSlow.splice(0)) release();
  });

  it('stops listening and closes event clients at once, lets a request in flight finish, then removes server.json', async () => {
    const server = await startTestServer({ server: { shutdownGraceMs: 20_000 } });
    try {
      const client = await EventClient.connect(server.wsUrl);
      await client.waitFor((m) => m.type === 'snapshot', 'the snapshot');
      const inFlight = callApi(server.baseUrl, 'GET', '/api/slow');
      await slowRequestArrived();

      let stopped = false;
      const stopping = server.stop().then(() => (stopped = true));
      const closed = await client.waitForClose();
      expect(closed).to.deep.equal({ code: 1001, reason: 'Orch server shutting down' });
      // New connections are refused while the old request may still finish.
      const refused = await fetch(`${server.baseUrl}/api/health`).then(
        () => 'answered',
        (error: { cause?: { code?: string } }) => error.cause?.code ?? 'failed',
      );
      expect(refused).to.equal('ECONNREFUSED');
      expect(stopped).to.equal(false);

      EchoRoutes.releaseSlow.shift()!();
      const reply = await inFlight;
      expect(reply.status).to.equal(200);
      expect(reply.body).to.deep.equal({ slow: 'done' });
      await stopping;
      expect(await readServerFile(server.home.dir)).to.equal(undefined);
    } finally {
      await server.home.cleanup();
    }
  });

  it('cuts a request still running after shutdownGraceMs', async () => {
    const server = await startTestServer({ server: { shutdownGraceMs: 100 } });
    try {
      const inFlight = callApi(server.baseUrl, 'GET', '/api/slow').then(
        () => 'answered',
        () => 'cut',
      );
      await slowRequestArrived();
      const abortedBefore = EchoRoutes.slowAborted;
      await server.stop();
      expect(await inFlight).to.equal('cut');
      expect(EchoRoutes.slowAborted, 'the handler was told through its signal').to.equal(abortedBefore + 1);
      expect(await readServerFile(server.home.dir)).to.equal(undefined);
    } finally {
      await server.home.cleanup();
    }
  });
});
