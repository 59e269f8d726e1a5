import { expect } from 'chai';
import { z } from 'zod';
import { OrchError } from '../../kernel/index.js';
import { HttpError, STATUS_BY_CODE, toErrorReply } from './error-reply.js';

describe('server: toErrorReply', () => {
  it('maps every OrchError code to its status with code, message and details', () => {
    for (const [code, status] of Object.entries(STATUS_BY_CODE)) {
      const reply = toErrorReply(new OrchError(code as never, `m-${code}`, { issues: [{ path: 'a', message: 'b' }] }), 'GET /x');
      expect(reply.status, code).to.equal(status);
      expect(reply.body).to.deep.equal({ error: { code, message: `m-${code}`, details: { issues: [{ path: 'a', message: 'b' }] } } });
    }
  });

  it('lets an HttpError choose the status', () => {
    expect(toErrorReply(new HttpError(413, 'invalid_input', 'too big'), 'POST /x').status).to.equal(413);
  });

  it('turns a ZodError into 400 with field issues', () => {
    const error = z.object({ n: z.number() }).safeParse({ n: 'x' }).error!;
    const reply = toErrorReply(error, 'POST /x');
    expect(reply.status).to.equal(400);
    expect(reply.body.error.details.issues).to.deep.equal([{ path: 'n', message: 'Invalid input: expected number, received string' }]);
  });

  it('hides anything else behind a 500 without a stack and flags it for the log', () => {
    const reply = toErrorReply(new RangeError('deep inside'), 'GET /api/boom');
    expect(reply).to.deep.include({ status: 500, unexpected: true });
    expect(reply.body.error.code).to.equal('internal');
    expect(reply.body.error.message).to.contain('GET /api/boom').and.contain('deep inside');
    expect(JSON.stringify(reply.body)).not.to.contain('RangeError:');
  });

  it('keeps details that JSON cannot hold from breaking the reply', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const reply = toErrorReply(new OrchError('conflict', 'x', cyclic), 'GET /x');
    expect(reply.body.error.details).to.deep.equal({ note: 'details could not be serialised' });
  });
});
