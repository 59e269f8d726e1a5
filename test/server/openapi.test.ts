import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { callApi, startTestServer, type TestServer } from '../support/server-harness.js';

/**
 * `GET /api/openapi.json` is generated from the route table of every loaded plugin, and every route
 * keeps what it publishes: each schema compiles, and every GET route without path parameters answers
 * with a body its published 200 schema accepts.
 */
describe('server: OpenAPI document and response contract', function () {
  this.timeout(120_000);
  let server: TestServer;
  let document: any;

  before(async () => {
    server = await startTestServer({ plugins: ['core', 'business', 'server-echo'] });
    const reply = await callApi(server.baseUrl, 'GET', '/api/openapi.json');
    expect(reply.status).to.equal(200);
    document = reply.body;
  });
  after(async () => {
    await server?.stop();
    await server?.home.cleanup();
  });

  it('lists every mounted route, with path parameters in OpenAPI form and an error response', async () => {
    expect(document.openapi).to.equal('3.1.0');
    const routes = (await callApi(server.baseUrl, 'GET', '/api/routes')).body.routes as { method: string; path: string }[];
    expect(routes.length).to.be.greaterThan(20);
    for (const route of routes) {
      const path = route.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
      const operation = document.paths[path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).to.be.an('object');
      expect(operation.responses.default.content['application/json'].schema.$ref).to.equal('#/components/schemas/Error');
      for (const name of route.path.match(/:([A-Za-z_][A-Za-z0-9_]*)/g) ?? []) {
        expect(operation.parameters.map((p: any) => p.name), `${route.path} declares ${name}`).to.include(name.slice(1));
      }
    }
    expect(document.paths['/api/echo/{id}'].post.requestBody.content['application/json'].schema.properties).to.have.property('name');
  });

  it('publishes schemas that compile, and every parameterless GET route answers what it publishes', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, logger: false });
    ajv.addSchema(document.components.schemas.Error, '#/components/schemas/Error');
    const failures: string[] = [];
    let checked = 0;
    for (const [path, operations] of Object.entries<any>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(operations)) {
        for (const [status, response] of Object.entries<any>(operation.responses)) {
          const schema = response.content?.['application/json']?.schema;
          if (!schema || schema.$ref) continue;
          let validate;
          try {
            validate = ajv.compile(schema);
          } catch (error) {
            failures.push(`${method} ${path} ${status}: schema does not compile: ${(error as Error).message}`);
            continue;
          }
          if (method !== 'get' || status !== '200' || path.includes('{') || ['/api/slow', '/api/boom', '/api/drift'].includes(path) || path.startsWith('/api/fail')) continue;
          const reply = await callApi(server.baseUrl, 'GET', path);
          checked++;
          if (reply.status !== 200 || !validate(reply.body)) failures.push(`GET ${path} → ${reply.status}: ${ajv.errorsText(validate.errors)} ${reply.text.slice(0, 200)}`);
        }
      }
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect(checked).to.be.greaterThan(8);
  });

  it('a route whose reply breaks its declared schema is a 500 naming the field (checkResponses)', async () => {
    const reply = await callApi(server.baseUrl, 'GET', '/api/drift');
    expect(reply.status).to.equal(500);
    expect(reply.body.error.message).to.contain('GET /api/drift').and.contain('count');
  });
});
